/**
 * Creating a classic cosign signature the way `skopeo copy --sign-by-sigstore-private-key` does
 * (containers/image v5.22 signature/sigstore/sign.go signDockerManifest): a simple-signing payload
 * naming the manifest digest and the docker reference it is signed as, and a signature over the payload
 * bytes with the key (sigstore's signer for the key type: ECDSA over SHA-256, DER-encoded, for cosign's
 * keys; RSA PKCS#1 v1.5 over SHA-256; Ed25519), stored base64 in the layer's
 * `dev.cosignproject.cosign/signature` annotation. cosign-classic.ts reads the same bytes back.
 *
 * The payload is JSON as Go's encoding/json writes containers/image's maps: keys sorted, no spaces, so
 * the bytes equal skopeo's for the same reference, digest, creator and time. The reference keeps its
 * tag: containers/image records it (cosign records only the repository) so that a policy can refuse a
 * signature for another tag.
 */
import { type KeyObject, sign } from 'node:crypto';
import type { AttachmentLayer } from './cosign-attachment-manifest.ts';
import {
  COSIGN_SIGNATURE_ANNOTATION,
  COSIGN_SIGNATURE_TYPE,
  SIMPLE_SIGNING_MEDIA_TYPE,
} from './cosign-classic.ts';

export interface SimpleSigningClaim {
  readonly manifestDigest: string;
  /** Fully qualified docker reference with a tag or digest, e.g. `registry.example/team/app:1.2`. */
  readonly dockerReference: string;
  /** `optional.creator`: containers/image writes "containers/image <version>". */
  readonly creator: string;
  /** `optional.timestamp`, seconds since the epoch. */
  readonly timestamp: number;
}

/** The payload bytes of `claim`, as containers/image's UntrustedSigstorePayload.MarshalJSON writes them. */
export function simpleSigningPayload(claim: SimpleSigningClaim): Buffer {
  if (!Number.isSafeInteger(claim.timestamp)) throw new Error('timestamp must be an integer');
  const payload = {
    critical: {
      identity: { 'docker-reference': claim.dockerReference },
      image: { 'docker-manifest-digest': claim.manifestDigest },
      type: COSIGN_SIGNATURE_TYPE,
    },
    optional: { creator: claim.creator, timestamp: claim.timestamp },
  };
  return Buffer.from(goJson(payload));
}

/** Signs `claim` with `privateKey` (a key decrypted by cosign-private-key.ts). */
/** One layer for the `.sig` tag: the payload bytes, the signature in the annotation. */
export function createCosignSignature(privateKey: KeyObject, claim: SimpleSigningClaim): AttachmentLayer {
  const payload = simpleSigningPayload(claim);
  let signature: Buffer;
  switch (privateKey.asymmetricKeyType) {
    case 'ec':
      signature = sign('sha256', payload, { key: privateKey, dsaEncoding: 'der' });
      break;
    case 'rsa':
      signature = sign('sha256', payload, privateKey);
      break;
    case 'ed25519':
      signature = sign(null, payload, privateKey);
      break;
    default:
      throw new Error(`unsupported key type ${privateKey.asymmetricKeyType}`);
  }
  return {
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    bytes: payload,
    annotations: { [COSIGN_SIGNATURE_ANNOTATION]: signature.toString('base64') },
  };
}

/**
 * Go's json.Marshal of nested maps: keys sorted, and `<`, `>`, `&`, U+2028 and U+2029 escaped as Go does
 * (JSON.stringify leaves them as they are).
 */
export function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
