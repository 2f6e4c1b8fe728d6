/**
 * Body of `POST /api/v1/promotions` (declared in api/promotion-request.ts), turned into a
 * PromotionRequest. Authentication with a bearer API token happens in the HTTP layer, which passes the
 * token's name in as the actor.
 */

import { canonicalRegistryHost } from '../../api/field-rules.ts';
import { parseWithSchema } from '../../api/field-schemas.ts';
import { type PromotionRequestBody, promotionRequestBodySchema } from '../../api/promotion-request.ts';
import type { PromotionRequest, PromotionSide } from '../promote/promotion-request.ts';
import { compact } from './compact.ts';

/** What a client of `POST /api/v1/promotions` sends. */
export type RestPromotionBody = PromotionRequestBody;

export interface RestPromotionOptions {
  /** Name of the API token that authenticated the request. */
  readonly actor: string;
  /** Idempotency key supplied by the client, if the HTTP layer accepts one. */
  readonly deliveryId?: string | undefined;
}

/** Validates a parsed REST body (see parse-body.ts) and turns it into a PromotionRequest, or throws 400. */
export function parseRestPromotionBody(value: unknown, options: RestPromotionOptions): PromotionRequest {
  const body = parseWithSchema(promotionRequestBodySchema, value, 'promotion request');
  const source: PromotionSide = compact({
    ...body.source,
    registry: body.source.registry === undefined ? undefined : canonicalRegistryHost(body.source.registry),
  });
  const destination =
    body.destination === undefined
      ? undefined
      : compact({
          ...body.destination,
          registry:
            body.destination.registry === undefined
              ? undefined
              : canonicalRegistryHost(body.destination.registry),
        });
  return {
    source,
    ...(destination === undefined || Object.keys(destination).length === 0 ? {} : { destination }),
    trigger: {
      kind: 'api',
      actor: options.actor,
      ...(options.deliveryId === undefined ? {} : { deliveryId: options.deliveryId }),
    },
    ...(body.gitCommit === undefined ? {} : { gitCommit: body.gitCommit.toLowerCase() }),
    ...(body.labels === undefined ? {} : { labels: body.labels }),
  };
}
