/**
 * The payload `ferry trigger` sends, signed as a Standard Webhook (or, for senders that can only do
 * that, with a GitHub-style X-Hub-Signature-256), turned into a PromotionRequest. The format itself is
 * part of the API contract: api/webhook-payloads.ts.
 */

import { parseWithSchema } from '../../api/field-schemas.ts';
import {
  PROMOTION_REQUESTED_EVENT,
  type PromotionWebhookBody,
  type PromotionWebhookData,
  promotionWebhookSchema,
} from '../../api/webhook-payloads.ts';
import type { PromotionRequest } from '../promote/promotion-request.ts';
import { compact } from './compact.ts';

export { PROMOTION_REQUESTED_EVENT };

/** The body `ferry trigger` builds and `ferry serve` accepts (declared in api/webhook-payloads.ts). */
export type StandardWebhookBody = PromotionWebhookBody;
export type StandardWebhookData = PromotionWebhookData;

export interface StandardWebhookBodyOptions {
  /** `webhook-id` of the verified request (or the GitHub-style sender's delivery id). */
  readonly deliveryId?: string | undefined;
  /** Name of the webhook configuration whose secret verified the request. */
  readonly actor: string;
  /** Which signature scheme authenticated it; default 'standard-webhook'. */
  readonly kind?: 'standard-webhook' | 'github' | undefined;
}

/** Validates a parsed body of a *verified* request and turns it into a PromotionRequest, or throws 400. */
export function parseStandardWebhookBody(
  value: unknown,
  options: StandardWebhookBodyOptions,
): PromotionRequest {
  const { data } = parseWithSchema(promotionWebhookSchema, value, 'promotion webhook');
  return {
    source: compact({ environment: data.from, repository: data.image, tag: data.tag, digest: data.digest }),
    ...(data.to === undefined ? {} : { destination: { environment: data.to } }),
    trigger: compact({
      kind: options.kind ?? 'standard-webhook',
      deliveryId: options.deliveryId,
      actor: options.actor,
    }),
    ...(data.gitCommit === undefined ? {} : { gitCommit: data.gitCommit.toLowerCase() }),
    ...(data.labels === undefined ? {} : { labels: data.labels }),
  };
}
