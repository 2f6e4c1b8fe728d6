import type { TriggerKind } from '../../api/trigger-kinds.ts';
import type { Database } from './database.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';
import { PROMOTION_STATUSES, type Promotion, type PromotionKind, type PromotionStatus } from './promotion.ts';
import { type PromotionRow, toPromotion } from './promotion-row.ts';
import { StoreError, StoreErrorCode } from './store-error.ts';

/** Reading the promotions table: one promotion by id, and the newest-first list with keyset paging. */

export async function getPromotion(db: Database, id: string): Promise<Promotion | undefined> {
  const { rows } = await db.query<PromotionRow>('SELECT * FROM promotions WHERE id = $1', [id]);
  return rows[0] ? toPromotion(rows[0]) : undefined;
}

export interface ListPromotionsFilter {
  /** Matches the source or the destination repository. */
  readonly repository?: string | undefined;
  /** Matches the source or the destination environment. */
  readonly environment?: string | undefined;
  /** Matches the source or the destination tag. */
  readonly tag?: string | undefined;
  readonly status?: PromotionStatus | readonly PromotionStatus[] | undefined;
  /** Matches the source digest or the result digest. */
  readonly digest?: string | undefined;
  /** The promotion rule's name. */
  readonly rule?: string | undefined;
  /** Who requested it (API token, webhook, registry user), exactly. */
  readonly requestedBy?: string | undefined;
  /** Case-insensitive text in who requested it. */
  readonly requester?: string | undefined;
  /** The trigger kind that requested it. */
  readonly trigger?: TriggerKind | undefined;
  readonly kind?: PromotionKind | undefined;
  /**
   * Case-insensitive text in the source or destination tag, or the start of the source or result digest
   * (`sha256:4f2a…`; hex alone is taken as sha256).
   */
  readonly q?: string | undefined;
  /** Created at or after this time. */
  readonly createdAfter?: Date | undefined;
  /** Created strictly before this time. */
  readonly createdBefore?: Date | undefined;
  /** 1…500, default 50. */
  readonly limit?: number | undefined;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | undefined;
}

export interface PromotionPage {
  /** Newest first. */
  readonly promotions: Promotion[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  readonly nextCursor: string | undefined;
}

const MAX_PAGE = 500;

/** `q` as the start of a digest: digests are lowercase, and hex alone means sha256. */
function digestPrefix(q: string): string {
  const lower = q.toLowerCase();
  return lower.includes(':') ? lower : `sha256:${lower}`;
}

export async function listPromotions(
  db: Database,
  filter: ListPromotionsFilter = {},
): Promise<PromotionPage> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), MAX_PAGE);
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.repository !== undefined) {
    const p = param(filter.repository);
    where.push(`(source_repository = ${p} OR destination_repository = ${p})`);
  }
  if (filter.environment !== undefined) {
    const p = param(filter.environment);
    where.push(`(source_environment = ${p} OR destination_environment = ${p})`);
  }
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === 'string' ? [filter.status] : [...filter.status];
    for (const s of statuses) {
      if (!PROMOTION_STATUSES.includes(s)) {
        throw new StoreError(StoreErrorCode.Query, `unknown promotion status ${JSON.stringify(s)}`);
      }
    }
    where.push(`status = ANY(${param(statuses)}::text[])`);
  }
  if (filter.digest !== undefined) {
    const p = param(filter.digest);
    where.push(`(source_digest = ${p} OR result_digest = ${p})`);
  }
  if (filter.tag !== undefined) {
    const p = param(filter.tag);
    where.push(`(source_tag = ${p} OR destination_tag = ${p})`);
  }
  if (filter.rule !== undefined) where.push(`rule = ${param(filter.rule)}`);
  if (filter.requestedBy !== undefined) where.push(`requested_by = ${param(filter.requestedBy)}`);
  if (filter.trigger !== undefined) where.push(`trigger_kind = ${param(filter.trigger)}`);
  if (filter.kind !== undefined) where.push(`kind = ${param(filter.kind)}`);
  // Text filters: strpos rather than ILIKE, so `%` and `_` are searched for as they are. No index
  // serves a substring (migrations/007-dashboard-filters.ts): these walk the newest-first order.
  if (filter.requester !== undefined) {
    where.push(`strpos(lower(requested_by), ${param(filter.requester.toLowerCase())}) > 0`);
  }
  if (filter.q !== undefined) {
    const text = param(filter.q.toLowerCase());
    const prefix = param(digestPrefix(filter.q));
    where.push(
      `(strpos(lower(source_tag), ${text}) > 0 OR strpos(lower(destination_tag), ${text}) > 0 OR starts_with(source_digest, ${prefix}) OR starts_with(result_digest, ${prefix}))`,
    );
  }
  if (filter.createdAfter !== undefined) where.push(`created_at >= ${param(filter.createdAfter)}`);
  if (filter.createdBefore !== undefined) where.push(`created_at < ${param(filter.createdBefore)}`);
  if (filter.cursor !== undefined) where.push(`seq < ${param(decodeCursor('p', filter.cursor))}`);
  const { rows } = await db.query<PromotionRow>(
    `SELECT * FROM promotions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq DESC LIMIT ${param(limit + 1)}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    promotions: page.map(toPromotion),
    nextCursor: rows.length > limit && last ? encodeCursor('p', last.seq) : undefined,
  };
}
