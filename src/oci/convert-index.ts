/**
 * An index (OCI image index or Docker manifest list) rewritten after its images were converted, as
 * containers/image does in `copy/copy.go` copyMultipleImages: entries get the converted images' digest,
 * size and media type (`UpdateInstances`), the list is converted to the requested list type
 * (`Schema2List.ToOCI1Index`, `OCI1Index.ToSchema2List`) and written as a Go struct. When the result
 * equals the source re-serialised, the source bytes are kept (skopeo compares the two serialisations
 * for the same reason: an unchanged list keeps its digest).
 */

import { type ConvertedManifest, ociDescriptor, type RawDescriptor, stringMap } from './convert-manifest.ts';
import { sha256Digest } from './digest.ts';
import { type GoValue, goJson } from './go-json.ts';
import { type ManifestFormat, manifestFormatOf } from './layer-compression.ts';
import { MediaType } from './media-types.ts';

export interface IndexEntryUpdate {
  readonly digest: string;
  readonly size: number;
  readonly mediaType: string;
}

/**
 * `updates` maps a source entry digest to the manifest that replaces it (absent: unchanged).
 * `defaultPlatform` fills entries without one when writing a Docker list, which requires a platform
 * (containers/image uses the platform it runs on).
 */
export function convertIndex(
  source: { readonly bytes: Uint8Array; readonly mediaType: string },
  format: ManifestFormat,
  updates: ReadonlyMap<string, IndexEntryUpdate>,
  defaultPlatform: { readonly os: string; readonly architecture: string },
): ConvertedManifest {
  const from = manifestFormatOf(source.mediaType) ?? 'oci';
  const raw = JSON.parse(Buffer.from(source.bytes).toString('utf8')) as {
    manifests: (RawDescriptor & { platform?: Record<string, unknown> })[];
    annotations?: Record<string, string>;
    subject?: RawDescriptor;
    artifactType?: string;
  };
  const serialise = (fmt: ManifestFormat, entries: typeof raw.manifests): Uint8Array => {
    let value: GoValue;
    if (fmt === 'docker') {
      value = {
        schemaVersion: 2,
        mediaType: MediaType.DockerManifestList,
        manifests: entries.map((e) => {
          const p = e.platform ?? defaultPlatform;
          const str = (k: string) => (p as Record<string, unknown>)[k] as string | undefined;
          const list = (k: string) => {
            const v = (p as Record<string, unknown>)[k];
            return Array.isArray(v) && v.length > 0 ? (v as string[]) : undefined;
          };
          return {
            mediaType: e.mediaType ?? '',
            size: e.size,
            digest: e.digest,
            urls: e.urls && e.urls.length > 0 ? e.urls : undefined,
            platform: {
              architecture: str('architecture') ?? '',
              os: str('os') ?? '',
              'os.version': str('os.version') || undefined,
              'os.features': list('os.features'),
              variant: str('variant') || undefined,
              // Docker-list-only; dropped when an OCI index is written.
              features: from === 'docker' ? list('features') : undefined,
            },
          };
        }),
      };
    } else {
      value = {
        schemaVersion: 2,
        mediaType: MediaType.OciIndex,
        artifactType: from === 'oci' ? raw.artifactType : undefined,
        manifests: entries.map((e) =>
          ociDescriptor(
            from === 'oci'
              ? e
              : { ...e, platform: e.platform ?? { architecture: '', os: '' }, annotations: undefined },
          ),
        ),
        subject: from === 'oci' && raw.subject ? ociDescriptor(raw.subject) : undefined,
        annotations: from === 'oci' ? stringMap(raw.annotations) : undefined,
      };
    }
    return Buffer.from(goJson(value), 'utf8');
  };

  const updated = raw.manifests.map((e) => {
    const u = updates.get(e.digest);
    return u ? { ...e, digest: u.digest, size: u.size, mediaType: u.mediaType } : e;
  });
  const bytes = serialise(format, updated);
  const original = serialise(from, raw.manifests);
  if (Buffer.compare(bytes, original) === 0) {
    return { bytes: source.bytes, digest: sha256Digest(source.bytes), mediaType: source.mediaType };
  }
  return {
    bytes,
    digest: sha256Digest(bytes),
    mediaType: format === 'docker' ? MediaType.DockerManifestList : MediaType.OciIndex,
  };
}
