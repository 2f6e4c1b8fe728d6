import type { Database } from './database.ts';
import type { NewPromotion, Promotion } from './promotion.ts';
import { type PromotionRow, toPromotion } from './promotion-row.ts';
import { StoreError, StoreErrorCode } from './store-error.ts';
import { uuidV7 } from './uuid-v7.ts';

/*
 * Recording accepted promotions in the promotions table. Every store function takes the Database (or a
 * transaction handle) as its first argument so the service can compose several of them, plus a job
 * enqueue, atomically:
 *
 *   await db.transaction(async (tx) => {
 *     const { promotion, created } = await insertPromotion(tx, input);
 *     if (created) { await appendAudit(tx, …); await queue.enqueue('promote', …, { tx }); }
 *   });
 */

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
  'status, requested_by, requested_by_key, trigger_kind, delivery_id, approvals_required, rollback_of, rerun_of, git_commit, labels';

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
    requested_by_key: input.requesterKey ?? input.requestedBy,
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
