/**
 * Writing signatures and attestations next to an image in a registry: small blobs in one monolithic PUT,
 * and the cosign classic attachment tags (`sha256-<hex>.att` / `.sig`, cosign-attachment-manifest.ts)
 * read, extended and put back. Bundle referrers (sigstore-referrer-manifest.ts) use pushSmallBlob too.
 */
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { digestToTagPrefix } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import type { Repository } from '../registry/repository.ts';
import { type AttachmentLayer, appendAttachmentLayer } from './cosign-attachment-manifest.ts';
import { MAX_SIGNATURE_PAYLOAD_BYTES } from './cosign-classic.ts';

export type AttachmentTarget = Pick<
  Repository,
  'getManifest' | 'headBlob' | 'startUpload' | 'putMonolithic' | 'putManifest' | 'registry' | 'name'
>;

/** `sha256:<hex>` → `sha256-<hex>.att`, the tag cosign stores classic attestations under. */
export function cosignAttestationTag(digest: string): string {
  return `${digestToTagPrefix(digest)}.att`;
}

/** A blob of a few KiB in one monolithic PUT, skipped when the repository already has it. */
export async function pushSmallBlob(
  target: AttachmentTarget,
  descriptor: Pick<Descriptor, 'mediaType' | 'digest' | 'size'>,
  bytes: Buffer,
): Promise<void> {
  if ((await target.headBlob(descriptor.digest)) !== undefined) return;
  const started = await target.startUpload();
  if (started.mounted) return;
  await target.putMonolithic(
    started.session,
    descriptor,
    (async function* () {
      yield bytes;
    })(),
  );
}

/**
 * Appends `layer` to the attachment manifest at `tag` (creating it), and returns the manifest's digest;
 * undefined when the tag already held that layer. Not atomic: two writers attaching to the same image at
 * the same moment can each put a manifest without the other's layer (cosign has the same race).
 */
export async function appendCosignAttachment(
  target: AttachmentTarget,
  tag: string,
  layer: AttachmentLayer,
): Promise<string | undefined> {
  if (layer.bytes.byteLength > MAX_SIGNATURE_PAYLOAD_BYTES) {
    throw new FerryError(
      ErrorCode.BadManifest,
      `an attachment layer of ${layer.bytes.byteLength} bytes is larger than verifiers read (${MAX_SIGNATURE_PAYLOAD_BYTES})`,
    );
  }
  const fetched = await target.getManifest(tag);
  if (fetched !== undefined && fetched.parsed.kind !== 'image') {
    throw new FerryError(
      ErrorCode.UnsupportedManifest,
      `${target.registry}/${target.name}:${tag} is an index (${fetched.parsed.mediaType}), not a cosign attachment manifest`,
    );
  }
  const next = appendAttachmentLayer(
    fetched?.parsed.kind === 'image' ? fetched.parsed.manifest : undefined,
    layer,
  );
  if (next === undefined) return undefined;
  for (const blob of next.blobs) await pushSmallBlob(target, blob.descriptor, blob.bytes);
  return target.putManifest(tag, next.bytes, MediaType.OciManifest);
}
