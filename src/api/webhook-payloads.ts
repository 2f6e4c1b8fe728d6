/**
 * Bodies of the trigger webhooks.
 *
 * The promotion webhook is ferry's own format: what `ferry trigger` sends to `/hooks/standard` (signed
 * as a Standard Webhook) and senders that can only sign GitHub-style send to `/hooks/github`. It
 * follows the Standard Webhooks recommended envelope ("Payload structure": `type`, `timestamp`,
 * `data`):
 *
 *   { "type": "promotion.requested", "timestamp"?: "<ISO 8601>",
 *     "data": { "image": "team-a/app", "tag"?: "abc123", "digest"?: "sha256:…",
 *               "from"?: "<env>", "to"?: "<env>", "gitCommit"?: "<hex>", "labels"?: {…} } }
 *
 * Strict: unknown fields are refused, so a client and server that disagree about the format fail
 * loudly instead of promoting with defaults.
 *
 * The other three are other products' formats (OpenShift's generic webhook, CNCF distribution
 * notifications, Harbor webhooks); they are described here for the OpenAPI document only, with the
 * fields ferry reads. Their parsers (service/triggers) check them strictly, value by value.
 */
import { z } from 'zod';
import {
  digestSchema,
  environmentSchema,
  gitCommitSchema,
  labelsSchema,
  repositorySchema,
  tagSchema,
} from './field-schemas.ts';
import { timestampSchema } from './timestamp.ts';

export const PROMOTION_REQUESTED_EVENT = 'promotion.requested';

export const promotionWebhookDataSchema = z
  .strictObject({
    image: repositorySchema.meta({
      description: 'Repository path in the source environment, without registry.',
    }),
    tag: tagSchema.optional(),
    digest: digestSchema
      .meta({ description: 'Pins the exact image; with a tag as well, the tag names it at the destination.' })
      .optional(),
    from: environmentSchema
      .meta({ description: 'Source environment; absent: the matching rule decides.' })
      .optional(),
    to: environmentSchema
      .meta({ description: 'Destination environment; absent: the matching rule decides.' })
      .optional(),
    gitCommit: gitCommitSchema.optional(),
    labels: labelsSchema.optional(),
  })
  .superRefine((data, ctx) => {
    // The registry is not named here (the rule supplies it), so the whole-reference length limit is
    // checked once the rule has resolved it, not here.
    if (data.tag === undefined && data.digest === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs a "tag" or a "digest" (or both)' });
    }
  })
  .meta({ description: 'What to promote. Needs a tag or a digest (or both).' });

export const promotionWebhookSchema = z
  .strictObject({
    type: z.literal(PROMOTION_REQUESTED_EVENT),
    timestamp: timestampSchema
      .meta({ description: 'Informational: the signed `webhook-timestamp` header is what counts.' })
      .optional(),
    data: promotionWebhookDataSchema,
  })
  .meta({ description: 'What `ferry trigger` sends (the Standard Webhooks payload envelope).' });

/** The body `ferry trigger` builds and `ferry serve` accepts. */
export type PromotionWebhookBody = z.input<typeof promotionWebhookSchema>;
export type PromotionWebhookData = PromotionWebhookBody['data'];

/** The variables the seed pipeline's OpenShift generic webhook sends; every one is required. */
export const OPENSHIFT_ENV_NAMES = [
  'IMAGE_NAME',
  'NON_PROD_REGISTRY',
  'PROD_REGISTRY',
  'NON_PROD_PROJECT_NAME',
  'PROD_PROJECT_NAME',
  'GIT_COMMIT',
] as const;

export const openshiftGenericWebhookSchema = z
  .looseObject({
    type: z.string().optional(),
    git: z.looseObject({ commit: z.string().optional() }).optional(),
    env: z
      .union([
        z.array(z.strictObject({ name: z.string(), value: z.string().nullish() })),
        z.record(z.string(), z.string().nullish()),
      ])
      .optional(),
  })
  .meta({
    description: `OpenShift BuildConfig generic webhook body (JSON or YAML). All of ${OPENSHIFT_ENV_NAMES.join(', ')} are required in \`env\` (a list of {name, value} or an object); missing ones are a 400 naming them.`,
  });

export const distributionNotificationSchema = z
  .looseObject({ events: z.array(z.looseObject({})).max(1000) })
  .meta({
    description:
      'CNCF distribution notification envelope (`application/vnd.docker.distribution.events.v2+json`); only pushes of tagged manifests and indexes are acted on.',
  });

export const harborEventSchema = z
  .looseObject({
    type: z.string(),
    occur_at: z.int().optional(),
    operator: z.string().optional(),
    event_data: z.looseObject({}).optional(),
  })
  .meta({
    description: 'Harbor webhook, "Default" payload format; only `PUSH_ARTIFACT` creates promotions.',
  });
