/**
 * What a notify target receives (`notify[].url`): the Standard Webhooks recommended envelope
 * ("Payload structure": `type`, `timestamp`, `data`) around a promotion's public fields, signed like a
 * Standard Webhook when the target has a secret.
 *
 *   { "type": "promotion.succeeded", "timestamp": "<ISO 8601>",
 *     "data": { id, rule, status, reason, source: {environment, registry, repository, tag, digest},
 *               destination: {environment, registry, repository, tag}, resultDigest, requestedBy,
 *               bytes: {copied, mounted, skipped}, url? } }
 *
 * Only fields a receiver can act on: no trigger delivery ids, labels or attempt counters, which could
 * carry CI-internal values the operator never meant to forward to a chat channel.
 */
import { z } from 'zod';
import { byteCountsSchema, promotionDestinationSchema, promotionSourceSchema } from './promotion.ts';
import { promotionStatusSchema } from './statuses.ts';
import { timestampSchema } from './timestamp.ts';

/** Events a notify target can subscribe to (`notify[].events`), and the `promotion.<event>` types sent. */
export const NOTIFY_EVENTS = [
  'requested',
  'awaiting-approval',
  'approved',
  'rejected',
  'succeeded',
  'failed',
  'cancelled',
] as const;

export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

export type NotificationType = `promotion.${NotifyEvent}`;

export const NOTIFICATION_TYPES = NOTIFY_EVENTS.map((event) => `promotion.${event}` as const);

export const notificationDataSchema = z.strictObject({
  id: z.string(),
  rule: z.string(),
  status: promotionStatusSchema,
  reason: z.string().nullable(),
  source: promotionSourceSchema,
  destination: promotionDestinationSchema,
  resultDigest: z.string().nullable(),
  requestedBy: z.string(),
  bytes: byteCountsSchema,
  url: z
    .url()
    .optional()
    .meta({ description: 'Link to the promotion; absent when `server.publicUrl` is not configured.' }),
});

export const notificationSchema = z
  .strictObject({
    type: z.enum(NOTIFICATION_TYPES as unknown as [NotificationType, ...NotificationType[]]),
    timestamp: timestampSchema.meta({
      description: 'When the event was emitted (the same on every retry of its delivery).',
    }),
    data: notificationDataSchema,
  })
  .meta({ description: 'A promotion event, as ferry posts it to a notify target.' });

export type NotificationBody = z.output<typeof notificationSchema>;
export type NotificationData = z.output<typeof notificationDataSchema>;
