/**
 * The promotion lifecycle as the API reports it: `queued → (awaiting_approval) → running → succeeded |
 * failed | rejected | cancelled`. The store's CHECK constraint holds the same list (store/promotion.ts
 * imports it from here), so a status the API documents is a status the database can hold.
 */
import { z } from 'zod';

export const PROMOTION_STATUSES = [
  'queued',
  'awaiting_approval',
  'running',
  'succeeded',
  'failed',
  'rejected',
  'cancelled',
] as const;

export type PromotionStatus = (typeof PROMOTION_STATUSES)[number];

/** Statuses a promotion never leaves: a follower (`ferry trigger --wait`) stops at these. */
export const TERMINAL_STATUSES: readonly PromotionStatus[] = ['succeeded', 'failed', 'rejected', 'cancelled'];

/** Statuses of a promotion still on its way: queued, waiting for approvals, or copying. */
export const IN_FLIGHT_STATUSES: readonly PromotionStatus[] = ['queued', 'awaiting_approval', 'running'];

export const promotionStatusSchema = z.enum(PROMOTION_STATUSES).meta({
  description:
    '`queued` → (`awaiting_approval`) → `running` → `succeeded` | `failed` | `rejected` | `cancelled`.',
});

export function isTerminalStatus(status: PromotionStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
