import { atomically, type Database } from './database.ts';
import { ALLOWED_TRANSITIONS, type Promotion, type PromotionStatus } from './promotion.ts';
import { type PromotionRow, toPromotion } from './promotion-row.ts';
import { StoreError, StoreErrorCode } from './store-error.ts';

/** Moving a promotion along its lifecycle (promotion.ts ALLOWED_TRANSITIONS), compare-and-set. */

export interface TransitionFields {
  readonly reason?: string | null | undefined;
  readonly resultDigest?: string | undefined;
  /** Replaces the counters (they describe the last attempt's copy). */
  readonly bytes?: Partial<{ copied: number; mounted: number; skipped: number }> | undefined;
  /** Count one more attempt (set when moving to running). */
  readonly incrementAttempts?: boolean | undefined;
  /**
   * Moving to succeeded: false when the caller records the releases in the same transaction
   * (release-store.ts recordReleases supersedes every promotion of the tags it moves, under a lock of
   * its own), so the work is not done twice. Default true.
   */
  readonly supersede?: boolean | undefined;
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
    if (to === 'succeeded' && fields.supersede !== false) {
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
