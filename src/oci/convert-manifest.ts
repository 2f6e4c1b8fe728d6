/**
 * An image manifest rewritten for a different manifest format and/or different layer blobs, as
 * containers/image writes it (`internal/image/docker_schema2.go` convertToManifestOCI1,
 * `internal/image/oci.go` convertToManifestSchema2, `manifest/*.go` UpdateLayerInfos + Serialize):
 * Go-struct field order, media types moved within their compression variant set, Docker-only or
 * OCI-only fields dropped. With nothing to change the source bytes are kept, so the digest is too.
 */
import { ConversionError } from './conversion-error.ts';
import { sha256Digest } from './digest.ts';
import { type GoMap, type GoValue, goJson } from './go-json.ts';
import {
  type Compression,
  layerKind,
  layerMediaTypeFor,
  type ManifestFormat,
  manifestFormatOf,
} from './layer-compression.ts';
import { MediaType } from './media-types.ts';

/** A layer blob after conversion; undefined in `layers` means the layer is unchanged. */
export interface ConvertedLayer {
  readonly digest: string;
  readonly size: number;
  readonly compression: Compression;
}

export interface ManifestConversion {
  readonly format: ManifestFormat;
  /** The config blob the new manifest refers to (a Docker config becomes a new OCI config). */
  readonly config: { readonly digest: string; readonly size: number };
  /** Aligned with the source manifest's `layers`. */
  readonly layers: readonly (ConvertedLayer | undefined)[];
}

export interface ConvertedManifest {
  readonly bytes: Uint8Array;
  readonly digest: string;
  readonly mediaType: string;
}

type RawDescriptor = {
  mediaType?: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  data?: string;
  platform?: Record<string, unknown>;
  artifactType?: string;
};

export function convertImageManifest(
  source: { readonly bytes: Uint8Array; readonly mediaType: string },
  conversion: ManifestConversion,
): ConvertedManifest {
  const from = manifestFormatOf(source.mediaType);
  if (from === undefined || source.mediaType.includes('index') || source.mediaType.includes('list'))
    throw new ConversionError(`cannot convert a manifest of type ${source.mediaType}`);
  const raw = JSON.parse(Buffer.from(source.bytes).toString('utf8')) as {
    config: RawDescriptor;
    layers: RawDescriptor[];
    subject?: RawDescriptor;
    annotations?: Record<string, string>;
    artifactType?: string;
  };
  const to = conversion.format;
  const unchanged =
    from === to &&
    conversion.config.digest === raw.config.digest &&
    conversion.layers.every((l) => l === undefined);
  if (unchanged)
    return { bytes: source.bytes, digest: sha256Digest(source.bytes), mediaType: source.mediaType };

  if (from === 'oci' && to === 'docker' && raw.config.mediaType !== MediaType.OciConfig) {
    // containers/image: NewNonImageArtifactError; only images have a Docker schema 2 form.
    throw new ConversionError(
      `the image is an OCI artifact (config type ${raw.config.mediaType ?? 'none'}), which has no Docker schema 2 form`,
    );
  }
  if (raw.layers.length !== conversion.layers.length) throw new ConversionError('layer count changed');

  const layers = raw.layers.map((layer, i) => {
    const converted = conversion.layers[i];
    const type = layer.mediaType ?? '';
    const kind = layerKind(type);
    if (!kind) {
      // Artifact or encrypted layers: kept as they are within OCI; schema 2 cannot name them.
      if (from === to && !converted) return layer;
      throw new ConversionError(`layer ${layer.digest} has media type ${type}, which cannot be converted`);
    }
    const compression = converted?.compression ?? kind.compression;
    const mediaType = layerMediaTypeFor(type, to, compression);
    if (mediaType === undefined) {
      throw new ConversionError(
        `layer ${layer.digest} would be ${compression}-compressed, which Docker schema 2 cannot describe (use --format oci)`,
      );
    }
    const out: RawDescriptor = { ...layer, mediaType };
    if (converted) {
      out.digest = converted.digest;
      out.size = converted.size;
      // Annotations described the old bytes; containers/image drops them for a rewritten blob too.
      delete out.annotations;
    }
    return out;
  });

  let value: GoValue;
  if (to === 'docker') {
    value = {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: dockerDescriptor({ ...raw.config, ...conversion.config, mediaType: MediaType.DockerConfig }),
      layers: layers.map(dockerDescriptor),
    };
  } else {
    const configType = from === 'docker' ? MediaType.OciConfig : raw.config.mediaType;
    value = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      artifactType: from === 'oci' ? raw.artifactType : undefined,
      config: ociDescriptor({
        ...(from === 'oci' ? raw.config : { urls: raw.config.urls }),
        ...conversion.config,
        mediaType: configType,
      }),
      layers: layers.map((l) => ociDescriptor(from === 'oci' ? l : { ...l, annotations: undefined })),
      subject: from === 'oci' && raw.subject ? ociDescriptor(raw.subject) : undefined,
      annotations: from === 'oci' ? stringMap(raw.annotations) : undefined,
    };
  }
  const bytes = Buffer.from(goJson(value), 'utf8');
  return {
    bytes,
    digest: sha256Digest(bytes),
    mediaType: to === 'docker' ? MediaType.DockerManifest : MediaType.OciManifest,
  };
}

/** `manifest.Schema2Descriptor`: mediaType, size, digest, urls. */
function dockerDescriptor(d: RawDescriptor): GoValue {
  return {
    mediaType: d.mediaType ?? '',
    size: d.size,
    digest: d.digest,
    urls: d.urls && d.urls.length > 0 ? d.urls : undefined,
  };
}

/** image-spec `v1.Descriptor`. */
export function ociDescriptor(d: RawDescriptor): GoValue {
  return {
    mediaType: d.mediaType || undefined,
    digest: d.digest,
    size: d.size,
    urls: d.urls && d.urls.length > 0 ? d.urls : undefined,
    annotations: stringMap(d.annotations),
    data: d.data || undefined,
    platform: d.platform ? ociPlatform(d.platform) : undefined,
    artifactType: d.artifactType || undefined,
  };
}

/** image-spec `v1.Platform`: architecture, os, os.version, os.features, variant. */
export function ociPlatform(p: Record<string, unknown>): GoValue {
  const features = p['os.features'];
  return {
    architecture: String(p['architecture'] ?? ''),
    os: String(p['os'] ?? ''),
    'os.version': (p['os.version'] as string | undefined) || undefined,
    'os.features': Array.isArray(features) && features.length > 0 ? (features as string[]) : undefined,
    variant: (p['variant'] as string | undefined) || undefined,
  };
}

export function stringMap(m: Record<string, string> | undefined): GoMap | undefined {
  if (!m || Object.keys(m).length === 0) return undefined;
  return new Map(Object.entries(m));
}

export type { RawDescriptor };
