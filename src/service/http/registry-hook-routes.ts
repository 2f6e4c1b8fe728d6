/**
 * Registry push notifications, authenticated by the static `Authorization` header configured on the
 * registry (compared in constant time, checked before the body is read):
 *
 *   POST /hooks/registry/distribution    CNCF distribution notifications (events envelope)
 *   POST /hooks/registry/harbor          Harbor webhooks, "Default" payload format
 *
 * Unlike the other hooks, an authenticated delivery whose content cannot be used is answered 2xx, not
 * 4xx: distribution retries a failed delivery forever and queues every later event behind it, so one
 * odd event would stall all notifications. Such events are listed under `ignored` and logged instead:
 * a push no rule covers (debug), a push whose rule does not list this trigger in `triggers` (info:
 * registry events are opt-in per rule), a layer or attachment, an invalid event, a replayed event id,
 * a promotion the service refused. Only temporary server-side failures (5xx that retrying can fix) are answered as
 * such, so the registry retries; events accepted before the failure are recognised by their ids on the
 * retry (the engine de-duplicates delivery ids) and listed as already received.
 *
 * Answers 202 when at least one promotion was created, else 200:
 *   { promotions: [{promotion, url, created}], ignored: [{event?, code, reason}] }
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PATHS as API_PATHS } from '../../api/paths.ts';
import type { IgnoredEvent, RegistryHookResult } from '../../api/registry-hooks.ts';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import type { FerryConfig } from '../config/schema.ts';
import { PromotionError, PromotionErrorCode } from '../promote/promotion-error.ts';
import type { PromotionRequest } from '../promote/promotion-request.ts';
import { TriggerNotAllowedError } from '../promote/resolve-request.ts';
import { parseDistributionEvents } from '../triggers/distribution-events.ts';
import { parseHarborEvent } from '../triggers/harbor-events.ts';
import type { RegistryEventOptions } from '../triggers/registry-event-filters.ts';
import { staticHeaderMatches } from '../triggers/registry-events.ts';
import { toErrorResponse } from './errors.ts';
import { promotionUrl } from './promotion-links.ts';
import { parseRequestBody } from './request-body.ts';
import type { RouteContext } from './route-context.ts';
import { resolveSecrets } from './trigger-secrets.ts';

export const DISTRIBUTION_HOOK_PATH = API_PATHS.distributionHook;
export const HARBOR_HOOK_PATH = API_PATHS.harborHook;

/** Statuses that mean "try again later": the registry's retry is wanted. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** The answer's shape is the contract's (api/registry-hooks.ts). */
export type { IgnoredEvent, RegistryHookResult as RegistryHookBody };

type RegistryTrigger = 'distribution' | 'harbor';
type EventParser = (value: unknown, options: RegistryEventOptions) => PromotionRequest[];

const PARSERS: Readonly<Record<RegistryTrigger, EventParser>> = {
  distribution: parseDistributionEvents,
  harbor: parseHarborEvent,
};

const PATHS: Readonly<Record<RegistryTrigger, string>> = {
  distribution: DISTRIBUTION_HOOK_PATH,
  harbor: HARBOR_HOOK_PATH,
};

function describeEvent(request: PromotionRequest): string {
  const { registry, repository, tag } = request.source;
  return `${registry ?? ''}/${repository}${tag === undefined ? '' : `:${tag}`}`;
}

/** The environment the registry belongs to and its registry host; a missing one is a config error. */
function sendingEnvironment(
  config: FerryConfig,
  trigger: RegistryTrigger,
): { name: string; registry: string } {
  const name = config.triggers[trigger].environment;
  const environment = name === undefined ? undefined : config.environments[name];
  if (name === undefined || environment === undefined) {
    throw new FerryError(
      ErrorCode.Config,
      `triggers.${trigger}.environment does not name a configured environment`,
    );
  }
  return { name, registry: environment.registry };
}

export function registerRegistryHookRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { config, admission } = ctx;

  for (const trigger of ['distribution', 'harbor'] as const) {
    const settings = config.triggers[trigger];
    if (!settings.enabled) continue;

    const checkAuthorization = async (request: FastifyRequest) => {
      const refs = settings.authorization === undefined ? [] : [settings.authorization];
      const [expected = ''] = await resolveSecrets(refs, `triggers.${trigger}.authorization`, ctx.secrets);
      if (!staticHeaderMatches(request.headers.authorization, expected)) {
        throw new TriggerError(
          TriggerErrorCode.Unauthorized,
          'the Authorization header is missing or not valid',
          {
            fields: ['authorization'],
          },
        );
      }
    };

    app.post(PATHS[trigger], { onRequest: checkAuthorization }, async (request, reply) => {
      const environment = sendingEnvironment(config, trigger);
      const body: RegistryHookResult = { promotions: [], ignored: [] };
      let candidates: PromotionRequest[];
      try {
        const value = parseRequestBody(request, ['json'], ctx.bodyLimit);
        candidates = PARSERS[trigger](value, { registryHost: environment.registry });
      } catch (err) {
        if (!(err instanceof TriggerError)) throw err;
        request.log.warn({ trigger, code: err.code, reason: err.message }, 'registry notification ignored');
        body.ignored.push({ code: err.code, reason: err.message });
        return reply.code(200).send(body);
      }

      for (const candidate of candidates) {
        const promotion: PromotionRequest = {
          ...candidate,
          source: { ...candidate.source, environment: environment.name },
        };
        const event = describeEvent(promotion);
        try {
          const resolved = admission.resolve(promotion);
          const actor = { name: promotion.trigger.actor, kind: 'registry' as const };
          const { result, replayed } = await admission.accept(resolved, actor);
          const promotionId = result.promotion.id;
          if (replayed) {
            request.log.info({ trigger, event, promotionId }, 'registry event already received');
            const reason = `event already received; it created promotion ${promotionId}`;
            body.ignored.push({ event, code: TriggerErrorCode.DuplicateDelivery, reason });
            continue;
          }
          request.log.info(
            { trigger, event, promotionId, created: result.created },
            'promotion requested by registry push',
          );
          const url = promotionUrl(config.server, request, promotionId);
          const view = await ctx.views.one(result.promotion);
          body.promotions.push({ promotion: view, url, created: result.created });
        } catch (err) {
          if (err instanceof TriggerNotAllowedError) {
            // The rule exists but did not opt into registry events: worth a line, since whoever pushed
            // may have expected a promotion (issue 13: pushes must not reach production by default).
            request.log.info(
              { trigger, rule: err.rule, event, reason: err.message },
              'registry push not promoted: the rule does not accept registry events',
            );
            body.ignored.push({ event, code: err.code, reason: err.message });
            continue;
          }
          if (err instanceof PromotionError && err.code === PromotionErrorCode.NoRule) {
            // Most pushes are of images no rule promotes: routine, not a warning.
            request.log.debug({ trigger, event }, 'registry push matches no promotion rule');
            body.ignored.push({ event, code: err.code, reason: 'no promotion rule applies' });
            continue;
          }
          const response = toErrorResponse(err, request.id, ctx.bodyLimit);
          if (RETRYABLE_STATUSES.has(response.status)) throw err;
          if (response.internal) request.log.error({ err, trigger, event }, 'registry push failed');
          else
            request.log.warn(
              { trigger, event, code: response.body.code, reason: response.body.message },
              'registry push ignored',
            );
          body.ignored.push({ event, code: response.body.code, reason: response.body.message });
        }
      }
      const created = body.promotions.some((accepted) => accepted.created);
      return reply.code(created ? 202 : 200).send(body);
    });
  }
}
