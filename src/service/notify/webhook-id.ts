import { createHash } from 'node:crypto';

/**
 * The `webhook-id` of one event to one target. Standard Webhooks receivers de-duplicate on it, so it
 * must be the same on every retry — and derived rather than random, it also stays the same when ferry
 * restarts and announces the same outcome again, so the receiver still sees one event.
 * `msg_` + 32 base64url characters (192 bits of SHA-256), the shape the spec's libraries generate.
 */
export function notificationWebhookId(promotionId: string, event: string, target: string): string {
  // Newline-separated: none of the three can contain one, so distinct triples never hash alike.
  const hash = createHash('sha256').update(`${promotionId}\n${event}\n${target}`).digest('base64url');
  return `msg_${hash.slice(0, 32)}`;
}
