/**
 * The envelopes the promotion endpoints answer with. Every endpoint that accepts a promotion request
 * (the API, the signed and secret-path webhooks, rerun, rollback) answers alike:
 *
 *   202 Accepted   {promotion, url, created: true}    a new promotion (Location: url)
 *   200 OK         {promotion, url, created: false}   an equal one was in flight or current
 *   409 Conflict   {code, message, promotion, url, created: false}
 *                  a replayed delivery id: the promotion its first delivery created
 */
import { z } from 'zod';
import { auditEventSchema } from './audit-event.ts';
import { blobProgressSchema } from './blob-progress.ts';
import { errorBodySchema } from './error-body.ts';
import { promotionSchema } from './promotion.ts';

const url = z.url().meta({ description: 'Where the promotion can be read (`server.publicUrl` based).' });

export const acceptedSchema = z
  .strictObject({
    promotion: promotionSchema,
    url,
    created: z.boolean().meta({
      description: 'false when an equal promotion (same source digest and destination tag) already existed.',
    }),
  })
  .meta({ description: 'A promotion request was accepted.' });

export type AcceptedBody = z.output<typeof acceptedSchema>;

export const replayedSchema = z
  .strictObject({
    ...errorBodySchema.shape,
    promotion: promotionSchema,
    url,
    created: z.literal(false),
  })
  .meta({
    description:
      'A replayed delivery id: an error body that also carries the promotion the first delivery created (a client retrying a delivery whose answer it lost treats this like 200).',
  });

export type ReplayedBody = z.output<typeof replayedSchema>;

export const promotionLinkSchema = z
  .strictObject({ promotion: promotionSchema, url })
  .meta({ description: 'A promotion after an approval, rejection or cancellation.' });

export type PromotionLinkBody = z.output<typeof promotionLinkSchema>;

export const promotionPageSchema = z
  .strictObject({
    promotions: z.array(promotionSchema).meta({ description: 'Newest first.' }),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ description: 'One page of promotions.' });

export type PromotionPageBody = z.output<typeof promotionPageSchema>;

export const promotionDetailSchema = z
  .strictObject({
    promotion: promotionSchema,
    timeline: z.array(auditEventSchema).meta({ description: 'Every recorded step, oldest first.' }),
    blobs: z.array(blobProgressSchema).meta({
      description:
        'Per-blob copy progress of the last attempt, as last recorded (while copying, at most a few seconds old; the event stream has it live). Empty before the copy is planned and when nothing had to be copied.',
    }),
  })
  .meta({ description: 'A promotion, its audit timeline and per-blob copy progress.' });

export type PromotionDetailBody = z.output<typeof promotionDetailSchema>;
