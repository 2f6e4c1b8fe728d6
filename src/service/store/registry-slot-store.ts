/**
 * Registry slots (migration 004): at most `limit` promotions copy to one destination registry at once,
 * across every replica sharing the store. A run takes a slot before it copies, renews it with its
 * heartbeat and gives it back when it settles; the slot of a run whose replica died is free again once
 * its heartbeat is older than the lease.
 */
import { atomically, type Database } from './database.ts';

export interface SlotRequest {
  readonly registry: string;
  readonly promotionId: string;
  readonly replica: string;
  /** How many promotions may hold a slot of this registry at once. */
  readonly limit: number;
  /** A slot whose heartbeat is older than this is taken to be abandoned. */
  readonly leaseSeconds: number;
}

/**
 * Takes a slot for the promotion if fewer than `limit` live ones are held (true), or tells that the
 * registry is at its limit (false). Idempotent: a promotion that holds a slot keeps it (its heartbeat is
 * renewed), so a resumed run does not count twice.
 *
 * One statement after the lock: lapsed slots of others are cleared, live ones counted, and the
 * promotion's row inserted or renewed, all against one snapshot (taken after the lock, so it sees every
 * slot an earlier holder of the lock committed). Every run passes here, with replicas queueing on the
 * lock: four round trips instead of seven keep the lock, and the run, short.
 */
export async function acquireSlot(db: Database, request: SlotRequest): Promise<boolean> {
  return atomically(db, async (tx) => {
    if (tx.kind !== 'pglite') {
      // Replicas counting at once must see each other's slots: one registry's acquisitions take turns.
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 2))', [request.registry]);
    }
    // The promotion's own lapsed row is not deleted but renewed by the upsert: deleting and inserting
    // one key in one statement is not something to rely on.
    const { rows } = await tx.query(
      `WITH lapsed AS (
         DELETE FROM registry_slots
          WHERE registry = $1 AND promotion_id <> $2 AND heartbeat_at < now() - make_interval(secs => $4)
       ), live AS (
         SELECT count(*) FILTER (WHERE promotion_id <> $2) AS others,
                count(*) FILTER (WHERE promotion_id = $2) AS mine
           FROM registry_slots
          WHERE registry = $1 AND heartbeat_at >= now() - make_interval(secs => $4)
       )
       INSERT INTO registry_slots AS s (registry, promotion_id, replica)
       SELECT $1, $2, $3 FROM live WHERE live.mine > 0 OR live.others < $5
       ON CONFLICT (promotion_id) DO UPDATE SET
         heartbeat_at = now(),
         replica = EXCLUDED.replica,
         acquired_at = CASE WHEN s.heartbeat_at < now() - make_interval(secs => $4) THEN now() ELSE s.acquired_at END
       RETURNING s.promotion_id`,
      [request.registry, request.promotionId, request.replica, request.leaseSeconds, request.limit],
    );
    return rows.length === 1;
  });
}

/** Keeps the promotion's slot alive; false when it no longer holds one (taken as abandoned). */
export async function renewSlot(db: Database, promotionId: string): Promise<boolean> {
  const { rows } = await db.query(
    'UPDATE registry_slots SET heartbeat_at = now() WHERE promotion_id = $1 RETURNING promotion_id',
    [promotionId],
  );
  return rows.length === 1;
}

/**
 * Gives back the promotion's slot if `replica` holds it: after a lost lease another replica may have
 * taken the promotion (and its slot) over, and must keep it.
 */
export async function releaseSlot(db: Database, promotionId: string, replica: string): Promise<void> {
  await db.query('DELETE FROM registry_slots WHERE promotion_id = $1 AND replica = $2', [
    promotionId,
    replica,
  ]);
}

/** Slots held now, per registry (metrics, tests). */
export async function slotsHeld(db: Database): Promise<Map<string, number>> {
  const { rows } = await db.query<{ registry: string; held: number }>(
    'SELECT registry, count(*)::int AS held FROM registry_slots GROUP BY registry',
  );
  return new Map(rows.map((row) => [row.registry, row.held]));
}
