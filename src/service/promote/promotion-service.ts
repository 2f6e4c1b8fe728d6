import type { MappedClaims } from '../config/role-mapping.ts';
import type { Approval } from '../store/approval-store.ts';
import type { AuditEvent } from '../store/audit-event.ts';
import type { AuditPage, AuditSearch } from '../store/audit-store.ts';
import type { Promotion, PromotionStatus } from '../store/promotion.ts';
import type { BlobProgress } from '../store/promotion-blob-store.ts';
import type { ListPromotionsFilter } from '../store/promotion-query.ts';
import type { ListReleasesFilter, Release, ReleaseEntry } from '../store/release-store.ts';
import type { ResolvedRequest } from './resolve-request.ts';

/**
 * Who is acting: an API token, a person signed in (OpenID Connect, one-time link), a webhook, the
 * system itself. `name` is what the audit trail records (`alice@example.com (oidc)`, a token name).
 * Never a secret.
 */
export interface Actor {
  readonly name: string;
  readonly kind: 'token' | 'oidc' | 'one-time' | 'webhook' | 'registry' | 'system';
  /**
   * What makes two actors different people (approvals count distinct keys): `oidc:<sub>` for a person
   * signed in. Default: `name` (tokens, webhooks).
   */
  readonly key?: string | undefined;
  /** What a rule's `approvers` entries match, for a person signed in with OpenID Connect. */
  readonly person?: MappedClaims | undefined;
}

/** The actor's identity key (approvals, four eyes). */
export function actorKeyOf(actor: Actor): string {
  return actor.key ?? actor.name;
}

export interface AcceptResult {
  readonly promotion: Promotion;
  /** false when an equal promotion (same source digest, same destination tag) already existed. */
  readonly created: boolean;
  /**
   * True when the request's webhook delivery id had been received before: `promotion` is what that first
   * delivery led to (created or found), and nothing was recorded now. Answered 409 by the hooks.
   */
  readonly replayed?: boolean | undefined;
}

/** Filters of the promotion list, ANDed: the store's (store/promotion-query.ts listPromotions). */
export type PromotionQuery = ListPromotionsFilter;

/** Progress a running promotion reports (server-sent events, dashboard). */
export type PromotionUpdate =
  | {
      readonly type: 'status';
      readonly promotion: Promotion;
      /**
       * The status it left: null when the promotion was just created (accept, rerun, rollback); absent
       * when not known. Lets observers tell an approval (awaiting_approval → queued) from a retry.
       */
      readonly previous?: PromotionStatus | null | undefined;
    }
  | { readonly type: 'audit'; readonly event: AuditEvent }
  | {
      readonly type: 'progress';
      readonly promotionId: string;
      readonly bytes: number;
      readonly totalBytes: number;
      /** Every blob's state, in plan order (progress-meter.ts). */
      readonly blobs: readonly BlobProgress[];
    };

/**
 * The promotion lifecycle as the HTTP API and `ferry serve` see it. One implementation
 * (promotion-engine.ts) over the store, the queue and the copy engine; errors are FerryErrors whose
 * codes the HTTP layer maps to statuses (PromotionError carries the status).
 */
export interface PromotionService {
  /**
   * Resolve the tag of a request already matched to its rule (resolve-request.ts) to a digest (pinned),
   * record, and queue or await approval. The request is taken as is: it is not matched again.
   */
  accept(request: ResolvedRequest, actor: Actor): Promise<AcceptResult>;
  get(id: string): Promise<{ promotion: Promotion; timeline: AuditEvent[] } | undefined>;
  /** Per-blob progress of the promotion's last copy as last recorded, in plan order. */
  blobs(id: string): Promise<BlobProgress[]>;
  /** The audit trail of every promotion, newest first (store/audit-store.ts). */
  searchAudit(search: AuditSearch): Promise<AuditPage>;
  list(query: PromotionQuery): Promise<{ promotions: Promotion[]; nextCursor: string | undefined }>;
  /** The approvers' decisions on each of `ids`, oldest first (ids without any are absent). */
  approvals(ids: readonly string[]): Promise<ReadonlyMap<string, readonly Approval[]>>;
  approve(id: string, actor: Actor, comment?: string): Promise<Promotion>;
  reject(id: string, actor: Actor, comment?: string): Promise<Promotion>;
  cancel(id: string, actor: Actor): Promise<Promotion>;
  /** A new promotion repeating a failed/cancelled/rejected one. */
  rerun(id: string, actor: Actor): Promise<AcceptResult>;
  /**
   * Point the tag that moves under the rule of `id` (its release tag, or the destination tag of a
   * mutable-tag rule) at the digest `id` promoted, taken from the destination: a `rollback` promotion.
   */
  rollback(id: string, actor: Actor): Promise<AcceptResult>;
  /** What each destination tag ferry wrote points at now. */
  releases(filter: ListReleasesFilter): Promise<Release[]>;
  /** One tag's release and its moves (newest first); undefined when ferry never wrote it. */
  release(
    environment: string | null,
    repository: string,
    tag: string,
  ): Promise<{ release: Release; history: ReleaseEntry[] } | undefined>;
  /** Subscribe to updates of one promotion (or all when id is undefined); returns an unsubscribe. */
  subscribe(id: string | undefined, listener: (update: PromotionUpdate) => void): () => void;
}
