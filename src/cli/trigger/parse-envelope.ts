/**
 * What `ferry serve` answers `ferry trigger`, checked with the contract's schemas (src/api/). The
 * trigger is a CI tool that may talk to a server of another version, so it checks the fields it acts on
 * (`id`, `status`, `reason`) and those it prints, each with the contract's own schema, and lets a newer
 * server add fields; a server that drops `id` or `status` fails loudly instead of being followed with
 * undefined ids. The operator commands, which show whole promotions, check the full strict schemas.
 *
 *   POST /hooks/standard          202/200 {promotion, url, created}; 409 the same with {code, message}
 *                                 for a replayed webhook-id; 4xx {code, message}; 5xx retried
 *   GET  /api/v1/promotions/<id>  200 {promotion, timeline}
 */
import { z } from 'zod';
import { errorBodySchema } from '../../api/error-body.ts';
import { promotionSchema } from '../../api/promotion.ts';

export const followedPromotionSchema = z.looseObject({
  ...promotionSchema.pick({ id: true, status: true, reason: true }).shape,
  ...promotionSchema
    .pick({
      rule: true,
      source: true,
      destination: true,
      resultDigest: true,
      requestedBy: true,
      approvalsRequired: true,
    })
    .partial().shape,
});

/** The part of a promotion `ferry trigger` reads and prints. */
export type PromotionView = z.output<typeof followedPromotionSchema>;

const envelopeSchema = z.looseObject({
  promotion: followedPromotionSchema,
  url: z.string().optional(),
  created: z.boolean().optional(),
});

/** Body of 200/202 from the hook (and of a 409 replay) and of GET /api/v1/promotions/<id>. */
export type PromotionEnvelope = z.output<typeof envelopeSchema>;

const errorSchema = z.looseObject(errorBodySchema.pick({ code: true, message: true }).shape);

/** The envelope, or undefined when `value` does not follow the contract. */
export function parseEnvelope(value: unknown): PromotionEnvelope | undefined {
  const parsed = envelopeSchema.safeParse(value);
  return parsed.success && parsed.data.promotion.id !== '' ? parsed.data : undefined;
}

/** `{code, message}` of an error answer, when it has that shape. */
export function parseErrorBody(value: unknown): { code: string; message: string } | undefined {
  const parsed = errorSchema.safeParse(value);
  return parsed.success ? { code: parsed.data.code, message: parsed.data.message } : undefined;
}
