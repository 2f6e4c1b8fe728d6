/**
 * The checks a promotion passes between "a worker took it" and "copy": they run at execution time, not
 * at acceptance, because an approval can take days and the destination can change meanwhile.
 *
 * - Signature gate (rule.signature.required): a cosign signature of the promoted digest in the source
 *   repository (classic `.sig` or a Sigstore bundle referrer) by one of the rule's keys or keyless
 *   identities, plus the attestations the rule requires (keys and trusted root are read now, so a
 *   rotated file counts). See signature-policy.ts.
 * - Immutable tags (rule.immutableTags): the destination tag may be created, or already point at this
 *   very digest (a no-op re-promotion), but never be moved to another digest.
 *
 * A failed check is a PromotionError (permanent: retrying does not change a signature or a tag); a
 * registry failure while checking propagates with its own `temporary` flag, so an outage retries.
 */
import type { ManifestHead } from '../../registry/manifests.ts';
import type { Repository } from '../../registry/repository.ts';
import type { ReadFile } from '../config/read-small-file.ts';
import type { PromotionRule } from '../config/schema.ts';
import type { Promotion } from '../store/promotion.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import { type AuditDetail, signatureAuditDetail } from './signature-audit.ts';
import { checkSignature } from './signature-policy.ts';

export interface PolicyResult {
  /** Set when the signature gate ran and passed: the `signature_verified` audit detail. */
  readonly signature?: AuditDetail | undefined;
  /** What the destination tag pointed at before the copy (null: nothing; undefined: not checked). */
  readonly destinationHead?: ManifestHead | null | undefined;
}

export async function checkPolicies(options: {
  readonly rule: PromotionRule;
  readonly promotion: Promotion;
  readonly source: Repository;
  readonly destination: Repository;
  readonly readFile?: ReadFile | undefined;
  readonly signal?: AbortSignal | undefined;
}): Promise<PolicyResult> {
  const { rule, promotion, source, destination, signal } = options;
  const digest = promotion.source.digest;
  let signature: PolicyResult['signature'];
  if (rule.signature.required) {
    const verdict = await checkSignature({
      repository: source,
      digest,
      policy: rule.signature,
      readFile: options.readFile,
      signal,
    });
    if (!verdict.verified) {
      throw new PromotionError(PromotionErrorCode.SignatureRequired, `signature required: ${verdict.reason}`);
    }
    signature = signatureAuditDetail(verdict.signature, verdict.attestations, rule.signature.publicKeyFiles);
  }
  let destinationHead: ManifestHead | null | undefined;
  if (rule.immutableTags) {
    const { tag } = promotion.destination;
    destinationHead = (await destination.headManifest(tag, signal)) ?? null;
    const destinationDigest = destinationHead?.digest;
    if (destinationDigest !== undefined && destinationDigest !== digest) {
      throw new PromotionError(
        PromotionErrorCode.ImmutableTag,
        `immutable tag: ${destination.registry}/${destination.name}:${tag} already points at ${destinationDigest}, not ${digest}`,
      );
    }
  }
  return { signature, destinationHead };
}
