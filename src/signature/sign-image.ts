/**
 * `copy --sign-by-sigstore-private-key`: signs an image that is now in a registry, as skopeo 1.9 does
 * (containers/image copy.go): every image of an index (each under its own digest's `.sig` tag) and then
 * the index itself, or the single image; each signature names `identity`, the destination reference by
 * default. What a signature is: cosign-classic-sign.ts; where it goes: cosign-signature-store.ts.
 *
 * A digest that already carries a valid signature by the same key for the same identity is not signed
 * again (`added: 0`): skopeo appends a new layer on every run (its payloads differ by their timestamp),
 * so a `.sig` signed by a nightly sync would grow without end.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
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
import {
  type AppendResult,
  appendCosignSignatures,
  type SignatureDestination,
} from './cosign-signature-store.ts';
import { SignatureStoreError } from './signing-errors.ts';

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

export interface SignedDigest extends Omit<AppendResult, 'digest'> {
  /** The image (or index) digest that was signed. */
  readonly signed: string;
  /** Digest of the `.sig` manifest written; undefined when it was already signed. */
  readonly digest: string | undefined;
}

export async function signImage(
  destination: SignatureDestination & SignatureSource,
  digest: string,
  options: SignImageOptions,
): Promise<SignedDigest[]> {
  const top = await destination.getManifest(digest, options.signal);
  if (top === undefined)
    throw new SignatureStoreError(`${digest} is not in the destination: nothing to sign`);
  const digests =
    top.parsed.kind === 'index' ? [...top.parsed.manifest.manifests.map((m) => m.digest), digest] : [digest];
  const timestamp = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const out: SignedDigest[] = [];
  const publicKey = createPublicKey(options.privateKey);
  for (const signed of new Set(digests)) {
    if (await alreadySigned(destination, signed, publicKey, options)) {
      out.push({ signed, tag: cosignSignatureTag(signed), digest: undefined, added: 0 });
      continue;
    }
    const signature = createCosignSignature(options.privateKey, {
      manifestDigest: signed,
      dockerReference: options.identity,
      creator: options.creator,
      timestamp,
    });
    out.push({ signed, ...(await appendCosignSignatures(destination, signed, [signature], options.signal)) });
  }
  return out;
}

async function alreadySigned(
  destination: SignatureDestination & SignatureSource,
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
