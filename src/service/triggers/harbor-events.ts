/**
 * Harbor webhook notifications, "Default" payload format (goharbor.io/docs "Configure Webhook
 * Notifications"), authenticated by the static `Authorization` header configured on the webhook policy:
 *
 *   { "type": "PUSH_ARTIFACT", "occur_at": 1680501893, "operator": "admin",
 *     "event_data": { "resources": [ { "digest", "tag", "resource_url": "harbor.example.com/lib/app:1.0" } ],
 *                     "repository": { "name", "namespace", "repo_full_name", "repo_type" } } }
 *
 * Only PUSH_ARTIFACT creates promotions; every other type (PULL_ARTIFACT, DELETE_ARTIFACT, SCANNING_*,
 * QUOTA_*, REPLICATION, …) yields nothing. A push by digest carries no tag (or the digest in the tag
 * field) and is ignored, as are cosign/referrers attachment tags. The CloudEvents payload format is
 * refused with a pointer to the setting, rather than silently ignored.
 *
 * Harbor sends no delivery id, but it retries a failed delivery with the same payload, so a stable id is
 * derived from the payload for de-duplication.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalRegistryHost, referenceProblem } from '../../api/field-rules.ts';
import {
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
  type RegistryEventOptions,
} from './registry-event-filters.ts';

export const HARBOR_PUSH_EVENT = 'PUSH_ARTIFACT';

const typeSchema = z.object({ type: z.string().max(128) });

const pushSchema = z.object({
  type: z.literal(HARBOR_PUSH_EVENT),
  occur_at: z.number().int().nonnegative(),
  operator: optionalActorSchema.optional(),
  event_data: z.object({
    resources: z
      .array(
        z.object({
          digest: digestSchema,
          tag: z.string().max(1024).optional(),
          resource_url: z.string().min(1).max(1024),
        }),
      )
      .max(100),
    repository: z.object({ repo_full_name: repositorySchema }),
  }),
});

function invalid(message: string, field: string): TriggerError {
  return new TriggerError(TriggerErrorCode.InvalidBody, message, { fields: [field] });
}

/** Registry host of a resource_url (`harbor.example.com/library/app:1.0` → `harbor.example.com`). */
function hostOf(resourceUrl: string, index: number): string {
  const host = resourceUrl.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').split('/')[0] ?? '';
  const reason = registryHostProblem(host);
  if (reason !== undefined) {
    throw invalid(
      `Harbor event resource #${index + 1}: registry host ${quoteValue(host)} of resource_url is invalid: ${reason}; configure the registry host for this hook`,
      `event_data.resources[${index}].resource_url`,
    );
  }
  return canonicalRegistryHost(host);
}

function deliveryId(occurAt: number, repository: string, digest: string, tag: string): string {
  const hash = createHash('sha256').update(`${occurAt}\n${repository}\n${digest}\n${tag}`).digest('hex');
  return `harbor:${hash.slice(0, 32)}`;
}

/**
 * Turns a parsed Harbor webhook body into one PromotionRequest per tagged pushed resource; non-push
 * types give []. Throws 400 for a malformed push event or the CloudEvents format.
 */
export function parseHarborEvent(value: unknown, options: RegistryEventOptions = {}): PromotionRequest[] {
  const registryHost = configuredRegistryHost(options);
  const { type } = parseWithSchema(typeSchema, value, 'Harbor webhook');
  if (type.startsWith('harbor.') || (typeof value === 'object' && value !== null && 'specversion' in value)) {
    throw invalid(
      'Harbor webhook uses the CloudEvents payload format; set the webhook policy\'s payload format to "Default"',
      'type',
    );
  }
  if (type !== HARBOR_PUSH_EVENT) return [];

  const event = parseWithSchema(pushSchema, value, 'Harbor PUSH_ARTIFACT event');
  const repository = event.event_data.repository.repo_full_name;
  const requests: PromotionRequest[] = [];
  event.event_data.resources.forEach((resource, index) => {
    const tag = resource.tag;
    // Pushed by digest: Harbor leaves the tag empty or repeats the digest in it.
    if (
      tag === undefined ||
      tag === '' ||
      tag === resource.digest ||
      tag.includes(':') ||
      isAttachmentTag(tag)
    ) {
      return;
    }
    const tagCheck = tagSchema.safeParse(tag);
    if (!tagCheck.success) {
      throw invalid(
        `Harbor event resource #${index + 1}: tag ${tagCheck.error.issues[0]?.message ?? 'is invalid'}`,
        `event_data.resources[${index}].tag`,
      );
    }
    const registry = registryHost ?? hostOf(resource.resource_url, index);
    const reason = referenceProblem({ registry, repository, tag, digest: resource.digest });
    if (reason !== undefined) {
      throw invalid(
        `Harbor event resource #${index + 1}: the reference is invalid: ${reason}`,
        `event_data.resources[${index}]`,
      );
    }
    requests.push({
      source: { registry, repository, tag, digest: resource.digest },
      trigger: {
        kind: 'harbor',
        deliveryId: deliveryId(event.occur_at, repository, resource.digest, tag),
        actor: event.operator || 'registry',
      },
    });
  });
  return requests;
}
