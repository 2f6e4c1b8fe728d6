import type { PromotionKind } from '../../api/promotion-kinds.ts';
import type { PromotionStatus } from '../../api/statuses.ts';
import type { TriggerKind } from '../../api/trigger-kinds.ts';

/**
 * What a promotion does: `promotion` copies an accepted request, `rerun` repeats a failed one, `rollback`
 * points a tag back at a digest already in the destination (no copy from the source). The database
 * CHECK constraint holds the same list, declared with the API contract (api/promotion-kinds.ts).
 */
export { PROMOTION_KINDS, type PromotionKind } from '../../api/promotion-kinds.ts';
/**
 * The promotion lifecycle (`queued → (awaiting_approval) → running → succeeded | failed | rejected |
 * cancelled`) is part of the API contract, declared in api/statuses.ts; the database CHECK constraint
 * holds the same list. IN_FLIGHT_STATUSES hold the idempotency slot (with the current succeeded one):
 * see the unique index.
 */
export {
  IN_FLIGHT_STATUSES,
  PROMOTION_STATUSES,
  type PromotionStatus,
  TERMINAL_STATUSES,
} from '../../api/statuses.ts';

/**
 * Which moves the store accepts at all, whatever `from` the caller names: a safety net so that no code
 * path can, say, revive a succeeded promotion. running → queued is a transient failure waiting for its
 * retry (or an interrupted run being resumed); awaiting_approval → queued is an approval.
 */
export const ALLOWED_TRANSITIONS: Readonly<Record<PromotionStatus, readonly PromotionStatus[]>> = {
  queued: ['awaiting_approval', 'running', 'failed', 'cancelled'],
  awaiting_approval: ['queued', 'rejected', 'cancelled'],
  running: ['queued', 'succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  rejected: [],
  cancelled: [],
};

export interface PromotionSource {
  readonly environment: string | null;
  readonly registry: string;
  readonly repository: string;
  /** The tag the request named, if any; the digest is what is promoted. */
  readonly tag: string | null;
  /** Pinned at acceptance: later pushes to the tag do not change what this promotion copies. */
  readonly digest: string;
}

export interface PromotionDestination {
  readonly environment: string | null;
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
}

export interface ByteCounts {
  readonly copied: number;
  readonly mounted: number;
  readonly skipped: number;
}

export interface Promotion {
  readonly id: string;
  readonly kind: PromotionKind;
  readonly rule: string;
  readonly source: PromotionSource;
  readonly destination: PromotionDestination;
  /**
   * The rule's release tag, pointed at the promoted digest after the destination tag was written (in
   * the same repository, by a manifest PUT). Null when the rule has none, and for rollbacks, whose
   * destination tag is the tag they move.
   */
  readonly releaseTag: string | null;
  readonly status: PromotionStatus;
  /** Why it failed, was rejected or cancelled, or why it is waiting (retry backoff). */
  readonly reason: string | null;
  readonly requestedBy: string;
  /**
   * The identity that requested it (the token name, `oidc:<sub>`: promote/promotion-service.ts
   * actorKeyOf); null for promotions recorded before ferry kept it (compared by `requestedBy` then).
   */
  readonly requesterKey: string | null;
  readonly triggerKind: TriggerKind;
  readonly deliveryId: string | null;
  readonly approvalsRequired: number;
  readonly attempts: number;
  /** The digest the destination tag points at after success (differs from source only if converted). */
  readonly resultDigest: string | null;
  readonly bytes: ByteCounts;
  /** The promotion whose digest this one restores. */
  readonly rollbackOf: string | null;
  /** The failed/cancelled/rejected promotion this one retries. */
  readonly rerunOf: string | null;
  readonly supersededBy: string | null;
  readonly gitCommit: string | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

export interface NewPromotion {
  /** Default 'promotion'. */
  readonly kind?: PromotionKind | undefined;
  readonly rule: string;
  readonly source: {
    readonly environment?: string | null | undefined;
    readonly registry: string;
    readonly repository: string;
    readonly tag?: string | null | undefined;
    readonly digest: string;
  };
  readonly destination: {
    readonly environment?: string | null | undefined;
    readonly registry: string;
    readonly repository: string;
    readonly tag: string;
  };
  readonly releaseTag?: string | null | undefined;
  readonly requestedBy: string;
  /** The requesting identity's key. Default: `requestedBy` (tokens, webhooks: their name is their key). */
  readonly requesterKey?: string | undefined;
  readonly triggerKind: TriggerKind;
  readonly deliveryId?: string | null | undefined;
  /** Default 0. */
  readonly approvalsRequired?: number | undefined;
  /** Default 'queued'; 'awaiting_approval' when the rule wants approvals before anything runs. */
  readonly status?: 'queued' | 'awaiting_approval' | undefined;
  readonly rollbackOf?: string | null | undefined;
  readonly rerunOf?: string | null | undefined;
  readonly gitCommit?: string | null | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}
