import type { TriggerKind } from '../promote/promotion-request.ts';
import type { AuditEvent, NewAuditEvent } from './audit-event.ts';
import { atomically, type Database } from './database.ts';
import {
  ALLOWED_TRANSITIONS,
  type DestinationRef,
  type NewPromotion,
  PROMOTION_STATUSES,
  type Promotion,
  type PromotionKind,
  type PromotionStatus,
} from './promotion.ts';
import { StoreError, StoreErrorCode } from './store-error.ts';
import { uuidV7 } from './uuid-v7.ts';

/*
 * Typed access to the promotion record. Every function takes the Database (or a transaction handle) as
 * its first argument so the service can compose several of them, plus a job enqueue, atomically:
 *
 *   await db.transaction(async (tx) => {
 *     const { promotion, created } = await insertPromotion(tx, input);
 *     if (created) { await appendAudit(tx, …); await queue.enqueue('promote', …, { tx }); }
 *   });
 */

interface PromotionRow {
  seq: number;
  id: string;
  kind: PromotionKind;
  rule: string;
  source_environment: string | null;
  source_registry: string;
  source_repository: string;
  source_tag: string | null;
  source_digest: string;
  destination_environment: string | null;
  destination_registry: string;
  destination_repository: string;
  destination_tag: string;
  release_tag: string | null;
  status: PromotionStatus;
  reason: string | null;
  requested_by: string;
  trigger_kind: TriggerKind;
  delivery_id: string | null;
  approvals_required: number;
  attempts: number;
  result_digest: string | null;
  bytes_copied: number;
  bytes_mounted: number;
  bytes_skipped: number;
  rollback_of: string | null;
  rerun_of: string | null;
  superseded_by: string | null;
  git_commit: string | null;
  labels: Record<string, string>;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

function toPromotion(row: PromotionRow): Promotion {
  return {
    id: row.id,
    kind: row.kind,
    rule: row.rule,
    source: {
      environment: row.source_environment,
      registry: row.source_registry,
      repository: row.source_repository,
      tag: row.source_tag,
      digest: row.source_digest,
    },
    destination: {
      environment: row.destination_environment,
      registry: row.destination_registry,
      repository: row.destination_repository,
      tag: row.destination_tag,
    },
    releaseTag: row.release_tag,
    status: row.status,
    reason: row.reason,
    requestedBy: row.requested_by,
    triggerKind: row.trigger_kind,
    deliveryId: row.delivery_id,
    approvalsRequired: row.approvals_required,
    attempts: row.attempts,
    resultDigest: row.result_digest,
    bytes: { copied: row.bytes_copied, mounted: row.bytes_mounted, skipped: row.bytes_skipped },
    rollbackOf: row.rollback_of,
    rerunOf: row.rerun_of,
    supersededBy: row.superseded_by,
    gitCommit: row.git_commit,
    labels: row.labels,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** The idempotency predicate, identical to the partial unique index's (ON CONFLICT must name it). */
const IDEMPOTENCY_PREDICATE =
  "status IN ('queued', 'awaiting_approval', 'running') OR (status = 'succeeded' AND superseded_by IS NULL)";

export interface InsertPromotionResult {
  readonly promotion: Promotion;
  /** False when an equivalent promotion was already in flight or is the destination's current one. */
  readonly created: boolean;
}

/** The promotions columns an insert provides; the rest take their defaults. */
const INSERT_COLUMNS =
  'id, kind, rule, source_environment, source_registry, source_repository, source_tag, source_digest, ' +
  'destination_environment, destination_registry, destination_repository, destination_tag, release_tag, ' +
  'status, requested_by, trigger_kind, delivery_id, approvals_required, rollback_of, rerun_of, git_commit, labels';

function insertRow(input: NewPromotion, id: string): Record<string, unknown> {
  return {
    id,
    kind: input.kind ?? 'promotion',
    rule: input.rule,
    source_environment: input.source.environment ?? null,
    source_registry: input.source.registry,
    source_repository: input.source.repository,
    source_tag: input.source.tag ?? null,
    source_digest: input.source.digest,
    destination_environment: input.destination.environment ?? null,
    destination_registry: input.destination.registry,
    destination_repository: input.destination.repository,
    destination_tag: input.destination.tag,
    release_tag: input.releaseTag ?? null,
    status: input.status ?? 'queued',
    requested_by: input.requestedBy,
    trigger_kind: input.triggerKind,
    delivery_id: input.deliveryId ?? null,
    approvals_required: input.approvalsRequired ?? 0,
    rollback_of: input.rollbackOf ?? null,
    rerun_of: input.rerunOf ?? null,
    git_commit: input.gitCommit ?? null,
    labels: input.labels ?? {},
  };
}

/**
 * INSERT … ON CONFLICT DO NOTHING for several promotions in one statement. The rows travel as one JSON
 * array turned into rows by jsonb_populate_recordset (typed by the table itself), so the statement text
 * is the same for any count. Within one statement a second row with the same idempotency key conflicts
 * with the first, exactly as two sequential inserts would. Returns the inserted rows by id.
 */
async function tryInsert(db: Database, rows: readonly Record<string, unknown>[]) {
  const { rows: inserted } = await db.query<PromotionRow>(
    `INSERT INTO promotions (${INSERT_COLUMNS})
     SELECT ${INSERT_COLUMNS} FROM jsonb_populate_recordset(NULL::promotions, $1::jsonb)
     ON CONFLICT (source_digest, destination_registry, destination_repository, destination_tag)
       WHERE ${IDEMPOTENCY_PREDICATE}
     DO NOTHING
     RETURNING *`,
    [JSON.stringify(rows)],
  );
  return new Map(inserted.map((row) => [row.id, row]));
}

/**
 * Records an accepted promotion, or returns the existing one for the same (source digest, destination
 * tag) that is in flight or is the tag's current succeeded promotion. The database's unique index
 * decides, so concurrent acceptances (two replicas, a redelivered webhook) agree on one row.
 */
export async function insertPromotion(
  db: Database,
  input: NewPromotion,
  options: { id?: string } = {},
): Promise<InsertPromotionResult> {
  const [result] = await insertPromotions(db, [{ input, id: options.id }]);
  return result!;
}

/**
 * insertPromotion for several promotions at once (results in input order): one statement for all of
 * them, then a lookup for each one that found its slot taken. Earlier entries win a slot over later
 * ones, as if inserted one after the other.
 */
export async function insertPromotions(
  db: Database,
  entries: readonly { readonly input: NewPromotion; readonly id?: string | undefined }[],
): Promise<InsertPromotionResult[]> {
  const rows = entries.map(({ input, id }) => insertRow(input, id ?? uuidV7()));
  const inserted = await tryInsert(db, rows);
  const results: InsertPromotionResult[] = [];
  for (const [index, { input }] of entries.entries()) {
    const row = inserted.get(rows[index]!.id as string);
    results.push(
      row ? { promotion: toPromotion(row), created: true } : await insertOrFind(db, rows[index]!, input),
    );
  }
  return results;
}

/** The slot was taken: return its holder, or insert after all if the holder left it meanwhile. */
async function insertOrFind(
  db: Database,
  row: Record<string, unknown>,
  input: NewPromotion,
): Promise<InsertPromotionResult> {
  // A conflicting row can leave the slot (fail, be superseded) between the INSERT and the SELECT; then
  // the INSERT is simply tried again. Three rounds is far more than that race needs.
  for (let round = 0; round < 3; round++) {
    if (round > 0) {
      const inserted = (await tryInsert(db, [row])).get(row.id as string);
      if (inserted) return { promotion: toPromotion(inserted), created: true };
    }
    const existing = await db.query<PromotionRow>(
      `SELECT * FROM promotions
        WHERE source_digest = $1 AND destination_registry = $2 AND destination_repository = $3
          AND destination_tag = $4 AND (${IDEMPOTENCY_PREDICATE})`,
      [input.source.digest, input.destination.registry, input.destination.repository, input.destination.tag],
    );
    const found = existing.rows[0];
    if (found) return { promotion: toPromotion(found), created: false };
  }
  throw new StoreError(
    StoreErrorCode.Conflict,
    `promotion of ${input.source.digest} to ${input.destination.registry}/${input.destination.repository}:${input.destination.tag} kept conflicting; try again`,
    { temporary: true },
  );
}

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
  /** Who requested it (API token, webhook, registry user). */
  readonly requestedBy?: string | undefined;
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

function encodeCursor(seq: number): string {
  return Buffer.from(`p:${seq}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^p:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new StoreError(StoreErrorCode.Query, `invalid cursor ${JSON.stringify(cursor)}`);
  return Number(match[1]);
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
  if (filter.createdAfter !== undefined) where.push(`created_at >= ${param(filter.createdAfter)}`);
  if (filter.createdBefore !== undefined) where.push(`created_at < ${param(filter.createdBefore)}`);
  if (filter.cursor !== undefined) where.push(`seq < ${param(decodeCursor(filter.cursor))}`);
  const { rows } = await db.query<PromotionRow>(
    `SELECT * FROM promotions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq DESC LIMIT ${param(limit + 1)}`,
    params,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    promotions: page.map(toPromotion),
    nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : undefined,
  };
}

export interface TransitionFields {
  readonly reason?: string | null | undefined;
  readonly resultDigest?: string | undefined;
  /** Replaces the counters (they describe the last attempt's copy). */
  readonly bytes?: Partial<{ copied: number; mounted: number; skipped: number }> | undefined;
  /** Count one more attempt (set when moving to running). */
  readonly incrementAttempts?: boolean | undefined;
}

/**
 * Compare-and-set on the status: moves `id` to `to` only if its current status is one of `from`.
 * Throws StoreError NotFound for an unknown id and Conflict (with the current status in the message)
 * when another actor got there first — a cancel racing the worker, two approvers racing. Moving to
 * succeeded also marks the destination tag's previous succeeded promotion as superseded, in the same
 * transaction, so its digest can be promoted again (rollback).
 */
export async function transition(
  db: Database,
  id: string,
  from: readonly PromotionStatus[],
  to: PromotionStatus,
  fields: TransitionFields = {},
): Promise<Promotion> {
  const illegal = from.filter((f) => !ALLOWED_TRANSITIONS[f].includes(to));
  if (illegal.length > 0 || from.length === 0) {
    throw new StoreError(
      StoreErrorCode.Conflict,
      `promotion ${id}: transition ${from.join('|') || '(none)'} → ${to} is not part of the lifecycle`,
    );
  }
  return atomically(db, async (tx) => {
    if (to === 'succeeded') {
      // Two promotions to one tag finishing at once must not both see the other as not yet succeeded
      // (leaving two "current" rows): the destination's lock orders them, and the second's UPDATE then
      // sees the first's committed success and supersedes it. PGlite has one connection, so its
      // transactions never overlap and the lock would be a statement spent on nothing.
      if (tx.kind !== 'pglite') {
        await tx.query(
          `SELECT pg_advisory_xact_lock(hashtextextended(
             destination_registry || '/' || destination_repository || ':' || destination_tag, 0))
             FROM promotions WHERE id = $1`,
          [id],
        );
      }
      await tx.query(
        `UPDATE promotions AS old SET superseded_by = $1, updated_at = now()
           FROM promotions AS cur
          WHERE cur.id = $1 AND cur.status = ANY($2::text[])
            AND old.destination_registry = cur.destination_registry
            AND old.destination_repository = cur.destination_repository
            AND old.destination_tag = cur.destination_tag
            AND old.status = 'succeeded' AND old.superseded_by IS NULL AND old.id <> $1`,
        [id, [...from]],
      );
    }
    const terminal = ALLOWED_TRANSITIONS[to].length === 0;
    const { rows } = await tx.query<PromotionRow>(
      `UPDATE promotions SET
          status = $3,
          updated_at = now(),
          reason = CASE WHEN $4::boolean THEN $5::text ELSE reason END,
          result_digest = COALESCE($6::text, result_digest),
          bytes_copied = COALESCE($7::bigint, bytes_copied),
          bytes_mounted = COALESCE($8::bigint, bytes_mounted),
          bytes_skipped = COALESCE($9::bigint, bytes_skipped),
          attempts = attempts + CASE WHEN $10::boolean THEN 1 ELSE 0 END,
          started_at = CASE WHEN $3 = 'running' THEN COALESCE(started_at, now()) ELSE started_at END,
          finished_at = CASE WHEN $11::boolean THEN now() ELSE finished_at END
        WHERE id = $1 AND status = ANY($2::text[])
        RETURNING *`,
      [
        id,
        [...from],
        to,
        fields.reason !== undefined,
        fields.reason ?? null,
        fields.resultDigest ?? null,
        fields.bytes?.copied ?? null,
        fields.bytes?.mounted ?? null,
        fields.bytes?.skipped ?? null,
        fields.incrementAttempts === true,
        terminal,
      ],
    );
    const updated = rows[0];
    if (updated) return toPromotion(updated);
    const current = await tx.query<{ status: PromotionStatus }>(
      'SELECT status FROM promotions WHERE id = $1',
      [id],
    );
    const row = current.rows[0];
    if (!row) throw new StoreError(StoreErrorCode.NotFound, `promotion ${id} not found`);
    throw new StoreError(
      StoreErrorCode.Conflict,
      `promotion ${id} is ${row.status}, not ${from.join(' or ')}: cannot move it to ${to}`,
    );
  });
}

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

export type ApprovalDecision = 'approve' | 'reject';

export interface RecordApprovalInput {
  readonly promotionId: string;
  readonly approver: string;
  readonly decision: ApprovalDecision;
  readonly comment?: string | null | undefined;
}

export interface ApprovalTally {
  /** False when this approver had already decided; the first decision stands. */
  readonly recorded: boolean;
  /** Distinct approvers who approved. */
  readonly approvals: number;
  /** Distinct approvers who rejected. */
  readonly rejections: number;
}

/** Records one approver's decision (once per approver) and returns the tally of distinct approvers. */
export async function recordApproval(db: Database, input: RecordApprovalInput): Promise<ApprovalTally> {
  return atomically(db, async (tx) => {
    const inserted = await tx.query(
      `INSERT INTO approvals (promotion_id, approver, decision, comment) VALUES ($1, $2, $3, $4)
       ON CONFLICT (promotion_id, approver) DO NOTHING RETURNING approver`,
      [input.promotionId, input.approver, input.decision, input.comment ?? null],
    );
    const { rows } = await tx.query<{ approvals: number; rejections: number }>(
      `SELECT count(*) FILTER (WHERE decision = 'approve')::int AS approvals,
              count(*) FILTER (WHERE decision = 'reject')::int AS rejections
         FROM approvals WHERE promotion_id = $1`,
      [input.promotionId],
    );
    return {
      recorded: inserted.rows.length === 1,
      approvals: rows[0]!.approvals,
      rejections: rows[0]!.rejections,
    };
  });
}

/** One approver's recorded decision. */
export interface Approval {
  readonly promotionId: string;
  readonly approver: string;
  readonly decision: ApprovalDecision;
  readonly comment: string | null;
  readonly at: Date;
}

interface ApprovalRow {
  promotion_id: string;
  approver: string;
  decision: ApprovalDecision;
  comment: string | null;
  at: Date;
}

/** The decisions recorded for each of `promotionIds` (oldest first); ids without any are absent. */
export async function listApprovals(
  db: Database,
  promotionIds: readonly string[],
): Promise<Map<string, Approval[]>> {
  const byPromotion = new Map<string, Approval[]>();
  if (promotionIds.length === 0) return byPromotion;
  const { rows } = await db.query<ApprovalRow>(
    `SELECT promotion_id, approver, decision, comment, at FROM approvals
      WHERE promotion_id = ANY($1::text[]) ORDER BY at, approver`,
    [[...new Set(promotionIds)]],
  );
  for (const row of rows) {
    const list = byPromotion.get(row.promotion_id) ?? [];
    list.push({
      promotionId: row.promotion_id,
      approver: row.approver,
      decision: row.decision,
      comment: row.comment,
      at: row.at,
    });
    byPromotion.set(row.promotion_id, list);
  }
  return byPromotion;
}

export interface SucceededDigest {
  readonly promotionId: string;
  /** What the destination tag pointed at after that promotion. */
  readonly digest: string;
  readonly finishedAt: Date;
}

/**
 * The destination tag's succeeded promotions, newest first: the first is what the tag points at now,
 * the first with a different digest is what a rollback restores.
 */
export async function lastSucceededDigests(
  db: Database,
  dest: DestinationRef,
  limit = 10,
): Promise<SucceededDigest[]> {
  const { rows } = await db.query<{ id: string; digest: string; finished_at: Date }>(
    `SELECT id, COALESCE(result_digest, source_digest) AS digest, finished_at FROM promotions
      WHERE destination_registry = $1 AND destination_repository = $2 AND destination_tag = $3
        AND status = 'succeeded'
      ORDER BY finished_at DESC, seq DESC LIMIT $4`,
    [dest.registry, dest.repository, dest.tag, Math.min(Math.max(Math.trunc(limit), 1), MAX_PAGE)],
  );
  return rows.map((r) => ({ promotionId: r.id, digest: r.digest, finishedAt: r.finished_at }));
}

/**
 * Remembers a webhook delivery id; true the first time it is seen (per source), false for a redelivery.
 * Call it in the same transaction as the promotion it creates, so a crash in between does not swallow
 * the delivery's retry.
 */
export async function rememberDelivery(db: Database, source: string, id: string): Promise<boolean> {
  const [fresh] = await rememberDeliveries(db, [{ source, id }]);
  return fresh!;
}

/**
 * rememberDelivery for several deliveries in one statement; true (in input order) for each one not seen
 * before. An id given twice counts as new only the first time.
 */
export async function rememberDeliveries(
  db: Database,
  deliveries: readonly { readonly source: string; readonly id: string }[],
): Promise<boolean[]> {
  if (deliveries.length === 0) return [];
  const { rows } = await db.query<{ source: string; id: string }>(
    `INSERT INTO webhook_deliveries (source, id)
     SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (source, id) DO NOTHING
     RETURNING source, id`,
    [deliveries.map((d) => d.source), deliveries.map((d) => d.id)],
  );
  const fresh = new Set(rows.map((row) => JSON.stringify([row.source, row.id])));
  return deliveries.map((d) => fresh.delete(JSON.stringify([d.source, d.id])));
}

/** Retention for the dedupe table: forgets delivery ids received before `before`. Returns how many. */
export async function forgetDeliveriesBefore(db: Database, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM webhook_deliveries WHERE received_at < $1', [before]);
  return rowCount;
}

export interface NotificationAttempt {
  readonly promotionId?: string | null | undefined;
  /** Configured notifier name or URL host; never a URL with credentials. */
  readonly target: string;
  readonly event: string;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly statusCode?: number | null | undefined;
  readonly error?: string | null | undefined;
  readonly durationMs?: number | null | undefined;
}

export interface NotificationDelivery {
  readonly id: number;
  readonly promotionId: string | null;
  readonly target: string;
  readonly event: string;
  readonly attempt: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number | null;
  readonly at: Date;
}

interface NotificationRow {
  id: number;
  promotion_id: string | null;
  target: string;
  event: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number | null;
  at: Date;
}

function toNotification(row: NotificationRow): NotificationDelivery {
  return {
    id: row.id,
    promotionId: row.promotion_id,
    target: row.target,
    event: row.event,
    attempt: row.attempt,
    statusCode: row.status_code,
    error: row.error,
    durationMs: row.duration_ms,
    at: row.at,
  };
}

export async function recordNotification(
  db: Database,
  attempt: NotificationAttempt,
): Promise<NotificationDelivery> {
  const { rows } = await db.query<NotificationRow>(
    `INSERT INTO notification_deliveries (promotion_id, target, event, attempt, status_code, error, duration_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
    [
      attempt.promotionId ?? null,
      attempt.target,
      attempt.event,
      attempt.attempt,
      attempt.statusCode ?? null,
      attempt.error ?? null,
      attempt.durationMs === undefined || attempt.durationMs === null ? null : Math.round(attempt.durationMs),
    ],
  );
  return toNotification(rows[0]!);
}

export async function listNotifications(db: Database, promotionId: string): Promise<NotificationDelivery[]> {
  const { rows } = await db.query<NotificationRow>(
    'SELECT * FROM notification_deliveries WHERE promotion_id = $1 ORDER BY id',
    [promotionId],
  );
  return rows.map(toNotification);
}
