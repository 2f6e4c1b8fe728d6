/**
 * The signature gate: a rule with `signature.required` promotes only digests that carry a cosign
 * signature made with one of its public keys.
 *
 * Cosign's classic (non-bundle) storage, which every cosign version still writes by default for key-based
 * signing: the signatures of `sha256:<hex>` live in the same repository under the tag `sha256-<hex>.sig`,
 * an image manifest with one layer per signature. Each layer is a "simple signing" JSON payload
 * (media type application/vnd.dev.cosign.simplesigning.v1+json) whose
 * `critical.image["docker-manifest-digest"]` names the signed digest, and the layer annotation
 * `dev.cosignproject.cosign/signature` holds the base64 ASN.1 DER ECDSA signature over the payload bytes
 * (SHA-256, P-256 keys from `cosign generate-key-pair`).
 *
 * The verification is pure (verifyCosignSignatures: bytes in, verdict out) and separate from fetching
 * (fetchSignatureLayers) and key loading (loadPublicKeys), so it is unit-tested with generated keys.
 * No transparency log or certificate checks: a key-based policy trusts exactly the configured keys.
 */
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { digestToTagPrefix } from '../../oci/digest.ts';
import type { Repository } from '../../registry/repository.ts';
import { describeReadError, type ReadFile, readSmallFile } from '../config/read-small-file.ts';

export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const COSIGN_SIGNATURE_TYPE = 'cosign container image signature';

/** Simple-signing payloads are a few hundred bytes; anything this big is not one. */
export const MAX_SIGNATURE_PAYLOAD_BYTES = 256 * 1024;

/** One signature of the `.sig` manifest: the payload blob and the annotation's base64 signature. */
export interface SignatureLayer {
  readonly payload: Uint8Array;
  readonly signature: string;
}

export type SignatureVerdict =
  | {
      readonly verified: true;
      /** Index into the rule's `publicKeyFiles` of the key that verified. */
      readonly keyIndex: number;
      /** Which layer of the `.sig` manifest carried the signature. */
      readonly layerIndex: number;
    }
  | { readonly verified: false; readonly reason: string };

/** `sha256:<hex>` → `sha256-<hex>.sig`, the tag cosign stores signatures under. */
export function signatureTag(digest: string): string {
  return `${digestToTagPrefix(digest)}.sig`;
}

/**
 * Whether any layer carries a signature that verifies with any key and signs `digest`. `publicKeys`
 * are index-aligned with the rule's key files; undefined entries (keys that could not be loaded) are
 * skipped.
 */
export function verifyCosignSignatures(input: {
  readonly digest: string;
  readonly layers: readonly SignatureLayer[];
  readonly publicKeys: readonly (KeyObject | undefined)[];
}): SignatureVerdict {
  const { digest, layers, publicKeys } = input;
  if (!publicKeys.some((k) => k !== undefined)) {
    return { verified: false, reason: 'no usable public key is configured for the signature gate' };
  }
  if (layers.length === 0) return { verified: false, reason: `${signatureTag(digest)} holds no signatures` };
  // The most telling reason across layers: a valid signature over the wrong image beats "no match".
  let wrongSubject: string | undefined;
  for (const [layerIndex, layer] of layers.entries()) {
    const signature = decodeBase64(layer.signature);
    if (signature === undefined) continue;
    for (const [keyIndex, key] of publicKeys.entries()) {
      if (key === undefined || !verifiesWith(key, layer.payload, signature)) continue;
      const subject = signedSubject(layer.payload);
      if (subject.ok && subject.digest === digest) return { verified: true, keyIndex, layerIndex };
      wrongSubject ??= subject.ok
        ? `the signature made with key #${keyIndex + 1} signs ${subject.digest}, not ${digest}`
        : `the signature made with key #${keyIndex + 1} has an invalid payload: ${subject.reason}`;
    }
  }
  return {
    verified: false,
    reason:
      wrongSubject ?? `no signature in ${signatureTag(digest)} verifies with the configured public keys`,
  };
}

function verifiesWith(key: KeyObject, payload: Uint8Array, signature: Buffer): boolean {
  try {
    return verify('sha256', payload, { key, dsaEncoding: 'der' }, signature);
  } catch {
    // A malformed DER signature throws instead of returning false; either way it does not verify.
    return false;
  }
}

function decodeBase64(value: string): Buffer | undefined {
  const trimmed = value.trim();
  if (trimmed === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return undefined;
  return Buffer.from(trimmed, 'base64');
}

type Subject = { ok: true; digest: string } | { ok: false; reason: string };

/** The digest a simple-signing payload vouches for, after checking it is a cosign image signature. */
function signedSubject(payload: Uint8Array): Subject {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const critical = field(json, 'critical');
  const type = field(critical, 'type');
  if (type !== COSIGN_SIGNATURE_TYPE) {
    return { ok: false, reason: `critical.type is ${JSON.stringify(type)}, not "${COSIGN_SIGNATURE_TYPE}"` };
  }
  const digest = field(field(critical, 'image'), 'docker-manifest-digest');
  if (typeof digest !== 'string') return { ok: false, reason: 'no critical.image.docker-manifest-digest' };
  return { ok: true, digest };
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/**
 * Parses PEM public keys, accepting only ECDSA P-256 (what cosign generates and what the gate promises);
 * `problems` names each file that was unreadable or of another kind, never its content.
 */
export async function loadPublicKeys(
  files: readonly string[],
  readFile: ReadFile = (path) => readSmallFile(path),
): Promise<{ keys: (KeyObject | undefined)[]; problems: string[] }> {
  const keys: (KeyObject | undefined)[] = [];
  const problems: string[] = [];
  for (const file of files) {
    let pem: string;
    try {
      pem = Buffer.from(await readFile(file)).toString('utf8');
    } catch (err) {
      keys.push(undefined);
      problems.push(`cannot read public key ${file}: ${describeReadError(err)}`);
      continue;
    }
    try {
      const key = createPublicKey(pem);
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
        throw new Error('not an ECDSA P-256 key');
      }
      keys.push(key);
    } catch (err) {
      keys.push(undefined);
      const why =
        err instanceof Error && err.message === 'not an ECDSA P-256 key'
          ? err.message
          : 'not a PEM public key';
      problems.push(`public key ${file} is unusable: ${why}`);
    }
  }
  return { keys, problems };
}

/**
 * The signature layers stored for `digest` in `repository`, or undefined when there is no `.sig` tag.
 * Registry failures propagate (a temporary one makes the promotion retry, not fail the gate).
 */
export async function fetchSignatureLayers(
  repository: Repository,
  digest: string,
  signal?: AbortSignal,
): Promise<SignatureLayer[] | undefined> {
  const fetched = await repository.getManifest(signatureTag(digest), signal);
  if (fetched === undefined) return undefined;
  if (fetched.parsed.kind !== 'image') return [];
  const layers: SignatureLayer[] = [];
  for (const layer of fetched.parsed.manifest.layers) {
    const signature = layer.annotations?.[COSIGN_SIGNATURE_ANNOTATION];
    if (signature === undefined || layer.size > MAX_SIGNATURE_PAYLOAD_BYTES) continue;
    layers.push({ payload: await repository.getBlobBytes(layer, signal), signature });
  }
  return layers;
}

/** The whole gate: keys from the rule's files, signatures from the source repository, the verdict. */
export async function checkSignature(options: {
  readonly repository: Repository;
  readonly digest: string;
  readonly publicKeyFiles: readonly string[];
  readonly readFile?: ReadFile | undefined;
  readonly signal?: AbortSignal | undefined;
}): Promise<SignatureVerdict & { keyProblems: string[] }> {
  const { keys, problems } = await loadPublicKeys(options.publicKeyFiles, options.readFile);
  const layers = await fetchSignatureLayers(options.repository, options.digest, options.signal);
  if (layers === undefined) {
    return {
      verified: false,
      reason: `not signed: ${options.repository.name}:${signatureTag(options.digest)} does not exist`,
      keyProblems: problems,
    };
  }
  const verdict = verifyCosignSignatures({ digest: options.digest, layers, publicKeys: keys });
  if (!verdict.verified && problems.length > 0) {
    return { verified: false, reason: `${verdict.reason} (${problems.join('; ')})`, keyProblems: problems };
  }
  return { ...verdict, keyProblems: problems };
}
