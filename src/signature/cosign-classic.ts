/**
 * Cosign's classic (non-bundle) signatures, which `cosign sign --key` writes by default and
 * containers/image calls "sigstore attachments": the signatures of `sha256:<hex>` live in the same
 * repository under the tag `sha256-<hex>.sig`, an OCI image manifest with one layer per signature. A
 * signature layer has media type application/vnd.dev.cosign.simplesigning.v1+json; its blob is a
 * "simple signing" JSON payload naming the signed manifest digest and docker reference, and its
 * annotation `dev.cosignproject.cosign/signature` holds the base64 signature over the payload bytes
 * (ECDSA with SHA-256, DER-encoded, for `cosign generate-key-pair` keys).
 *
 * Everything here is the verification of those bytes (fetching, key parsing, signature check, strict
 * payload parsing) with no opinion on what to accept: the containers policy (src/policy/) and the
 * service's signature gate each decide. Payload parsing follows containers/image v5.23
 * signature/internal/sigstore_payload.go (`UntrustedSigstorePayload.strictUnmarshalJSON`), so a payload
 * skopeo would refuse is refused here. Sigstore bundles (another signature kind, verified with
 * sigstore-js) would sit beside this module, not inside it.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { digestToTagPrefix } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import type { BlobReader } from '../registry/blobs.ts';
import type { FetchedManifest } from '../registry/manifests.ts';
import { parseStrictJson } from './strict-json.ts';

export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

/** containers/image iolimits.MaxSignatureBodySize: a simple-signing payload is a few hundred bytes. */
export const MAX_SIGNATURE_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** `sha256:<hex>` → `sha256-<hex>.sig`, the tag cosign stores signatures under. */
export function cosignSignatureTag(digest: string): string {
  return `${digestToTagPrefix(digest)}.sig`;
}

/** What reading signatures needs from a repository (a registry Repository and a layout both have it). */
export interface SignatureSource {
  getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest | undefined>;
  openBlob(desc: Descriptor, signal?: AbortSignal): BlobReader;
}

/** One layer of a `.sig` manifest. */
export interface CosignAttachment {
  readonly mediaType: string;
  readonly annotations: Readonly<Record<string, string>>;
  /** The layer's bytes; undefined when it is larger than MAX_SIGNATURE_PAYLOAD_BYTES (not fetched). */
  readonly payload: Uint8Array | undefined;
}

/** The `.sig` manifest of a digest: its media type and layers (none when it is not an image manifest). */
export interface CosignSignatureManifest {
  readonly tag: string;
  readonly mediaType: string;
  readonly attachments: readonly CosignAttachment[];
}

/**
 * The `.sig` manifest stored for `digest` in `source`, with every layer's payload, or undefined when
 * the tag does not exist. Registry failures propagate with their own `temporary` flag.
 */
export async function fetchCosignSignatures(
  source: SignatureSource,
  digest: string,
  signal?: AbortSignal,
): Promise<CosignSignatureManifest | undefined> {
  const tag = cosignSignatureTag(digest);
  const fetched = await source.getManifest(tag, signal);
  if (fetched === undefined) return undefined;
  const { parsed } = fetched;
  if (parsed.kind !== 'image') return { tag, mediaType: parsed.mediaType, attachments: [] };
  const attachments: CosignAttachment[] = [];
  for (const layer of parsed.manifest.layers) {
    const payload =
      layer.size > MAX_SIGNATURE_PAYLOAD_BYTES ? undefined : await readAll(source.openBlob(layer, signal));
    attachments.push({ mediaType: layer.mediaType, annotations: layer.annotations ?? {}, payload });
  }
  return { tag, mediaType: parsed.mediaType, attachments };
}

/** True for the manifest type containers/image requires of a `.sig` tag (an OCI image manifest). */
export function isOciImageManifest(mediaType: string): boolean {
  return mediaType === MediaType.OciManifest;
}

async function readAll(reader: BlobReader): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of reader) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * A PEM public key as cosign writes it (`-----BEGIN PUBLIC KEY-----`, PKIX) or a PKCS#1 RSA public
 * key. A private key or certificate is refused rather than silently reduced to its public half.
 */
export function parsePublicKeyPem(pem: string | Uint8Array): KeyObject {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');
  const block = /-----BEGIN ([A-Z ]+)-----/.exec(text);
  if (block === null) throw new Error('PEM decoding failed');
  if (block[1] !== 'PUBLIC KEY' && block[1] !== 'RSA PUBLIC KEY') {
    throw new Error(`expected a PUBLIC KEY PEM block, found ${block[1]}`);
  }
  try {
    return createPublicKey(text);
  } catch {
    throw new Error('not a valid public key');
  }
}

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Checks `base64Signature` over `payload` with `key`, as sigstore's LoadVerifier(key, SHA256) does:
 * ECDSA (ASN.1 DER) and RSA PKCS#1 v1.5 over SHA-256, Ed25519 over the payload itself. Reasons use
 * containers/image's words.
 */
export function checkCosignSignature(
  key: KeyObject,
  payload: Uint8Array,
  base64Signature: string,
): SignatureCheck {
  const signature = decodeStdBase64(base64Signature);
  if (signature === undefined) return { ok: false, reason: 'base64 decoding: illegal base64 data' };
  let valid: boolean;
  try {
    switch (key.asymmetricKeyType) {
      case 'ec':
        valid = verify('sha256', payload, { key, dsaEncoding: 'der' }, signature);
        break;
      case 'rsa':
        valid = verify('sha256', payload, key, signature);
        break;
      case 'ed25519':
        valid = verify(null, payload, key, signature);
        break;
      default:
        return {
          ok: false,
          reason: `creating verifier: unsupported public key type ${key.asymmetricKeyType}`,
        };
    }
  } catch {
    // A malformed DER signature throws instead of returning false; either way it does not verify.
    valid = false;
  }
  if (valid) return { ok: true };
  const detail =
    key.asymmetricKeyType === 'ec'
      ? 'invalid signature when validating ASN.1 encoded signature'
      : 'invalid signature';
  return { ok: false, reason: `cryptographic signature verification failed: ${detail}` };
}

/** Go's base64.StdEncoding: padded standard alphabet; only CR and LF are ignored. */
function decodeStdBase64(value: string): Buffer | undefined {
  const s = value.replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  return Buffer.from(s, 'base64');
}

/** What a simple-signing payload vouches for. Untrusted until its signature has been checked. */
export interface SimpleSigningPayload {
  readonly dockerManifestDigest: string;
  readonly dockerReference: string;
  readonly creator?: string | undefined;
  readonly timestamp?: number | undefined;
}

export type PayloadParse =
  | { readonly ok: true; readonly value: SimpleSigningPayload }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses a payload as strictly as containers/image: `critical` and `optional` exactly; `critical`
 * with exactly `type`, `image` and `identity`; `optional` null or an object whose `creator` is a
 * string and `timestamp` an integer (other optional keys, cosign's annotations, are ignored).
 */
export function parseSimpleSigningPayload(payload: Uint8Array): PayloadParse {
  const parsed = parseStrictJson(Buffer.from(payload).toString('utf8'));
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  const top = exactObject(parsed.value, ['critical', 'optional']);
  if (typeof top === 'string') return { ok: false, reason: top };
  let creator: string | undefined;
  let timestamp: number | undefined;
  if (top.optional !== null) {
    if (!isObject(top.optional)) return { ok: false, reason: 'JSON object expected in optional' };
    const o = top.optional;
    if (Object.hasOwn(o, 'creator')) {
      if (typeof o.creator !== 'string') return { ok: false, reason: 'optional.creator is not a string' };
      creator = o.creator;
    }
    if (Object.hasOwn(o, 'timestamp')) {
      if (typeof o.timestamp !== 'number' || !Number.isInteger(o.timestamp)) {
        return { ok: false, reason: 'Field optional.timestamp is not is not an integer' };
      }
      timestamp = o.timestamp;
    }
  }
  const critical = exactObject(top.critical, ['type', 'image', 'identity']);
  if (typeof critical === 'string') return { ok: false, reason: critical };
  if (typeof critical.type !== 'string') return { ok: false, reason: 'critical.type is not a string' };
  if (critical.type !== COSIGN_SIGNATURE_TYPE) {
    return { ok: false, reason: `Unrecognized signature type ${critical.type}` };
  }
  const image = exactObject(critical.image, ['docker-manifest-digest']);
  if (typeof image === 'string') return { ok: false, reason: image };
  const identity = exactObject(critical.identity, ['docker-reference']);
  if (typeof identity === 'string') return { ok: false, reason: identity };
  const digest = image['docker-manifest-digest'];
  const reference = identity['docker-reference'];
  if (typeof digest !== 'string' || typeof reference !== 'string') {
    return { ok: false, reason: 'docker-manifest-digest and docker-reference must be strings' };
  }
  return {
    ok: true,
    value: { dockerManifestDigest: digest, dockerReference: reference, creator, timestamp },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object when it has exactly `fields`, else containers/image's reason. */
function exactObject(value: unknown, fields: readonly string[]): Record<string, unknown> | string {
  if (!isObject(value)) return 'JSON object expected';
  for (const key of Object.keys(value)) if (!fields.includes(key)) return `Unknown key "${key}"`;
  for (const key of fields) if (!Object.hasOwn(value, key)) return `Key "${key}" missing in a JSON object`;
  return value;
}
