/**
 * The manifest of a cosign classic attachment tag (`sha256-<hex>.sig` for signatures, `.att` for
 * attestations; cosign specs/SIGNATURE_SPEC.md and specs/ATTESTATION_SPEC.md): an OCI image manifest
 * whose every layer is one signature or attestation, with a config listing the layers as its
 * `rootfs.diff_ids` (as go-containerregistry's empty image with appended layers, and containers/image's
 * sigstore attachments, write it; verifiers read only the layers). Attaching appends a layer to what the
 * tag holds — cosign keeps earlier signatures unless told to replace them — and an identical layer
 * (same bytes, same annotations) is not added twice.
 */
import { sha256Digest } from '../oci/digest.ts';
import type { Descriptor, ImageManifest } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';

export interface AttachmentLayer {
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface AttachmentManifest {
  /** The manifest bytes to put at the attachment tag. */
  readonly bytes: Buffer;
  /** The config and the new layer, to push before the manifest (blobs already there are skipped). */
  readonly blobs: readonly { readonly descriptor: Descriptor; readonly bytes: Buffer }[];
}

/**
 * `existing` (the tag's manifest, or undefined when there is none) with `layer` appended; undefined
 * when the tag already holds that very layer.
 */
export function appendAttachmentLayer(
  existing: ImageManifest | undefined,
  layer: AttachmentLayer,
): AttachmentManifest | undefined {
  const descriptor: Descriptor = {
    mediaType: layer.mediaType,
    digest: sha256Digest(layer.bytes),
    size: layer.bytes.byteLength,
    annotations: { ...layer.annotations },
  };
  const layers = existing?.layers ?? [];
  const same = (d: Descriptor) =>
    d.digest === descriptor.digest &&
    JSON.stringify(sortedEntries(d.annotations)) === JSON.stringify(sortedEntries(descriptor.annotations));
  if (layers.some(same)) return undefined;
  const all = [...layers, descriptor];
  const configBytes = Buffer.from(
    JSON.stringify({
      architecture: '',
      os: '',
      config: {},
      rootfs: { type: 'layers', diff_ids: all.map((d) => d.digest) },
    }),
  );
  const config: Descriptor = {
    mediaType: MediaType.OciConfig,
    digest: sha256Digest(configBytes),
    size: configBytes.byteLength,
  };
  const manifest = { schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: all };
  return {
    bytes: Buffer.from(JSON.stringify(manifest)),
    blobs: [
      { descriptor: config, bytes: configBytes },
      { descriptor, bytes: layer.bytes },
    ],
  };
}

function sortedEntries(record: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
