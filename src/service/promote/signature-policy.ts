/**
 * The signature gate: a rule with `signature.required` promotes only digests that carry a cosign
 * signature made with one of its public keys.
 *
 * The signatures are cosign's classic `.sig` attachments (see src/signature/cosign-classic.ts, which
 * fetches them, checks each signature and parses its payload); this file is the gate's own policy:
 * any layer, any of the rule's keys (ECDSA P-256, what `cosign generate-key-pair` makes), and the
 * payload must name the promoted digest. No transparency log or certificate checks: a key-based
 * policy trusts exactly the configured keys.
 *
 * The verdict is pure (verifyCosignSignatures: bytes in, verdict out) and separate from fetching and
 * key loading (loadPublicKeys), so it is unit-tested with generated keys.
 */
import type { KeyObject } from 'node:crypto';
import type { Repository } from '../../registry/repository.ts';
import {
  COSIGN_SIGNATURE_ANNOTATION,
  checkCosignSignature,
  cosignSignatureTag,
  fetchCosignSignatures,
  parsePublicKeyPem,
  parseSimpleSigningPayload,
} from '../../signature/cosign-classic.ts';
import { describeReadError, type ReadFile, readSmallFile } from '../config/read-small-file.ts';

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
  const tag = cosignSignatureTag(digest);
  if (layers.length === 0) return { verified: false, reason: `${tag} holds no signatures` };
  // The most telling reason across layers: a valid signature over the wrong image beats "no match".
  let wrongSubject: string | undefined;
  for (const [layerIndex, layer] of layers.entries()) {
    for (const [keyIndex, key] of publicKeys.entries()) {
      if (key === undefined || !checkCosignSignature(key, layer.payload, layer.signature).ok) continue;
      const payload = parseSimpleSigningPayload(layer.payload);
      if (payload.ok && payload.value.dockerManifestDigest === digest) {
        return { verified: true, keyIndex, layerIndex };
      }
      wrongSubject ??= payload.ok
        ? `the signature made with key #${keyIndex + 1} signs ${payload.value.dockerManifestDigest}, not ${digest}`
        : `the signature made with key #${keyIndex + 1} has an invalid payload: ${payload.reason}`;
    }
  }
  return {
    verified: false,
    reason: wrongSubject ?? `no signature in ${tag} verifies with the configured public keys`,
  };
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
    let pem: Uint8Array;
    try {
      pem = await readFile(file);
    } catch (err) {
      keys.push(undefined);
      problems.push(`cannot read public key ${file}: ${describeReadError(err)}`);
      continue;
    }
    let key: KeyObject;
    try {
      key = parsePublicKeyPem(pem);
    } catch {
      keys.push(undefined);
      problems.push(`public key ${file} is unusable: not a PEM public key`);
      continue;
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      keys.push(undefined);
      problems.push(`public key ${file} is unusable: not an ECDSA P-256 key`);
      continue;
    }
    keys.push(key);
  }
  return { keys, problems };
}

/**
 * The signature layers stored for `digest` in `repository`, or undefined when there is no `.sig` tag.
 * Layers without the signature annotation, or too large to be a payload, are not signatures. Registry
 * failures propagate (a temporary one makes the promotion retry, not fail the gate).
 */
export async function fetchSignatureLayers(
  repository: Repository,
  digest: string,
  signal?: AbortSignal,
): Promise<SignatureLayer[] | undefined> {
  const found = await fetchCosignSignatures(repository, digest, signal);
  if (found === undefined) return undefined;
  const layers: SignatureLayer[] = [];
  for (const a of found.attachments) {
    const signature = a.annotations[COSIGN_SIGNATURE_ANNOTATION];
    if (signature !== undefined && a.payload !== undefined) layers.push({ payload: a.payload, signature });
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
      reason: `not signed: ${options.repository.name}:${cosignSignatureTag(options.digest)} does not exist`,
      keyProblems: problems,
    };
  }
  const verdict = verifyCosignSignatures({ digest: options.digest, layers, publicKeys: keys });
  if (!verdict.verified && problems.length > 0) {
    return { verified: false, reason: `${verdict.reason} (${problems.join('; ')})`, keyProblems: problems };
  }
  return { ...verdict, keyProblems: problems };
}
