/**
 * What every trigger route does once it holds an authenticated, parsed PromotionRequest: resolve it
 * (promote/resolve-request.ts: the rule, both sides, the tag, whether the trigger may ask for that rule)
 * and hand the resolved request to `PromotionService.accept`, which takes it as is. Matching happens
 * here, once; a request no rule covers (or whose trigger its rule does not accept) is refused before
 * the service is asked, with one error format whichever trigger sent it.
 *
 * Delivery ids (`trigger.deliveryId`) are de-duplicated by the engine, durably and in the same
 * transaction that records the promotion (promote/record-promotion.ts): a redelivery comes back from
 * accept as the promotion it created, `created: false`. This module only recognises that case, so the
 * route can answer it as a replay (409 carrying the promotion, which `ferry trigger` treats like 200).
 */
import type { FerryConfig } from '../config/schema.ts';
import type { PromotionRequest } from '../promote/promotion-request.ts';
import type { AcceptResult, Actor, PromotionService } from '../promote/promotion-service.ts';
import { type ResolvedRequest, resolveRequest } from '../promote/resolve-request.ts';

export interface Admitted {
  readonly result: AcceptResult;
  /** The request's delivery id had already been accepted: this is the promotion that delivery created. */
  readonly replayed: boolean;
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
      const { kind, deliveryId } = request.trigger;
      const replayed =
        !result.created &&
        deliveryId !== undefined &&
        result.promotion.deliveryId === deliveryId &&
        result.promotion.triggerKind === kind;
      return { result, replayed };
    },
  };
}
