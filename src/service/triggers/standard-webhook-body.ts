/**
 * The payload `ferry trigger` sends, signed as a Standard Webhook (or, for senders that can only do
 * that, with a GitHub-style X-Hub-Signature-256). It follows the spec's recommended envelope
 * ("Payload structure": `type`, `timestamp`, `data`):
 *
 *   { "type": "promotion.requested", "timestamp"?: "<ISO 8601>",
 *     "data": { "image": "team-a/app", "tag"?: "abc123", "digest"?: "sha256:…",
 *               "from"?: "<env>", "to"?: "<env>", "gitCommit"?: "<hex>", "labels"?: {…} } }
 *
 * Strict: unknown fields are refused, so a client and server that disagree about the format fail loudly
 * instead of promoting with defaults.
 */
import { z } from 'zod';
import type { PromotionRequest } from '../promote/promotion-request.ts';
import { compact } from './compact.ts';
import {
  digestSchema,
  environmentSchema,
  gitCommitSchema,
  labelsSchema,
  parseWithSchema,
  repositorySchema,
  tagSchema,
} from './field-schemas.ts';

export const PROMOTION_REQUESTED_EVENT = 'promotion.requested';

const dataSchema = z
  .strictObject({
    /** Repository path in the source environment, without registry. */
    image: repositorySchema,
    tag: tagSchema.optional(),
    /** Pins the exact image; with a tag as well, the tag names it at the destination. */
    digest: digestSchema.optional(),
    /** Source environment; absent: the matching rule decides. */
    from: environmentSchema.optional(),
    /** Destination environment; absent: the matching rule decides. */
    to: environmentSchema.optional(),
    gitCommit: gitCommitSchema.optional(),
    labels: labelsSchema.optional(),
  })
  .superRefine((data, ctx) => {
    // The registry is not named here (the rule supplies it), so the whole-reference length limit is
    // checked once the rule has resolved it, not here.
    if (data.tag === undefined && data.digest === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs a "tag" or a "digest" (or both)' });
    }
  });

const standardWebhookBodySchema = z.strictObject({
  type: z.literal(PROMOTION_REQUESTED_EVENT),
  /** Informational (the signed webhook-timestamp header is what counts). */
  timestamp: z.iso.datetime({ offset: true }).optional(),
  data: dataSchema,
});

/** The body `ferry trigger` builds and `ferry serve` accepts. */
export type StandardWebhookBody = z.input<typeof standardWebhookBodySchema>;
export type StandardWebhookData = StandardWebhookBody['data'];

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
  const { data } = parseWithSchema(standardWebhookBodySchema, value, 'promotion webhook');
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
