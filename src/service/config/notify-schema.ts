/** A `notify[]` target of ferry.yaml: where promotion events are POSTed. */
import { z } from 'zod';
import { NOTIFY_EVENTS } from '../../api/notification.ts';
import { httpUrl, type SchemaParts } from './schema-parts.ts';

export function notifyTargetSchema({ name, secretRef }: SchemaParts) {
  const notifyTarget = z.strictObject({
    // Unique target name, for logs and delivery records.
    name,
    // Where events are POSTed (JSON, Standard Webhooks headers).
    url: httpUrl('url'),
    // Standard Webhooks signing secret ("whsec_…"); without it deliveries are unsigned.
    secret: secretRef.optional(),
    // Events to send. Default: all of them.
    events: z
      .array(z.enum(NOTIFY_EVENTS))
      .min(1, 'events is empty; remove it to send every event')
      .default([...NOTIFY_EVENTS]),
    // Only events of these rules. Default: every rule.
    promotions: z.array(name).min(1, 'promotions is empty; remove it to include every rule').optional(),
  });

  return notifyTarget;
}
