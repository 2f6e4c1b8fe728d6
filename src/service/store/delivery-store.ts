import type { Database } from './database.ts';

/** The webhook_deliveries table: delivery ids seen per source, so a replayed delivery is refused. */

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
