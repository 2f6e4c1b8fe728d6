/**
 * The signature gate: a rule with `signature.required` promotes only digests signed by one of its keys
 * or keyless identities, in any form cosign writes (classic `.sig` tag, or a Sigstore bundle among the
 * image's referrers, cosign v3's default), and carrying the attestations the rule requires.
 *
 * This file is the I/O shell: it reads the rule's key files and trusted root (now, so a rotated key
 * file counts without a restart), fetches the signatures from the source repository and hands both to
 * the pure verdict (src/signature/image-signature-policy.ts), where the verification (sigstore-js)
 * happens. Nothing is fetched from the network but the source registry: the trusted root is a file.
 */
import type { KeyObject } from 'node:crypto';
import type { TrustMaterial } from '@sigstore/verify';
import type { Repository } from '../../registry/repository.ts';
import {
  COSIGN_SIGNATURE_ANNOTATION,
  fetchCosignSignatures,
  parsePublicKeyPem,
} from '../../signature/cosign-classic.ts';
import { COSIGN_REKOR_BUNDLE_ANNOTATION } from '../../signature/cosign-classic-rekor.ts';
import type { ClassicSignature } from '../../signature/cosign-classic-verify.ts';
import {
  evaluateImageSignatures,
  type ImageSignatures,
  type ImageVerdict,
} from '../../signature/image-signature-policy.ts';
import { fetchSigstoreBundles } from '../../signature/sigstore-referrers.ts';
import { parseTrustedRoot } from '../../signature/sigstore-trust.ts';
import { describeReadError, type ReadFile, readSmallFile } from '../config/read-small-file.ts';

/** What the gate needs of a rule's `signature` section (see the config schema). */
export interface SignatureRuleConfig {
  readonly publicKeyFiles: readonly string[];
  readonly identities: readonly {
    readonly issuer: string;
    readonly subject?: string | undefined;
    readonly subjectRegExp?: string | undefined;
  }[];
  readonly trustedRootFile?: string | undefined;
  readonly tlog: boolean;
  readonly predicateTypes: readonly string[] | 'any';
  readonly attestations: readonly { readonly predicateType: string }[];
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

/** The rule's trusted_root.json as trust material, or why it cannot be used (never its content). */
export async function loadTrustedRoot(
  file: string,
  readFile: ReadFile = (path) => readSmallFile(path),
): Promise<{ trust: TrustMaterial } | { problem: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    return { problem: `cannot read trusted root ${file}: ${describeReadError(err)}` };
  }
  const parsed = parseTrustedRoot(bytes);
  return parsed.ok ? { trust: parsed.material } : { problem: `trusted root ${file} is ${parsed.reason}` };
}

/**
 * Everything cosign may have attached to `digest` in `repository`. Registry failures propagate (a
 * temporary one makes the promotion retry, not fail the gate).
 */
export async function fetchImageSignatures(
  repository: Repository,
  digest: string,
  signal?: AbortSignal,
): Promise<ImageSignatures> {
  const sig = await fetchCosignSignatures(repository, digest, signal);
  let classic: ClassicSignature[] | undefined;
  if (sig !== undefined) {
    classic = [];
    for (const a of sig.attachments) {
      const signature = a.annotations[COSIGN_SIGNATURE_ANNOTATION];
      if (signature === undefined || a.payload === undefined) continue;
      classic.push({
        payload: a.payload,
        signature,
        rekorBundle: a.annotations[COSIGN_REKOR_BUNDLE_ANNOTATION],
      });
    }
  }
  const { bundles, skipped } = await fetchSigstoreBundles(repository, digest, signal);
  return { classic, bundles, skipped };
}

/** The whole gate: keys and trusted root from the rule's files, signatures from the source, the verdict. */
export async function checkSignature(options: {
  readonly repository: Repository;
  readonly digest: string;
  readonly policy: SignatureRuleConfig;
  readonly readFile?: ReadFile | undefined;
  readonly signal?: AbortSignal | undefined;
}): Promise<ImageVerdict & { problems: string[] }> {
  const { policy } = options;
  const { keys, problems } = await loadPublicKeys(policy.publicKeyFiles, options.readFile);
  let trust: TrustMaterial | undefined;
  if (policy.trustedRootFile !== undefined) {
    const loaded = await loadTrustedRoot(policy.trustedRootFile, options.readFile);
    if ('trust' in loaded) trust = loaded.trust;
    else problems.push(loaded.problem);
  }
  const found = await fetchImageSignatures(options.repository, options.digest, options.signal);
  const verdict = evaluateImageSignatures(options.digest, found, {
    keys,
    identities: policy.identities.map((i) => ({
      issuer: i.issuer,
      subject: i.subject,
      // Validated when the configuration was loaded.
      subjectRegExp: i.subjectRegExp === undefined ? undefined : new RegExp(i.subjectRegExp),
    })),
    trust,
    tlog: policy.tlog,
    signaturePredicateTypes: policy.predicateTypes,
    attestations: policy.attestations,
  });
  if (!verdict.verified && problems.length > 0) {
    return { verified: false, reason: `${verdict.reason} (${problems.join('; ')})`, problems };
  }
  return { ...verdict, problems };
}
