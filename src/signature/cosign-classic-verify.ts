/**
 * The verdict over cosign's classic `.sig` signatures of one digest: any layer, any of the given keys,
 * and the simple-signing payload must name the digest. When a trusted root is given (the rule requires
 * the transparency log, cosign's default), the verifying layer must also carry a Rekor entry that
 * verifies (see cosign-classic-rekor.ts); without one the key alone is trusted, as cosign
 * `--insecure-ignore-tlog` does.
 *
 * Pure: bytes and keys in, verdict out (fetching is cosign-classic.ts).
 */
import type { KeyObject } from 'node:crypto';
import type { TrustMaterial } from '@sigstore/verify';
import { checkCosignSignature, cosignSignatureTag, parseSimpleSigningPayload } from './cosign-classic.ts';
import { verifyClassicLogEntry } from './cosign-classic-rekor.ts';

/** One signature of the `.sig` manifest: the payload blob, the base64 signature, the Rekor bundle. */
export interface ClassicSignature {
  readonly payload: Uint8Array;
  readonly signature: string;
  /** The layer's `dev.sigstore.cosign/bundle` annotation, when cosign logged the signature. */
  readonly rekorBundle?: string | undefined;
}

export type ClassicVerdict =
  | {
      readonly verified: true;
      /** Index into the configured keys of the key that verified. */
      readonly keyIndex: number;
      /** Which layer of the `.sig` manifest carried the signature. */
      readonly layerIndex: number;
      /** The verified Rekor entry (undefined when the log was not required). */
      readonly logIndex?: string | undefined;
      readonly integratedTime?: string | undefined;
    }
  | { readonly verified: false; readonly reason: string };

/**
 * Whether any layer carries a signature that verifies with any key and signs `digest`. `publicKeys`
 * are index-aligned with the rule's key files; undefined entries (keys that could not be loaded) are
 * skipped. `logTrust`: require a verified Rekor entry, checked against these anchors.
 */
export function verifyCosignSignatures(input: {
  readonly digest: string;
  readonly layers: readonly ClassicSignature[];
  readonly publicKeys: readonly (KeyObject | undefined)[];
  readonly logTrust?: TrustMaterial | undefined;
}): ClassicVerdict {
  const { digest, layers, publicKeys, logTrust } = input;
  if (!publicKeys.some((k) => k !== undefined)) {
    return { verified: false, reason: 'no usable public key is configured for the signature gate' };
  }
  const tag = cosignSignatureTag(digest);
  if (layers.length === 0) return { verified: false, reason: `${tag} holds no signatures` };
  // The most telling reason across layers: a valid signature over the wrong image beats "no match".
  let telling: string | undefined;
  for (const [layerIndex, layer] of layers.entries()) {
    for (const [keyIndex, key] of publicKeys.entries()) {
      if (key === undefined || !checkCosignSignature(key, layer.payload, layer.signature).ok) continue;
      const payload = parseSimpleSigningPayload(layer.payload);
      if (!payload.ok || payload.value.dockerManifestDigest !== digest) {
        telling ??= payload.ok
          ? `the signature made with key #${keyIndex + 1} signs ${payload.value.dockerManifestDigest}, not ${digest}`
          : `the signature made with key #${keyIndex + 1} has an invalid payload: ${payload.reason}`;
        continue;
      }
      if (logTrust === undefined) return { verified: true, keyIndex, layerIndex };
      const logged = verifyClassicLogEntry({
        payload: layer.payload,
        signature: layer.signature,
        annotation: layer.rekorBundle,
        key,
        trust: logTrust,
      });
      if (logged.ok) {
        return {
          verified: true,
          keyIndex,
          layerIndex,
          logIndex: logged.logIndex,
          integratedTime: logged.integratedTime,
        };
      }
      telling ??= `the signature made with key #${keyIndex + 1} is refused: ${logged.reason}`;
    }
  }
  return {
    verified: false,
    reason: telling ?? `no signature in ${tag} verifies with the configured public keys`,
  };
}
