/**
 * What every trigger route does once it holds an authenticated, parsed PromotionRequest: find the
 * promotion rule that applies, then hand the request to `PromotionService.accept`. A request no rule
 * covers is refused before the service is asked, with the engine's own NoRule error, so the answer is
 * the same whichever layer notices.
 *
 * Matching here is a pre-check with the same pure `matchRule` the engine uses: it lets the HTTP layer
 * refuse early, check a token's rule scope, and skip irrelevant registry pushes. The engine matches
 * again at acceptance and stays the authority (tag pattern, signatures, approvals are its business).
 *
 * Delivery ids (`trigger.deliveryId`) are de-duplicated by the engine, durably and in the same
 * transaction that records the promotion (promote/record-promotion.ts): a redelivery comes back from
 * accept as the promotion it created, `created: false`. This module only recognises that case, so the
 * route can answer it as a replay (409 carrying the promotion, which `ferry trigger` treats like 200).
 */
import { matchRule, type RuleMatch } from '../config/match-rule.ts';
import type { FerryConfig } from '../config/schema.ts';
import { PromotionError, PromotionErrorCode } from '../promote/promotion-error.ts';
import type { PromotionRequest } from '../promote/promotion-request.ts';
import type { AcceptResult, Actor, PromotionService } from '../promote/promotion-service.ts';

type RuleConfig = Pick<FerryConfig, 'environments' | 'promotions'>;

/**
 * matchRule, plus the case it leaves to its caller: a source that names neither environment nor
 * registry (`ferry trigger --image team-a/app` without `--from`), where "the matching rule decides".
 * Rules are then tried in config order, each with its own source environment, so the first rule whose
 * pattern fits wins, exactly as when the environment is given.
 */
export function matchRequest(config: RuleConfig, request: PromotionRequest): RuleMatch | undefined {
  const { source, destination } = request;
  if (source.environment !== undefined || source.registry !== undefined) {
    return matchRule(config, source, destination);
  }
  for (const rule of config.promotions) {
    const found = matchRule(config, { ...source, environment: rule.from.environment }, destination);
    if (found?.rule === rule) return found;
  }
  return undefined;
}

export interface PreparedRequest {
  /** The request, with the source environment filled in when it named neither environment nor registry. */
  readonly request: PromotionRequest;
  readonly match: RuleMatch;
}

export interface Admitted {
  readonly result: AcceptResult;
  /** The request's delivery id had already been accepted: this is the promotion that delivery created. */
  readonly replayed: boolean;
}

export interface Admission {
  /** The rule that applies to the request, or undefined. */
  match(request: PromotionRequest): RuleMatch | undefined;
  /** The rule that applies and the request as the service gets it, or PromotionError NoRule (404). */
  prepare(request: PromotionRequest): PreparedRequest;
  accept(request: PromotionRequest, actor: Actor): Promise<Admitted>;
}

export interface AdmissionDeps {
  readonly config: RuleConfig;
  readonly service: Pick<PromotionService, 'accept'>;
}

function describeSide(side: {
  environment?: string | undefined;
  registry?: string | undefined;
  repository?: string | undefined;
}): string {
  const where = [side.environment, side.registry].filter((part) => part !== undefined).join(' at ');
  const what = side.repository ?? '(rule default)';
  return where === '' ? what : `${where}: ${what}`;
}

export function createAdmission(deps: AdmissionDeps): Admission {
  const match = (request: PromotionRequest) => matchRequest(deps.config, request);
  return {
    match,
    prepare(request) {
      const found = match(request);
      if (found === undefined) {
        const destination =
          request.destination === undefined ? '' : ` → ${describeSide(request.destination)}`;
        throw new PromotionError(
          PromotionErrorCode.NoRule,
          `no promotion rule applies to ${describeSide(request.source)}${destination}`,
        );
      }
      const { source } = request;
      if (source.environment !== undefined || source.registry !== undefined) return { request, match: found };
      // The rule's source environment is pinned, so the service resolves the same rule.
      return {
        request: { ...request, source: { ...source, environment: found.source.environment } },
        match: found,
      };
    },
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
