/**
 * Where a promotion can be read, as returned to clients (`url`, `Location`): under the configured
 * `server.publicUrl` when there is one (behind a route or ingress the request's own Host and scheme are
 * the proxy's view, not the client's), else built from the request.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { promotionPath } from '../../api/paths.ts';
import type { AcceptedBody, ReplayedBody } from '../../api/promotion-responses.ts';
import { TriggerErrorCode } from '../../api/trigger-error.ts';
import type { ServerConfig } from '../config/schema.ts';
import type { AcceptResult } from '../promote/promotion-service.ts';
import type { Admitted } from './admission.ts';
import { toPromotionView } from './promotion-view.ts';
import type { RouteContext } from './route-context.ts';

export function promotionUrl(
  server: Pick<ServerConfig, 'publicUrl'>,
  request: FastifyRequest,
  id: string,
): string {
  const base = server.publicUrl ?? `${request.protocol}://${request.host}`;
  return `${base}${promotionPath(id)}`;
}

export type { AcceptedBody, ReplayedBody };

/**
 * 202 + Location for a new promotion, 200 for the existing equal one (idempotent acceptance), and 409
 * for a replayed delivery id — with the promotion in the body, so `ferry trigger` retrying a delivery
 * whose answer it lost still learns the promotion, while a replay is a 4xx.
 */
export async function replyAccepted(
  ctx: Pick<RouteContext, 'config' | 'views'>,
  request: FastifyRequest,
  reply: FastifyReply,
  admitted: Admitted | AcceptResult,
): Promise<AcceptedBody | ReplayedBody> {
  const { result, replayed, deliveryId } =
    'result' in admitted ? admitted : { result: admitted, replayed: false, deliveryId: undefined };
  const url = promotionUrl(ctx.config.server, request, result.promotion.id);
  // A promotion this request created has no approvals yet: the view needs no read for them (one
  // statement per trigger on the hot path of every webhook).
  const promotion =
    result.created && !replayed
      ? toPromotionView(result.promotion, [])
      : await ctx.views.one(result.promotion);
  reply.header('location', url);
  if (!replayed) {
    reply.code(result.created ? 202 : 200);
    return { promotion, url, created: result.created };
  }
  reply.code(409);
  return {
    code: TriggerErrorCode.DuplicateDelivery,
    message: `delivery ${JSON.stringify(deliveryId ?? result.promotion.deliveryId)} was already received; this is the promotion it led to`,
    promotion,
    url,
    created: false,
  };
}
