/**
 * What every trigger route does once it holds an authenticated, parsed PromotionRequest: resolve it
 * (promote/resolve-request.ts: the rule, both sides, the tag, whether the trigger may ask for that rule)
 * and hand the resolved request to `PromotionService.accept`, which takes it as is. Matching happens
 * here, once; a request no rule covers (or whose trigger its rule does not accept) is refused before
 * the service is asked, with one error format whichever trigger sent it.
 *
 * Delivery ids (`trigger.deliveryId`) are de-duplicated by the engine, durably and in the same
 * transaction that records the promotion (promote/record-promotion.ts): a redelivery comes back from
 * accept as the promotion it led to, `replayed: true`. This module passes that on, so the route can
 * answer it as a replay (409 carrying the promotion, which `ferry trigger` treats like 200).
 */
import type { FerryConfig } from '../config/schema.ts';
import type { PromotionRequest } from '../promote/promotion-request.ts';
import type { AcceptResult, Actor, PromotionService } from '../promote/promotion-service.ts';
import { type ResolvedRequest, resolveRequest } from '../promote/resolve-request.ts';

export interface Admitted {
  readonly result: AcceptResult;
  /** The request's delivery id had already been accepted: this is the promotion that delivery led to. */
  readonly replayed: boolean;
  /** The request's delivery id, if its trigger has one. */
  readonly deliveryId?: string | undefined;
}

export interface Admission {
  /**
   * The request matched to its rule, or a PromotionError: NoRule (404), TriggerNotAllowed (403),
   * TagNotAllowed / InvalidRequest (422).
   */
  resolve(request: PromotionRequest): ResolvedRequest;
  accept(request: ResolvedRequest, actor: Actor): Promise<Admitted>;
}

export interface AdmissionDeps {
  readonly config: Pick<FerryConfig, 'environments' | 'promotions'>;
  readonly service: Pick<PromotionService, 'accept'>;
}

export function createAdmission(deps: AdmissionDeps): Admission {
  return {
    resolve: (request) => resolveRequest(deps.config, request),
    async accept(request, actor) {
      const result = await deps.service.accept(request, actor);
      // Whether the delivery created the promotion or matched an existing one, its id is remembered:
      // a second delivery with that id is a replay either way.
      return { result, replayed: result.replayed === true, deliveryId: request.trigger.deliveryId };
    },
  };
}
