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
 */
export async function acquireSlot(db: Database, request: SlotRequest): Promise<boolean> {
  return atomically(db, async (tx) => {
    if (tx.kind !== 'pglite') {
      // Replicas counting at once must see each other's slots: one registry's acquisitions take turns.
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 2))', [request.registry]);
    }
    await tx.query(
      `DELETE FROM registry_slots
        WHERE registry = $1 AND heartbeat_at < now() - make_interval(secs => $2)`,
      [request.registry, request.leaseSeconds],
    );
    const renewed = await tx.query(
      `UPDATE registry_slots SET heartbeat_at = now(), replica = $2 WHERE promotion_id = $1
       RETURNING promotion_id`,
      [request.promotionId, request.replica],
    );
    if (renewed.rows.length === 1) return true;
    const { rows } = await tx.query<{ held: number }>(
      'SELECT count(*)::int AS held FROM registry_slots WHERE registry = $1',
      [request.registry],
    );
    if ((rows[0]?.held ?? 0) >= request.limit) return false;
    await tx.query('INSERT INTO registry_slots (registry, promotion_id, replica) VALUES ($1, $2, $3)', [
      request.registry,
      request.promotionId,
      request.replica,
    ]);
    return true;
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
