/**
 * CNCF distribution (registry:2 / distribution v3) webhook notifications
 * (distribution.github.io/distribution/about/notifications): a POST with Content-Type
 * `application/vnd.docker.distribution.events.v1+json` (2.x) or `…events.v2+json` (3.x) and an envelope
 *
 *   { "events": [ { "id", "timestamp", "action": "push" | "pull" | "delete" | "mount",
 *                   "target": { "mediaType", "digest", "size", "repository", "url", "tag"? },
 *                   "request": { "id", "addr", "host", "method", "useragent" },
 *                   "actor": { "name"? }, "source": { "addr", "instanceID" } } ] }
 *
 * Authentication is a static header configured on the registry's endpoint (`headers:` in its config);
 * check it with staticHeaderMatches before calling this.
 *
 * Unknown fields are tolerated (unlike ferry's own formats): the envelope is the registry's, and new
 * registry versions add fields. Fields ferry acts on are validated strictly, and only on events it acts on.
 */
import { z } from 'zod';
import { canonicalRegistryHost, referenceProblem } from '../../api/field-rules.ts';
import {
  deliveryIdSchema,
  digestSchema,
  optionalActorSchema,
  parseWithSchema,
  repositorySchema,
  tagSchema,
} from '../../api/field-schemas.ts';
import { quoteValue } from '../../api/quote-value.ts';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { registryHostProblem } from '../../reference/index.ts';
import type { PromotionRequest } from '../promote/promotion-request.ts';
import {
  configuredRegistryHost,
  isAttachmentTag,
  PROMOTABLE_MEDIA_TYPES,
  type RegistryEventOptions,
} from './registry-event-filters.ts';

export const DISTRIBUTION_EVENTS_MEDIA_TYPES: readonly string[] = Object.freeze([
  'application/vnd.docker.distribution.events.v1+json',
  'application/vnd.docker.distribution.events.v2+json',
]);

/** Enough of every event to decide whether it matters. */
const envelopeSchema = z.object({
  events: z
    .array(
      z.object({
        action: z.string(),
        target: z.object({ mediaType: z.string().optional(), tag: z.string().optional() }).optional(),
      }),
    )
    .max(1000),
});

/** Everything ferry uses from an event it acts on. */
const pushEventSchema = z.object({
  id: deliveryIdSchema,
  target: z.object({ repository: repositorySchema, digest: digestSchema, tag: tagSchema }),
  // Checked below, and only when used: a configured registry host makes an internal name harmless.
  request: z.object({ host: z.string().max(1024).optional() }).optional(),
  actor: z.object({ name: optionalActorSchema.optional() }).optional(),
});

/**
 * Turns a parsed notification envelope into one PromotionRequest per tagged manifest/index push, in
 * event order; every other event is ignored. Throws 400 when the envelope is malformed or an event that
 * would be acted on is invalid (and then creates nothing). Rule matching happens later: a request here
 * is a candidate, not a decision.
 */
export function parseDistributionEvents(
  value: unknown,
  options: RegistryEventOptions = {},
): PromotionRequest[] {
  const registryHost = configuredRegistryHost(options);
  const envelope = parseWithSchema(envelopeSchema, value, 'distribution notification');
  const rawEvents = (value as { events: unknown[] }).events;
  const requests: PromotionRequest[] = [];
  envelope.events.forEach((event, index) => {
    const tag = event.target?.tag;
    if (event.action !== 'push' || tag === undefined || tag === '' || isAttachmentTag(tag)) return;
    if (!PROMOTABLE_MEDIA_TYPES.has(event.target?.mediaType ?? '')) return;

    const push = parseWithSchema(
      pushEventSchema,
      rawEvents[index],
      `distribution notification event #${index + 1}`,
    );
    const host = registryHost ?? push.request?.host;
    const hostReason = host === undefined ? 'is missing' : registryHostProblem(host);
    if (host === undefined || hostReason !== undefined) {
      const shown = host === undefined ? '' : ` ${quoteValue(host)}`;
      throw new TriggerError(
        TriggerErrorCode.InvalidBody,
        `distribution notification event #${index + 1}: request.host${shown} ${host === undefined ? hostReason : `is invalid: ${hostReason}`}; configure the registry host for this hook`,
        { fields: [`events[${index}].request.host`] },
      );
    }
    const registry = canonicalRegistryHost(host);
    const reason = referenceProblem({ registry, repository: push.target.repository, tag: push.target.tag });
    if (reason !== undefined) {
      throw new TriggerError(
        TriggerErrorCode.InvalidBody,
        `distribution notification event #${index + 1}: the reference is invalid: ${reason}`,
        { fields: [`events[${index}].target`] },
      );
    }
    requests.push({
      source: {
        registry,
        repository: push.target.repository,
        tag: push.target.tag,
        digest: push.target.digest,
      },
      trigger: { kind: 'distribution', deliveryId: push.id, actor: push.actor?.name || 'registry' },
    });
  });
  return requests;
}
