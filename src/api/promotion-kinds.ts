/**
 * Why a promotion exists: requested (`promotion`), repeating a failed/cancelled/rejected one (`rerun`),
 * or moving a tag back to the digest of an earlier promotion (`rollback`).
 */
import { z } from 'zod';

export const PROMOTION_KINDS = ['promotion', 'rerun', 'rollback'] as const;

export type PromotionKind = (typeof PROMOTION_KINDS)[number];

export const promotionKindSchema = z.enum(PROMOTION_KINDS).meta({
  description:
    '`promotion` (requested by a trigger or the API), `rerun` (repeats a failed, cancelled or rejected one), `rollback` (points a tag back at the digest of an earlier promotion).',
});
