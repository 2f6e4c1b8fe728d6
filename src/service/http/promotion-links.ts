/**
 * Where a promotion can be read, as returned to clients (`url`, `Location`): under the configured
 * `server.publicUrl` when there is one (behind a route or ingress the request's own Host and scheme are
 * the proxy's view, not the client's), else built from the request.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig } from '../config/schema.ts';
import type { AcceptResult } from '../promote/promotion-service.ts';
import type { Promotion } from '../store/promotion.ts';
import { TriggerErrorCode } from '../triggers/trigger-error.ts';
import type { Admitted } from './admission.ts';

export const PROMOTIONS_PATH = '/api/v1/promotions';

export function promotionUrl(
  server: Pick<ServerConfig, 'publicUrl'>,
  request: FastifyRequest,
  id: string,
): string {
  const base = server.publicUrl ?? `${request.protocol}://${request.host}`;
  return `${base}${PROMOTIONS_PATH}/${encodeURIComponent(id)}`;
}

export interface AcceptedBody {
  readonly promotion: Promotion;
  readonly url: string;
  readonly created: boolean;
}

/** A replayed delivery: an error body that still carries the promotion the first delivery created. */
export interface ReplayedBody extends AcceptedBody {
  readonly code: string;
  readonly message: string;
}

/**
 * 202 + Location for a new promotion, 200 for the existing equal one (idempotent acceptance), and 409
 * for a replayed delivery id — with the promotion in the body, so `ferry trigger` retrying a delivery
 * whose answer it lost still learns the promotion (trigger-contract.ts), while a replay is a 4xx.
 */
export function replyAccepted(
  server: Pick<ServerConfig, 'publicUrl'>,
  request: FastifyRequest,
  reply: FastifyReply,
  admitted: Admitted | AcceptResult,
): AcceptedBody | ReplayedBody {
  const { result, replayed, deliveryId } =
    'result' in admitted ? admitted : { result: admitted, replayed: false, deliveryId: undefined };
  const url = promotionUrl(server, request, result.promotion.id);
  const body = { promotion: result.promotion, url, created: result.created };
  reply.header('location', url);
  if (!replayed) {
    reply.code(result.created ? 202 : 200);
    return body;
  }
  reply.code(409);
  return {
    code: TriggerErrorCode.DuplicateDelivery,
    message: `delivery ${JSON.stringify(deliveryId ?? result.promotion.deliveryId)} was already received; this is the promotion it led to`,
    ...body,
  };
}
