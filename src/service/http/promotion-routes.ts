/**
 * The promotions API, `/api/v1/promotions`, authenticated with bearer API tokens or a session (auth.ts):
 *
 *   POST /api/v1/promotions                   promote   202 {promotion, url, created} | 200 when it existed
 *   GET  /api/v1/promotions                   view      200 {promotions, nextCursor}   (filters:
 *                                                                  api/promotion-query.ts)
 *   GET  /api/v1/promotions/:id               view      200 {promotion, timeline}   (or a signed read,
 *                                                                  signed-read-auth.ts)
 *   GET  /api/v1/promotions/:id/events        view      200 text/event-stream (sse.ts)
 *   GET  /api/v1/events                       view      200 text/event-stream, every promotion (sse.ts)
 *   POST /api/v1/promotions/:id/approve       approve   200 {promotion, url}      body {comment?}
 *   POST /api/v1/promotions/:id/reject        approve   200 {promotion, url}      body {comment?}
 *   POST /api/v1/promotions/:id/cancel        promote   200 {promotion, url}   (admin for others' promotions)
 *   POST /api/v1/promotions/:id/rerun         promote   202 {promotion, url, created} | 200
 *   POST /api/v1/promotions/:id/rollback      promote   202 {promotion, url, created} | 200
 *
 * Role checks run before the body is read; a token scoped to some rules is checked against the rule the
 * request matched (POST) or the promotion's rule (actions), before the service is called. Whether the
 * approver is on the rule's `approvers` list, self-approval and state transitions are the service's
 * decisions (answered with PromotionError statuses).
 *
 * Shapes, paths and query parameters are the contract's (src/api/): requests are parsed with its
 * schemas once, here, and answers are built as its views (promotion-view.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseWithSchema } from '../../api/field-schemas.ts';
import { fastifyPath, PATHS } from '../../api/paths.ts';
import { listPromotionsQuerySchema } from '../../api/promotion-query.ts';
import { commentBodySchema } from '../../api/promotion-request.ts';
import type {
  PromotionDetailBody,
  PromotionLinkBody,
  PromotionPageBody,
} from '../../api/promotion-responses.ts';
import type { Action } from '../config/api-tokens.ts';
import type { AcceptResult, Actor, PromotionService } from '../promote/promotion-service.ts';
import type { Promotion } from '../store/promotion.ts';
import { parseRestPromotionBody } from '../triggers/rest-body.ts';
import { identityActor, requireAllowed, requireMayCancel } from './auth.ts';
import { notFound } from './errors.ts';
import { promotionUrl, replyAccepted } from './promotion-links.ts';
import { toAuditEventView, toBlobProgressView } from './promotion-view.ts';
import { hasBody, parseRequestBody } from './request-body.ts';
import { parseQuery } from './request-query.ts';
import type { RouteContext } from './route-context.ts';
import { createSignedReadAuth } from './signed-read-auth.ts';
import type { EventStreams } from './sse.ts';

/** Promotion ids are UUIDs; anything else cannot exist, and is refused before it reaches the store. */
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

interface IdParams {
  readonly id: string;
}

type Decision = 'approve' | 'reject' | 'cancel';
type Repeat = 'rerun' | 'rollback';

const DECISIONS: Readonly<Record<Decision, Action>> = {
  approve: 'approve',
  reject: 'approve',
  cancel: 'promote',
};
const REPEATS: Readonly<Record<Repeat, Action>> = { rerun: 'promote', rollback: 'promote' };

function decide(
  service: PromotionService,
  decision: Decision,
  id: string,
  actor: Actor,
  comment: string | undefined,
): Promise<Promotion> {
  if (decision === 'approve') return service.approve(id, actor, comment);
  if (decision === 'reject') return service.reject(id, actor, comment);
  return service.cancel(id, actor);
}

function repeat(service: PromotionService, what: Repeat, id: string, actor: Actor): Promise<AcceptResult> {
  return what === 'rerun' ? service.rerun(id, actor) : service.rollback(id, actor);
}

/** The `:id` parameter, checked; the request's log lines carry it as promotionId from here on. */
function promotionIdOf(request: FastifyRequest): string {
  const { id } = request.params as IdParams;
  if (!ID_RE.test(id)) throw notFound(`promotion ${JSON.stringify(id.slice(0, 80))} does not exist`);
  request.log = request.log.child({ promotionId: id });
  return id;
}

export function registerPromotionRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
  streams: EventStreams,
): void {
  const { service, auth, config, views } = ctx;

  /** The promotion, after checking that the token's rule scope covers it. */
  async function scopedPromotion(request: FastifyRequest, id: string, action: Action): Promise<Promotion> {
    const found = await service.get(id);
    if (found === undefined) throw notFound(`promotion ${JSON.stringify(id)} does not exist`);
    requireAllowed(auth.identityOf(request), action, found.promotion.rule);
    return found.promotion;
  }

  if (config.triggers.api.enabled) {
    app.post(PATHS.promotions, { onRequest: auth.require('promote') }, async (request, reply) => {
      const identity = auth.identityOf(request);
      const value = parseRequestBody(request, ['json'], ctx.bodyLimit);
      const promotionRequest = parseRestPromotionBody(value, { actor: identity.display });
      const resolved = ctx.admission.resolve(promotionRequest);
      requireAllowed(identity, 'promote', resolved.match.rule.name);
      const admitted = await ctx.admission.accept(resolved, identityActor(identity));
      const { promotion, created } = admitted.result;
      request.log = request.log.child({ promotionId: promotion.id });
      request.log.info({ rule: promotion.rule, created }, 'promotion requested');
      return replyAccepted(ctx, request, reply, admitted);
    });
  }

  app.get(
    PATHS.promotions,
    { onRequest: auth.require('view') },
    async (request): Promise<PromotionPageBody> => {
      const query = parseQuery(listPromotionsQuerySchema, request.query);
      const { createdAfter, createdBefore, ...rest } = query;
      const page = await service.list({
        ...rest,
        ...(createdAfter === undefined ? {} : { createdAfter: new Date(createdAfter) }),
        ...(createdBefore === undefined ? {} : { createdBefore: new Date(createdBefore) }),
      });
      return { promotions: await views.many(page.promotions), nextCursor: page.nextCursor ?? null };
    },
  );

  // Also readable with a Standard Webhooks signature: how `ferry trigger --wait` follows its promotion.
  const signedRead = createSignedReadAuth(ctx);
  app.get(
    fastifyPath(PATHS.promotion),
    { onRequest: signedRead.orToken(auth.require('view')) },
    async (request): Promise<PromotionDetailBody> => {
      const id = promotionIdOf(request);
      const found = await service.get(id);
      if (found === undefined) throw notFound(`promotion ${JSON.stringify(id)} does not exist`);
      signedRead.requireReadable(request, found.promotion, found.timeline);
      return {
        promotion: await views.one(found.promotion),
        timeline: found.timeline.map(toAuditEventView),
        blobs: (await service.blobs(id)).map(toBlobProgressView),
      };
    },
  );

  // No automatic HEAD route: it would open (and hold) a stream to send no body.
  app.get(
    fastifyPath(PATHS.promotionEvents),
    { onRequest: auth.require('view'), exposeHeadRoute: false },
    async (request, reply) => {
      await streams.handle(request, reply, promotionIdOf(request));
    },
  );

  // Every promotion's status changes, for the dashboard's live list.
  app.get(
    PATHS.events,
    { onRequest: auth.require('view'), exposeHeadRoute: false },
    async (request, reply) => {
      streams.handleAll(request, reply);
    },
  );

  for (const [decision, action] of Object.entries(DECISIONS) as [Decision, Action][]) {
    app.post(
      fastifyPath(PATHS[decision]),
      { onRequest: auth.require(action) },
      async (request): Promise<PromotionLinkBody> => {
        const id = promotionIdOf(request);
        const comment =
          decision !== 'cancel' && hasBody(request)
            ? parseWithSchema(commentBodySchema, parseRequestBody(request, ['json'], ctx.bodyLimit), decision)
                .comment
            : undefined;
        const found = await scopedPromotion(request, id, action);
        const identity = auth.identityOf(request);
        if (decision === 'cancel') requireMayCancel(identity, found);
        const promotion = await decide(service, decision, id, identityActor(identity), comment);
        request.log.info(
          { decision, status: promotion.status },
          `promotion ${decision} by ${identity.display}`,
        );
        return {
          promotion: await views.one(promotion),
          url: promotionUrl(config.server, request, promotion.id),
        };
      },
    );
  }

  for (const [what, action] of Object.entries(REPEATS) as [Repeat, Action][]) {
    app.post(fastifyPath(PATHS[what]), { onRequest: auth.require(action) }, async (request, reply) => {
      const id = promotionIdOf(request);
      await scopedPromotion(request, id, action);
      const identity = auth.identityOf(request);
      const result = await repeat(service, what, id, identityActor(identity));
      request.log.info(
        {
          [what === 'rerun' ? 'rerunPromotionId' : 'rollbackPromotionId']: result.promotion.id,
          created: result.created,
        },
        `promotion ${what} requested by ${identity.display}`,
      );
      return replyAccepted(ctx, request, reply, result);
    });
  }
}
