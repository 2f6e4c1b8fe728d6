/**
 * Signed and secret-path webhooks. No API token: each is authenticated by its own mechanism, always
 * *before* the body's meaning is looked at, so a request that fails authentication is refused without
 * parsing and creates nothing. A disabled trigger's routes are not registered (404).
 *
 *   POST /hooks/standard      Standard Webhooks signature (what `ferry trigger` sends)
 *   POST /hooks/github        X-Hub-Signature-256 over the same body; X-GitHub-Delivery as delivery id
 *   POST /hooks/openshift/:secret/generic                                   the seed's generic webhook,
 *   POST /oapi/v1/namespaces/:namespace/buildconfigs/:name/webhooks/:secret/generic   at either URL shape
 *
 * Answers: 202 {promotion, url, created: true}, or 200 with the existing promotion when an equal one
 * was already in flight or current (`created: false`); 409 {code, message, promotion, url} for a
 * replayed delivery id (de-duplicated by the engine); 4xx `{code, message, fields?}` otherwise.
 * The OpenShift path is the one the seed's Jenkinsfile posts to, so migrating it means changing only
 * the host in its URL.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { deliveryIdProblem } from '../../api/field-rules.ts';
import { singleHeader } from '../../api/headers.ts';
import { fastifyPath, PATHS } from '../../api/paths.ts';
import { verifyStandardWebhook } from '../../api/standard-webhooks.ts';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import type { PromotionRequest } from '../promote/promotion-request.ts';
import type { Actor } from '../promote/promotion-service.ts';
import { GITHUB_SIGNATURE_HEADER, verifyGithubSignature } from '../triggers/github-signature.ts';
import {
  OPENSHIFT_BODY_FORMATS,
  openshiftSecretMatches,
  parseOpenShiftGenericBody,
} from '../triggers/openshift-generic.ts';
import { parseStandardWebhookBody } from '../triggers/standard-webhook-body.ts';
import { notFound } from './errors.ts';
import { replyAccepted } from './promotion-links.ts';
import { parseRequestBody, rawBodyOf } from './request-body.ts';
import type { RouteContext } from './route-context.ts';
import { resolveSecrets } from './trigger-secrets.ts';

export const STANDARD_HOOK_PATH = PATHS.standardHook;
export const GITHUB_HOOK_PATH = PATHS.githubHook;
export const OPENSHIFT_HOOK_PATH = fastifyPath(PATHS.openshiftHook);
export const OPENSHIFT_LEGACY_HOOK_PATH = fastifyPath(PATHS.openshiftLegacyHook);

const GITHUB_DELIVERY_HEADER = 'x-github-delivery';
const GITHUB_EVENT_HEADER = 'x-github-event';

/** Kubernetes object names (DNS-1123 subdomain), for the namespace and BuildConfig in the legacy path. */
const KUBERNETES_NAME_RE = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

interface OpenShiftParams {
  readonly secret: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** Which of the configured secrets signed: recorded as the actor, so rotation can be watched. */
function webhookActor(trigger: string, secretIndex: number): Actor {
  return { name: `${trigger}#${secretIndex + 1}`, kind: 'webhook' };
}

export function registerHookRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { config, admission } = ctx;
  const { standardWebhooks, github, openshift } = config.triggers;

  async function accept(
    request: FastifyRequest,
    reply: FastifyReply,
    promotion: PromotionRequest,
    actor: Actor,
  ) {
    const admitted = await admission.accept(admission.resolve(promotion), actor);
    const { result, replayed } = admitted;
    request.log = request.log.child({ promotionId: result.promotion.id });
    request.log.info(
      {
        trigger: promotion.trigger.kind,
        rule: result.promotion.rule,
        created: result.created,
        replayed,
        actor: actor.name,
      },
      replayed ? 'replayed delivery' : 'promotion requested',
    );
    return replyAccepted(ctx, request, reply, admitted);
  }

  if (standardWebhooks.enabled) {
    app.post(STANDARD_HOOK_PATH, async (request, reply) => {
      const secrets = await resolveSecrets(
        standardWebhooks.secrets,
        'triggers.standardWebhooks.secrets',
        ctx.secrets,
      );
      const verified = verifyStandardWebhook({
        headers: request.headers,
        rawBody: rawBodyOf(request),
        secrets,
      });
      const actor = webhookActor('standard-webhooks', verified.secretIndex);
      const value = parseRequestBody(request, ['json'], ctx.bodyLimit);
      const promotion = parseStandardWebhookBody(value, { deliveryId: verified.id, actor: actor.name });
      return accept(request, reply, promotion, actor);
    });
  }

  if (github.enabled) {
    app.post(GITHUB_HOOK_PATH, async (request, reply) => {
      const secrets = await resolveSecrets(github.secrets, 'triggers.github.secrets', ctx.secrets);
      const { secretIndex } = verifyGithubSignature({
        header: singleHeader(request.headers, GITHUB_SIGNATURE_HEADER),
        rawBody: rawBodyOf(request),
        secrets,
      });
      // GitHub sends a signed "ping" when a hook is created; answering 200 lets its check pass.
      if (singleHeader(request.headers, GITHUB_EVENT_HEADER) === 'ping') return { ok: true };
      const deliveryId = singleHeader(request.headers, GITHUB_DELIVERY_HEADER);
      const problem = deliveryId === undefined ? undefined : deliveryIdProblem(deliveryId);
      if (problem !== undefined) {
        throw new TriggerError(
          TriggerErrorCode.BadHeader,
          `header X-GitHub-Delivery is invalid: ${problem}`,
          {
            fields: [GITHUB_DELIVERY_HEADER],
          },
        );
      }
      const actor = webhookActor('github', secretIndex);
      const value = parseRequestBody(request, ['json'], ctx.bodyLimit);
      const promotion = parseStandardWebhookBody(value, { deliveryId, actor: actor.name, kind: 'github' });
      return accept(request, reply, promotion, actor);
    });
  }

  if (openshift.enabled) {
    // The secret is checked in onRequest, before the body is read: a wrong URL costs no parsing.
    const checkSecret = async (request: FastifyRequest) => {
      const params = request.params as OpenShiftParams;
      if (params.namespace !== undefined && !KUBERNETES_NAME_RE.test(params.namespace)) throw notFound();
      if (params.name !== undefined && !KUBERNETES_NAME_RE.test(params.name)) throw notFound();
      const secrets = await resolveSecrets(openshift.secrets, 'triggers.openshift.secrets', ctx.secrets);
      if (!openshiftSecretMatches(params.secret, secrets)) {
        throw new TriggerError(TriggerErrorCode.Unauthorized, 'the webhook secret in the URL is not valid', {
          fields: ['secret'],
        });
      }
    };
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as OpenShiftParams;
      const actor: Actor = {
        name: params.name === undefined ? 'openshift' : `openshift:${params.namespace}/${params.name}`,
        kind: 'webhook',
      };
      const value = parseRequestBody(request, OPENSHIFT_BODY_FORMATS, ctx.bodyLimit);
      const promotion = parseOpenShiftGenericBody(value, { actor: actor.name });
      return accept(request, reply, promotion, actor);
    };
    app.post(OPENSHIFT_HOOK_PATH, { onRequest: checkSecret }, handler);
    app.post(OPENSHIFT_LEGACY_HOOK_PATH, { onRequest: checkSecret }, handler);
  }
}
