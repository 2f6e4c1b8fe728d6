/**
 * Which promotion a webhook delivery id led to, so a redelivered webhook (same `webhook-id`) gets the
 * first delivery's answer instead of creating anything.
 *
 * The store remembers delivery ids (webhook_deliveries) but not what they produced, so the mapping is
 * read from what accept() records: the promotion the delivery created carries `delivery_id` (indexed);
 * a delivery that matched an existing promotion left a `duplicate_request` audit event naming it. (A
 * `promotion_id` column on webhook_deliveries would make the second lookup an index hit too.)
 */

import type { Database } from '../store/database.ts';
import type { Promotion } from '../store/promotion.ts';
import { getPromotion } from '../store/promotion-query.ts';
import { AuditKind } from './audit-kinds.ts';
import type { TriggerKind } from './promotion-request.ts';

/** The promotion the delivery created, if it created one. One indexed lookup: run before anything else. */
export async function promotionCreatedByDelivery(
  db: Database,
  triggerKind: TriggerKind,
  deliveryId: string,
): Promise<Promotion | undefined> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM promotions WHERE delivery_id = $1 AND trigger_kind = $2 ORDER BY seq LIMIT 1',
    [deliveryId, triggerKind],
  );
  return rows[0] ? getPromotion(db, rows[0].id) : undefined;
}

/** Any promotion the delivery led to: created by it, or found equal to it. Only for redeliveries. */
export async function promotionForDelivery(
  db: Database,
  triggerKind: TriggerKind,
  deliveryId: string,
): Promise<Promotion | undefined> {
  const created = await promotionCreatedByDelivery(db, triggerKind, deliveryId);
  if (created) return created;
  const { rows } = await db.query<{ promotion_id: string }>(
    `SELECT promotion_id FROM audit_events
      WHERE kind = $1 AND promotion_id IS NOT NULL
        AND detail->>'deliveryId' = $2 AND detail->>'triggerKind' = $3
      ORDER BY id LIMIT 1`,
    [AuditKind.DuplicateRequest, deliveryId, triggerKind],
  );
  return rows[0] ? getPromotion(db, rows[0].promotion_id) : undefined;
}

/** The source key deliveries are de-duplicated under: ids are unique per sending system, i.e. per trigger. */
export function deliverySource(triggerKind: TriggerKind): string {
  return `trigger:${triggerKind}`;
}
