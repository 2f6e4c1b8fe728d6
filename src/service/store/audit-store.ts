import type { AuditEvent, NewAuditEvent } from './audit-event.ts';
import type { Database } from './database.ts';
import { StoreError, StoreErrorCode } from './store-error.ts';

/** The audit_events table: append-only (a trigger refuses UPDATE and DELETE, migration 001). */

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
