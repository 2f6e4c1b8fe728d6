/**
 * The in-toto Statement v1 (in-toto attestation framework, "Statement" layer) ferry signs after a
 * promotion: its subject is the destination repository and digest, its predicate what happened —
 * where the digest came from, by which rule and trigger, who asked, who approved, what the signature
 * gate found. The predicate type is versioned: a field is only ever added under v1; renaming or removing
 * one makes v2. docs/signatures.md "Promotion attestations" documents the schema for policy writers.
 */
import type { Promotion } from '../store/promotion.ts';

export const PROMOTION_PREDICATE_TYPE = 'https://ferry.dev/promotion/v1';
export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';

export interface PromotionPredicate {
  readonly promotionId: string;
  /** `promotion`, `rerun` or `rollback`. */
  readonly kind: string;
  readonly rule: string;
  /** The trigger kind of the request: api, github, standardWebhooks, openshift, distribution, harbor… */
  readonly trigger: string;
  readonly requester: string;
  /** Distinct approvers who approved, oldest decision first; empty when the rule needs none. */
  readonly approvers: readonly string[];
  readonly approvalsRequired: number;
  /** The git commit the request named (CI triggers), or null. */
  readonly gitCommit: string | null;
  readonly source: {
    readonly environment: string | null;
    /** `registry/repository:tag`, or `registry/repository@digest` when requested by digest. */
    readonly reference: string;
    readonly digest: string;
  };
  readonly destination: {
    readonly environment: string | null;
    readonly reference: string;
    readonly releaseTag: string | null;
  };
  readonly policy: {
    /** The rule required a signature (`signature.required`). */
    readonly signatureRequired: boolean;
    /**
     * What the signature gate verified (the `signature_verified` audit detail), or null when no
     * signature was checked (not required, or a rollback, whose digest was checked when first promoted).
     */
    readonly signature: unknown;
  };
  /** When the destination tag was verified, RFC 3339. */
  readonly promotedAt: string;
}

export interface PromotionStatementInput {
  readonly promotion: Promotion;
  /** The digest now at the destination tag (the promoted digest). */
  readonly digest: string;
  readonly approvers: readonly string[];
  readonly signatureRequired: boolean;
  readonly signature: unknown;
  readonly promotedAt: Date;
}

export function promotionStatement(input: PromotionStatementInput) {
  const { promotion, digest } = input;
  const { source, destination } = promotion;
  const colon = digest.indexOf(':');
  const predicate: PromotionPredicate = {
    promotionId: promotion.id,
    kind: promotion.kind,
    rule: promotion.rule,
    trigger: promotion.triggerKind,
    requester: promotion.requestedBy,
    approvers: input.approvers,
    approvalsRequired: promotion.approvalsRequired,
    gitCommit: promotion.gitCommit,
    source: {
      environment: source.environment,
      reference:
        source.tag === null
          ? `${source.registry}/${source.repository}@${source.digest}`
          : `${source.registry}/${source.repository}:${source.tag}`,
      digest: source.digest,
    },
    destination: {
      environment: destination.environment,
      reference: `${destination.registry}/${destination.repository}:${destination.tag}`,
      releaseTag: promotion.releaseTag,
    },
    policy: { signatureRequired: input.signatureRequired, signature: input.signature ?? null },
    promotedAt: input.promotedAt.toISOString(),
  };
  return {
    _type: IN_TOTO_STATEMENT_V1,
    // The subject names the repository as well as the digest: the same digest promoted to two
    // repositories gets two attestations, each about its own copy.
    subject: [
      {
        name: `${destination.registry}/${destination.repository}`,
        digest: { [digest.slice(0, colon)]: digest.slice(colon + 1) },
      },
    ],
    predicateType: PROMOTION_PREDICATE_TYPE,
    predicate,
  };
}
