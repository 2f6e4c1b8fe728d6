/**
 * `copy --sign-by-sigstore-private-key`: signs an image that is now in a registry, as skopeo 1.9 does
 * (containers/image copy.go): every image of an index (each under its own digest's `.sig` tag) and then
 * the index itself, or the single image; each signature names `identity`, the destination reference by
 * default. What a signature is: cosign-classic-sign.ts; how it is added to the `.sig` tag (earlier
 * signatures kept): push-attachment.ts, the same writer as the service's classic attestations.
 *
 * A digest that already carries a valid signature by the same key for the same identity is not signed
 * again (`added: false`): skopeo appends a new layer on every run (its payloads differ by their
 * timestamp), so a `.sig` signed by a nightly sync would grow without end.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import {
  COSIGN_SIGNATURE_ANNOTATION,
  checkCosignSignature,
  cosignSignatureTag,
  fetchCosignSignatures,
  isOciImageManifest,
  parseSimpleSigningPayload,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type SignatureSource,
} from './cosign-classic.ts';
import { createCosignSignature } from './cosign-classic-sign.ts';
import { type AttachmentTarget, appendCosignAttachment } from './push-attachment.ts';

export interface SignImageOptions {
  readonly privateKey: KeyObject;
  /** The docker reference the signatures vouch for (fully qualified, with a tag or digest). */
  readonly identity: string;
  /** `optional.creator` of the payloads. */
  readonly creator: string;
  /** Signing time (default: now). */
  readonly now?: Date | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface SignedDigest {
  /** The image (or index) digest that was signed. */
  readonly signed: string;
  /** Its `.sig` tag. */
  readonly tag: string;
  /** False when it already carried a signature by this key for this identity. */
  readonly added: boolean;
}

export async function signImage(
  destination: AttachmentTarget & SignatureSource,
  digest: string,
  options: SignImageOptions,
): Promise<SignedDigest[]> {
  const top = await destination.getManifest(digest, options.signal);
  if (top === undefined) {
    throw new FerryError(ErrorCode.NotFound, `${digest} is not in the destination: nothing to sign`);
  }
  const digests =
    top.parsed.kind === 'index' ? [...top.parsed.manifest.manifests.map((m) => m.digest), digest] : [digest];
  const timestamp = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const publicKey = createPublicKey(options.privateKey);
  const out: SignedDigest[] = [];
  for (const signed of new Set(digests)) {
    const tag = cosignSignatureTag(signed);
    if (await alreadySigned(destination, signed, publicKey, options)) {
      out.push({ signed, tag, added: false });
      continue;
    }
    const signature = createCosignSignature(options.privateKey, {
      manifestDigest: signed,
      dockerReference: options.identity,
      creator: options.creator,
      timestamp,
    });
    await appendCosignAttachment(destination, tag, signature);
    out.push({ signed, tag, added: true });
  }
  return out;
}

async function alreadySigned(
  destination: SignatureSource,
  digest: string,
  publicKey: KeyObject,
  options: SignImageOptions,
): Promise<boolean> {
  const found = await fetchCosignSignatures(destination, digest, options.signal);
  if (found === undefined || !isOciImageManifest(found.mediaType)) return false;
  return found.attachments.some((layer) => {
    const signature = layer.annotations[COSIGN_SIGNATURE_ANNOTATION];
    if (
      layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE ||
      signature === undefined ||
      layer.payload === undefined
    )
      return false;
    if (!checkCosignSignature(publicKey, layer.payload, signature).ok) return false;
    const payload = parseSimpleSigningPayload(layer.payload);
    return (
      payload.ok &&
      payload.value.dockerManifestDigest === digest &&
      payload.value.dockerReference === options.identity
    );
  });
}
