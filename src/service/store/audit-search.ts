/**
 * The audit trail searched across promotions, newest first, with keyset pagination on `id` (the
 * dashboard's audit view and its CSV/NDJSON export): a page is `WHERE … AND id < cursor ORDER BY id
 * DESC LIMIT n`, so the thousandth page costs what the first does. Filters by promotion, actor and kind
 * use the (column, id) indexes of migrations 1 and 5; `q` looks for text in the actor, kind, outcome,
 * digest and detail, case-insensitively, by walking the newest-first order (no index can serve a
 * substring; see 005-dashboard-filters.ts).
 */
import type { AuditEvent } from './audit-event.ts';
import type { Database } from './database.ts';
import { StoreError, StoreErrorCode } from './store-error.ts';

export interface AuditSearch {
  readonly promotionId?: string | undefined;
  /** Exactly. */
  readonly actor?: string | undefined;
  /** Exactly. */
  readonly kind?: string | undefined;
  /** At or after. */
  readonly since?: Date | undefined;
  /** Strictly before. */
  readonly until?: Date | undefined;
  /** Case-insensitive text in the actor, kind, outcome, digest or detail. */
  readonly q?: string | undefined;
  /** 1…MAX_AUDIT_PAGE, default 50. */
  readonly limit?: number | undefined;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string | undefined;
}

export interface AuditPage {
  /** Newest first. */
  readonly events: AuditEvent[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  readonly nextCursor: string | undefined;
}

/** Largest page: the JSON API's limit is 500; the export reads this many per query. */
export const MAX_AUDIT_PAGE = 1000;

interface AuditRow {
  id: number;
  promotion_id: string | null;
  at: Date;
  actor: string;
  kind: string;
  digest: string | null;
  outcome: string | null;
  bytes: number | null;
  detail: Record<string, unknown>;
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    id: row.id,
    promotionId: row.promotion_id,
    at: row.at,
    actor: row.actor,
    kind: row.kind,
    digest: row.digest,
    outcome: row.outcome,
    bytes: row.bytes,
    detail: row.detail,
  };
}

// "a:" keeps audit cursors apart from promotion cursors ("p:"): one handed to the other list is refused.
function encodeCursor(id: number): string {
  return Buffer.from(`a:${id}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^a:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new StoreError(StoreErrorCode.Query, `invalid cursor ${JSON.stringify(cursor)}`);
  return Number(match[1]);
}

export async function searchAudit(db: Database, search: AuditSearch = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(Math.trunc(search.limit ?? 50), 1), MAX_AUDIT_PAGE);
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (search.promotionId !== undefined) where.push(`promotion_id = ${param(search.promotionId)}`);
  if (search.actor !== undefined) where.push(`actor = ${param(search.actor)}`);
  if (search.kind !== undefined) where.push(`kind = ${param(search.kind)}`);
  if (search.since !== undefined) where.push(`at >= ${param(search.since)}`);
  if (search.until !== undefined) where.push(`at < ${param(search.until)}`);
  if (search.q !== undefined) {
    // strpos rather than ILIKE: the text is searched for as is, `%` and `_` included.
    const q = param(search.q.toLowerCase());
    const columns = ['actor', 'kind', 'outcome', 'digest', 'detail::text'];
    where.push(`(${columns.map((c) => `strpos(lower(${c}), ${q}) > 0`).join(' OR ')})`);
  }
  if (search.cursor !== undefined) where.push(`id < ${param(decodeCursor(search.cursor))}`);
  const { rows } = await db.query<AuditRow>(
    `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT ${param(limit + 1)}`,
    params,
  );
  const page = rows.slice(0, limit).map(toAuditEvent);
  const last = page[page.length - 1];
  return {
    events: page,
    nextCursor: rows.length > limit && last ? encodeCursor(last.id) : undefined,
  };
}
