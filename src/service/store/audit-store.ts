import { AUDIT_TEXT_SEARCH_WINDOW } from '../../api/audit-query.ts';
import type { AuditEvent, NewAuditEvent } from './audit-event.ts';
import type { Database } from './database.ts';
import { decodeCursor, encodeCursor } from './page-cursor.ts';
import { StoreError, StoreErrorCode } from './store-error.ts';

/**
 * The audit_events table: append-only (a trigger refuses UPDATE and DELETE, migration 001).
 *
 * Searched across promotions newest first with keyset pagination on `id` (searchAudit: the dashboard's
 * audit view and its CSV/NDJSON export): a page is `WHERE … AND id < cursor ORDER BY id DESC LIMIT n`,
 * so the thousandth page costs what the first does. Filters by promotion, actor and kind use the
 * (column, id) indexes of migrations 1 and 7; `q` looks for text in the promotion id, actor, kind,
 * outcome, digest and detail, case-insensitively, in at most TEXT_SEARCH_WINDOW events per call (no
 * index can serve a substring; see migrations/007-dashboard-filters.ts).
 */

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

export async function appendAudit(db: Database, event: NewAuditEvent): Promise<AuditEvent> {
  const [appended] = await appendAudits(db, [event]);
  return appended!;
}

/**
 * Appends several events in one statement; returns them in the order given, with the ids and times the
 * database assigned. Ids follow that order too: PostgreSQL inserts the rows of INSERT … SELECT in the
 * order the set-returning function yields them, and RETURNING reports them in insertion order.
 */
export async function appendAudits(db: Database, events: readonly NewAuditEvent[]): Promise<AuditEvent[]> {
  if (events.length === 0) return [];
  const rows = events.map((event) => ({
    promotion_id: event.promotionId ?? null,
    at: event.at?.toISOString() ?? null,
    actor: event.actor,
    kind: event.kind,
    digest: event.digest ?? null,
    outcome: event.outcome ?? null,
    bytes: event.bytes ?? null,
    detail: event.detail ?? {},
  }));
  // Only what the database decides comes back: parsing the whole row (jsonb detail included) again
  // cost more than the insert itself on the embedded store.
  const { rows: assigned } = await db.query<Pick<AuditRow, 'id' | 'at'>>(
    `INSERT INTO audit_events (promotion_id, at, actor, kind, digest, outcome, bytes, detail)
     SELECT promotion_id, COALESCE(at, now()), actor, kind, digest, outcome, bytes, detail
       FROM jsonb_populate_recordset(NULL::audit_events, $1::jsonb)
     RETURNING id, at`,
    [JSON.stringify(rows)],
  );
  if (assigned.length !== rows.length) {
    throw new StoreError(
      StoreErrorCode.Query,
      `audit insert stored ${assigned.length} of ${rows.length} events`,
    );
  }
  return rows.map((row, index) =>
    toAuditEvent({
      ...row,
      id: assigned[index]!.id,
      at: assigned[index]!.at,
      // As the database stores it: a JSON round trip (no undefined members, dates as strings).
      detail: JSON.parse(JSON.stringify(row.detail)) as AuditRow['detail'],
    }),
  );
}

/** A promotion's history, oldest first. */
export async function listAudit(db: Database, promotionId: string): Promise<AuditEvent[]> {
  const { rows } = await db.query<AuditRow>(
    'SELECT * FROM audit_events WHERE promotion_id = $1 ORDER BY id',
    [promotionId],
  );
  return rows.map(toAuditEvent);
}

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
  /** Case-insensitive text in the promotion id, actor, kind, outcome, digest or detail. */
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

/**
 * Events a text search (`q`) examines per call, newest first among those passing the other filters.
 * A substring can use no index, so without a bound a search for something absent would read the whole
 * table (seconds at a million events); with it every call answers in bounded time, and a page may hold
 * fewer than `limit` events, even none, with a `nextCursor` to search further back.
 */
export const TEXT_SEARCH_WINDOW = AUDIT_TEXT_SEARCH_WINDOW;

export async function searchAudit(
  db: Database,
  search: AuditSearch = {},
  options: { textWindow?: number | undefined } = {},
): Promise<AuditPage> {
  const window = options.textWindow ?? TEXT_SEARCH_WINDOW;
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
  if (search.cursor !== undefined) where.push(`id < ${param(decodeCursor('a', search.cursor))}`);
  const filters = where.length ? `WHERE ${where.join(' AND ')}` : '';
  if (search.q === undefined) {
    const { rows } = await db.query<AuditRow>(
      `SELECT * FROM audit_events ${filters} ORDER BY id DESC LIMIT ${param(limit + 1)}`,
      params,
    );
    const page = rows.slice(0, limit).map(toAuditEvent);
    const last = page[page.length - 1];
    return { events: page, nextCursor: rows.length > limit && last ? encodeCursor('a', last.id) : undefined };
  }
  // strpos rather than ILIKE: the text is searched for as is, `%` and `_` included.
  const q = param(search.q.toLowerCase());
  const columns = ['promotion_id', 'actor', 'kind', 'outcome', 'digest', 'detail::text'];
  const matches = columns.map((c) => `strpos(lower(${c}), ${q}) > 0`).join(' OR ');
  // One row at least (the window's extent), joined with the matches found in it.
  const { rows } = await db.query<Partial<AuditRow> & { scan_floor: number | null; scan_count: number }>(
    `WITH scanned AS MATERIALIZED (
       SELECT * FROM audit_events ${filters} ORDER BY id DESC LIMIT ${param(window)}
     ), extent AS (SELECT min(id) AS scan_floor, count(*)::int AS scan_count FROM scanned)
     SELECT extent.scan_floor, extent.scan_count, found.*
       FROM extent LEFT JOIN LATERAL (
         SELECT * FROM scanned WHERE ${matches} ORDER BY id DESC LIMIT ${param(limit + 1)}
       ) found ON true
      ORDER BY found.id DESC`,
    params,
  );
  const found = rows.filter((row) => row.id !== null && row.id !== undefined) as AuditRow[];
  const page = found.slice(0, limit).map(toAuditEvent);
  const last = page[page.length - 1];
  const extent = rows[0];
  let nextCursor: string | undefined;
  if (found.length > limit && last) nextCursor = encodeCursor('a', last.id);
  // The window was full: older events may match; the next call goes on below it.
  else if (extent && extent.scan_count === window && extent.scan_floor !== null) {
    nextCursor = encodeCursor('a', extent.scan_floor);
  }
  return { events: page, nextCursor };
}
