/**
 * Appending classic cosign signatures to an image in a registry, as containers/image v5.22
 * docker/docker_image_dest.go putSignaturesToSigstoreAttachments does for `skopeo copy
 * --sign-by-sigstore-private-key`: the `sha256-<hex>.sig` tag holds an OCI image manifest with one layer
 * per signature (media type, payload blob, annotations), its config an OCI image config whose
 * `rootfs.diff_ids` lists the layers' digests.
 *
 * - No `.sig` yet: a new manifest and config, byte for byte what containers/image serialises (Go's
 *   encoding of its structs: `{"architecture":"","os":"","config":{},"rootfs":…}`).
 * - A `.sig` exists (cosign's, or signatures copied with the image): it is kept, and each new signature
 *   is appended unless an identical layer (media type, digest, size, annotations) is already there.
 *   Fields containers/image does not know are kept too (it re-serialises through its structs and drops
 *   them).
 * - A `.sig` tag that is not an OCI image manifest is refused (containers/image 5.22 silently skips
 *   writing in that case, leaving the image unsigned without saying so).
 *
 * Blobs first, then the manifest under the tag, so the tag never names missing blobs.
 */
import { sha256Digest } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import { pushSmallBlob, type SmallBlobDestination } from '../registry/push-small-blob.ts';
import type { Repository } from '../registry/repository.ts';
import { cosignSignatureTag } from './cosign-classic.ts';
import type { NewCosignSignature } from './cosign-classic-sign.ts';
import { SignatureStoreError } from './signing-errors.ts';

/** What appending needs from a repository (a registry Repository has it). */
export type SignatureDestination = SmallBlobDestination &
  Pick<Repository, 'getManifest' | 'getBlobBytes' | 'putManifest'>;

/** containers/image iolimits.MaxConfigBodySize. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface AppendResult {
  readonly tag: string;
  /** Digest of the `.sig` manifest now under the tag. */
  readonly digest: string;
  /** Signatures written (those already present are not written again). */
  readonly added: number;
}

export async function appendCosignSignatures(
  destination: SignatureDestination,
  imageDigest: string,
  signatures: readonly NewCosignSignature[],
  signal?: AbortSignal,
): Promise<AppendResult> {
  const tag = cosignSignatureTag(imageDigest);
  const existing = await destination.getManifest(tag, signal);
  let manifest: Record<string, unknown>;
  let config: Record<string, unknown>;
  if (existing === undefined) {
    manifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: '', size: 0 },
      layers: [],
    };
    config = { architecture: '', os: '', config: {}, rootfs: { type: 'layers', diff_ids: [] } };
  } else {
    if (existing.parsed.kind !== 'image' || existing.parsed.mediaType !== MediaType.OciManifest) {
      throw new SignatureStoreError(
        `${tag} holds a ${existing.parsed.mediaType}, not an OCI image manifest: cannot add a signature to it`,
      );
    }
    manifest = JSON.parse(Buffer.from(existing.parsed.bytes).toString('utf8')) as Record<string, unknown>;
    const configDesc = existing.parsed.manifest.config;
    if (configDesc.size > MAX_CONFIG_BYTES) {
      throw new SignatureStoreError(
        `the config of ${tag} is ${configDesc.size} bytes, over ${MAX_CONFIG_BYTES}`,
      );
    }
    const parsed: unknown = JSON.parse((await destination.getBlobBytes(configDesc, signal)).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new SignatureStoreError(`the config of ${tag} is not a JSON object`);
    }
    config = parsed as Record<string, unknown>;
  }
  const layers = manifest.layers as Descriptor[];
  const rootfs = (config.rootfs ?? { type: 'layers' }) as Record<string, unknown>;
  const diffIds = Array.isArray(rootfs.diff_ids) ? (rootfs.diff_ids as unknown[]) : [];
  let added = 0;
  for (const signature of signatures) {
    const layer: Descriptor = {
      mediaType: signature.mediaType,
      digest: sha256Digest(signature.payload),
      size: signature.payload.byteLength,
      annotations: { ...signature.annotations },
    };
    if (layers.some((l) => sameLayer(l, layer))) continue;
    await pushSmallBlob(destination, layer, signature.payload, signal);
    layers.push(layer);
    diffIds.push(layer.digest);
    added++;
  }
  if (existing !== undefined && added === 0) return { tag, digest: existing.digest, added };
  config.rootfs = { ...rootfs, diff_ids: diffIds };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDesc = {
    mediaType: MediaType.OciConfig,
    digest: sha256Digest(configBytes),
    size: configBytes.byteLength,
  };
  await pushSmallBlob(destination, configDesc, configBytes, signal);
  manifest.config = existing === undefined ? configDesc : { ...(manifest.config as object), ...configDesc };
  manifest.layers = layers;
  const bytes = Buffer.from(JSON.stringify(manifest));
  const digest = await destination.putManifest(tag, bytes, MediaType.OciManifest, signal);
  return { tag, digest, added };
}

/** containers/image layerMatchesSigstoreSignature: same media type, digest, size and annotations. */
function sameLayer(a: Descriptor, b: Descriptor): boolean {
  if (a.mediaType !== b.mediaType || a.digest !== b.digest || a.size !== b.size) return false;
  const x = a.annotations ?? {};
  const y = b.annotations ?? {};
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => y[k] === x[k]);
}
