/**
 * The signed request `ferry trigger` sends: the body (built once, so every retry sends the same bytes
 * under the same webhook-id) and the headers of one attempt (signed with that attempt's timestamp).
 */
import { randomBytes } from 'node:crypto';
import { STANDARD_WEBHOOK_HEADERS, signStandardWebhook } from '../../api/standard-webhooks.ts';
import {
  PROMOTION_REQUESTED_EVENT,
  type PromotionWebhookBody,
  type PromotionWebhookData,
} from '../../api/webhook-payloads.ts';

/** `msg_` + 24 base64url characters (144 random bits), the id shape Standard Webhooks senders use. */
export function newWebhookId(): string {
  return `msg_${randomBytes(18).toString('base64url')}`;
}

export function buildTriggerBody(data: PromotionWebhookData, now: Date): PromotionWebhookBody {
  return { type: PROMOTION_REQUESTED_EVENT, timestamp: now.toISOString(), data };
}

/** Headers of one delivery attempt. */
export function signedHeaders(
  secret: string,
  webhookId: string,
  body: string,
  now: Date,
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'content-type': 'application/json',
    [STANDARD_WEBHOOK_HEADERS.id]: webhookId,
    [STANDARD_WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [STANDARD_WEBHOOK_HEADERS.signature]: signStandardWebhook(secret, webhookId, timestamp, body),
  };
}
