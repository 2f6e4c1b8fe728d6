import type { Database } from '../store/database.ts';
import type { Promotion } from '../store/promotion.ts';
import { getPromotion } from '../store/promotion-query.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';

/**
 * Reads a promotion inside a transaction with its row locked (`FOR UPDATE`) until commit, so decisions
 * based on its status (two approvers at once, an approval racing a cancel on another replica) are taken
 * one after the other on PostgreSQL. On PGlite (one connection) the lock is free and changes nothing.
 */
export async function lockPromotion(tx: Database, id: string): Promise<Promotion> {
  await tx.query('SELECT 1 FROM promotions WHERE id = $1 FOR UPDATE', [id]);
  const promotion = await getPromotion(tx, id);
  if (promotion === undefined)
    throw new PromotionError(PromotionErrorCode.NotFound, `promotion ${id} not found`);
  return promotion;
}
