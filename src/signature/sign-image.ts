/**
 * `copy --sign-by-sigstore-private-key`: signs an image that is now in a registry, as skopeo 1.9 does
 * (containers/image copy.go): every image of an index (each under its own digest's `.sig` tag) and then
 * the index itself, or the single image; each signature names `identity`, the destination reference by
 * default. What a signature is: cosign-classic-sign.ts; where it goes: cosign-signature-store.ts.
 */
import type { KeyObject } from 'node:crypto';
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

export interface SignedDigest extends AppendResult {
  /** The image (or index) digest that was signed. */
  readonly signed: string;
}

export async function signImage(
  destination: SignatureDestination,
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
  for (const signed of new Set(digests)) {
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
