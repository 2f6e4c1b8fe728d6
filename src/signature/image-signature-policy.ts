/**
 * The signature policy of one image digest over everything cosign may have attached to it: classic
 * `.sig` signatures and Sigstore bundles among its referrers. It answers "is it signed by a signer we
 * trust, and does it carry the attestations we require", with the evidence for the audit trail.
 *
 * What counts as a *signature*: a classic `.sig` signature, or a bundle whose statement's predicate type
 * is in `signaturePredicateTypes`. The default (set by the caller) is only
 * `https://sigstore.dev/cosign/sign/v1`, what `cosign sign` writes: stricter than `cosign verify`, which
 * accepts any verified bundle attached to the image, so an SBOM or vulnerability-scan attestation
 * signed by the same key or CI identity does not pass for "this image was signed for release".
 * `'any'` restores cosign's behaviour.
 *
 * Bundles are preferred to the classic signature when both verify (cosign v3 checks bundles first and
 * falls back to `.sig`). Attestations: each required predicate type needs one verified bundle of that
 * type, signed by one of the same keys or identities.
 *
 * Pure: found signatures and trust in, verdict out (fetching: cosign-classic.ts, sigstore-referrers.ts).
 */
import { cosignSignatureTag } from './cosign-classic.ts';
import { type ClassicSignature, verifyCosignSignatures } from './cosign-classic-verify.ts';
import { type BundlePolicy, type BundleSigner, verifyBundle } from './sigstore-bundle-verify.ts';
import type { StoredBundle } from './sigstore-referrers.ts';

export interface ImageSignatures {
  /** The classic signatures in `sha256-<hex>.sig`; undefined when that tag does not exist. */
  readonly classic: readonly ClassicSignature[] | undefined;
  readonly bundles: readonly StoredBundle[];
  /** Bundle referrers that could not be read, with why. */
  readonly skipped: readonly string[];
}

export interface ImageSignaturePolicy extends BundlePolicy {
  /** Bundle predicate types that count as a signature, or 'any' (cosign's behaviour). */
  readonly signaturePredicateTypes: readonly string[] | 'any';
  /** Attestations required beside the signature. */
  readonly attestations: readonly { readonly predicateType: string }[];
}

export type SignatureEvidence =
  | {
      readonly kind: 'cosign-classic';
      readonly tag: string;
      readonly layerIndex: number;
      readonly keyIndex: number;
      readonly logIndex: string | undefined;
      readonly integratedTime: string | undefined;
    }
  | BundleEvidence;

export interface BundleEvidence {
  readonly kind: 'sigstore-bundle';
  /** Digest of the referrer manifest carrying the bundle. */
  readonly referrer: string;
  readonly predicateType: string;
  readonly signer: BundleSigner;
  readonly logIndex: string | undefined;
  readonly integratedTime: string | undefined;
}

export type ImageVerdict =
  | {
      readonly verified: true;
      readonly signature: SignatureEvidence;
      readonly attestations: readonly BundleEvidence[];
    }
  | { readonly verified: false; readonly reason: string };

/** How many refusal reasons of individual bundles a verdict quotes (the rest are counted). */
const MAX_QUOTED_REASONS = 3;

export function evaluateImageSignatures(
  digest: string,
  found: ImageSignatures,
  policy: ImageSignaturePolicy,
): ImageVerdict {
  const verified: BundleEvidence[] = [];
  const refused: string[] = [...found.skipped];
  const counts = (e: BundleEvidence) =>
    policy.signaturePredicateTypes === 'any' || policy.signaturePredicateTypes.includes(e.predicateType);
  // Stop once everything needed is found: a keyless bundle costs ~30 ms of CPU (certificate chain, SCT,
  // log entry), and an image can carry dozens of attestations (e.g. one vulnerability scan a day).
  const satisfied = () =>
    verified.some(counts) &&
    policy.attestations.every(({ predicateType }) => verified.some((e) => e.predicateType === predicateType));
  for (const stored of found.bundles) {
    if (satisfied()) break;
    const verdict = verifyBundle(stored.json, digest, policy);
    if (verdict.verified) {
      verified.push({
        kind: 'sigstore-bundle',
        referrer: stored.referrer,
        predicateType: verdict.statement.predicateType,
        signer: verdict.signer,
        logIndex: verdict.logIndex,
        integratedTime: verdict.integratedTime,
      });
    } else {
      refused.push(`bundle ${stored.referrer}: ${verdict.reason}`);
    }
  }
  let signature: SignatureEvidence | undefined = verified.find(counts);
  const tag = cosignSignatureTag(digest);
  let classicReason: string;
  if (found.classic === undefined) {
    classicReason = `${tag} does not exist`;
  } else {
    const classic = verifyCosignSignatures({
      digest,
      layers: found.classic,
      publicKeys: policy.keys,
      logTrust: policy.tlog ? policy.trust : undefined,
    });
    if (classic.verified) {
      signature ??= {
        kind: 'cosign-classic',
        tag,
        layerIndex: classic.layerIndex,
        keyIndex: classic.keyIndex,
        logIndex: classic.logIndex,
        integratedTime: classic.integratedTime,
      };
      classicReason = '';
    } else if (policy.tlog && policy.trust === undefined && policy.keys.some((k) => k !== undefined)) {
      classicReason = `${tag}: a transparency-log entry is required, and no trusted root is configured`;
    } else {
      classicReason = classic.reason;
    }
  }
  if (signature === undefined) {
    const uncounted = verified.filter((e) => !counts(e)).map((e) => e.predicateType);
    const parts = [
      found.bundles.length === 0 && found.skipped.length === 0 && found.classic === undefined
        ? `not signed: ${classicReason} and no Sigstore bundle is attached`
        : classicReason,
      ...quote(refused),
      uncounted.length > 0
        ? `verified attestations of type ${[...new Set(uncounted)].join(', ')} do not count as signatures (signature.predicateTypes)`
        : '',
    ];
    return { verified: false, reason: parts.filter((p) => p !== '').join('; ') };
  }
  const attestations: BundleEvidence[] = [];
  for (const { predicateType } of policy.attestations) {
    const match = verified.find((e) => e.predicateType === predicateType);
    if (match === undefined) {
      const detail = quote(refused).join('; ');
      return {
        verified: false,
        reason: `no attestation of type ${predicateType} signed by a trusted key or identity${detail ? ` (${detail})` : ''}`,
      };
    }
    attestations.push(match);
  }
  return { verified: true, signature, attestations };
}

function quote(reasons: readonly string[]): string[] {
  if (reasons.length <= MAX_QUOTED_REASONS) return [...reasons];
  return [
    ...reasons.slice(0, MAX_QUOTED_REASONS),
    `${reasons.length - MAX_QUOTED_REASONS} more referrer(s) refused`,
  ];
}
