/** The `triggers:` section of ferry.yaml: which inbound request formats are accepted, with their secrets. */
import { z } from 'zod';
import { ENVIRONMENT_NAME_RE } from './repository-pattern.ts';
import type { SchemaParts } from './schema-parts.ts';

export function triggerSchemas({ secretRef }: SchemaParts) {
  const webhookTrigger = z
    .strictObject({
      // Accept this format. Default false (only the API is on by default).
      enabled: z.boolean().default(false),
      // Signing secrets; a delivery verifying with any one is accepted, so list two during rotation.
      secrets: z.array(secretRef).default([]),
    })
    .check((ctx) => {
      if (ctx.value.enabled && ctx.value.secrets.length === 0) {
        ctx.issues.push({
          code: 'custom',
          path: ['secrets'],
          message: 'an enabled webhook trigger needs at least one secret',
          input: undefined,
        });
      }
    })
    .prefault({});

  const registryEventTrigger = z
    .strictObject({
      // Accept push notifications from a registry. Default false.
      enabled: z.boolean().default(false),
      // The exact `Authorization` header value the registry is configured to send (e.g. "Bearer …"),
      // compared in constant time.
      authorization: secretRef.optional(),
      // Environment whose registry sends the events (pushes there are promotion sources).
      environment: z.string().regex(ENVIRONMENT_NAME_RE, 'must be an environment name').optional(),
    })
    .check((ctx) => {
      if (!ctx.value.enabled) return;
      for (const key of ['authorization', 'environment'] as const) {
        if (ctx.value[key] === undefined) {
          ctx.issues.push({
            code: 'custom',
            path: [key],
            message: `an enabled registry event trigger needs ${key}`,
            input: undefined,
          });
        }
      }
    })
    .prefault({});

  // POST /api/v1/promotions with an API token (role promoter or admin). Default enabled.
  const apiTrigger = z.strictObject({ enabled: z.boolean().default(true) }).prefault({});

  const triggers = z
    .strictObject({
      api: apiTrigger,
      // Standard Webhooks (webhook-id/-timestamp/-signature, secrets "whsec_…"); what `ferry trigger` sends.
      standardWebhooks: webhookTrigger,
      // GitHub-style X-Hub-Signature-256 HMAC of the body.
      github: webhookTrigger,
      // OpenShift generic webhook: the secret is the last-but-one URL path segment.
      openshift: webhookTrigger,
      // CNCF distribution registry notifications (application/vnd.docker.distribution.events.v2+json).
      distribution: registryEventTrigger,
      // Harbor webhooks (PUSH_ARTIFACT).
      harbor: registryEventTrigger,
    })
    .prefault({});

  return { triggers, apiTrigger, webhookTrigger, registryEventTrigger };
}
