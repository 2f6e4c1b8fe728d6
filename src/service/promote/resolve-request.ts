/**
 * The one place a PromotionRequest is matched to a rule: which rule applies, where the image goes, which
 * tag (and optionally digest) was asked for, and whether the request's trigger may ask for that rule.
 * Pure, so every refusal a caller can cause (4xx) is decided here and unit-tested without registries.
 *
 * Field values (repository, tag, digest, hosts) were already checked by the trigger that parsed the
 * request (triggers/field-schemas.ts, with src/reference's part validators); this checks only what a
 * request means as a whole. The HTTP layer calls it once per request (http/admission.ts) and hands the
 * ResolvedRequest to PromotionService.accept, which takes it as is: validate once, match once.
 *
 * The rule is chosen without looking at the trigger (first match in config order, as for every other
 * request); a trigger the chosen rule does not list is then refused. Skipping to a later rule instead
 * would let the same push land in a different place depending on who reported it.
 */
import { matchRule, type RuleMatch, tagAllowed } from '../config/match-rule.ts';
import { type RuleTrigger, ruleAllowsTrigger, ruleTriggerOf } from '../config/rule-triggers.ts';
import type { FerryConfig, PromotionRule } from '../config/schema.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import type { PromotionRequest, PromotionSide } from './promotion-request.ts';

type RuleConfig = Pick<FerryConfig, 'environments' | 'promotions'>;

/** A request matched to its rule: what PromotionService.accept takes. */
export interface ResolvedRequest {
  /** The rule, and both sides resolved to configured environments and registries. */
  readonly match: RuleMatch;
  /** The source tag, which is also the destination tag (promotion never renames tags). */
  readonly tag: string;
  /** A digest the request pinned itself; otherwise the tag is resolved at the source. */
  readonly digest: string | undefined;
  readonly trigger: PromotionRequest['trigger'];
  readonly gitCommit?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** TriggerNotAllowed (403), with the rule and trigger as fields so a caller can log them as such. */
export class TriggerNotAllowedError extends PromotionError {
  readonly rule: string;
  readonly trigger: RuleTrigger;

  constructor(rule: Pick<PromotionRule, 'name' | 'triggers'>, trigger: RuleTrigger) {
    super(
      PromotionErrorCode.TriggerNotAllowed,
      `rule "${rule.name}" does not accept the ${trigger} trigger (it accepts: ${rule.triggers.join(', ')}); add "${trigger}" to its triggers to allow it`,
    );
    this.rule = rule.name;
    this.trigger = trigger;
  }
}

function invalid(message: string): PromotionError {
  return new PromotionError(PromotionErrorCode.InvalidRequest, message);
}

/**
 * The first rule that applies. A source that names neither environment nor registry (`ferry trigger
 * --image team-a/app` without `--from`) lets "the matching rule decide": rules are tried in config order,
 * each with its own source environment, so the first rule whose pattern fits wins, exactly as when the
 * environment is given.
 */
function findRule(config: RuleConfig, request: PromotionRequest, tag: string): RuleMatch | undefined {
  const destination = request.destination ?? {};
  const hint = {
    environment: destination.environment,
    registry: destination.registry,
    repository: destination.repository,
  };
  const source = { ...request.source, tag };
  if (source.environment !== undefined || source.registry !== undefined) {
    return matchRule(config, source, hint);
  }
  for (const rule of config.promotions) {
    const found = matchRule(config, { ...source, environment: rule.from.environment }, hint);
    if (found?.rule === rule) return found;
  }
  return undefined;
}

/** `nonprod:team-a/app`, `registry.example/team-a/app`, or `team-a/app (any environment)`. */
function describeSource(side: PromotionSide): string {
  if (side.environment !== undefined) return `${side.environment}:${side.repository}`;
  if (side.registry !== undefined) return `${side.registry}/${side.repository}`;
  return `${side.repository} (any environment)`;
}

/** ` → prod`, ` → prod:apps/x`, ` → apps/x`, or nothing when the request left it to the rule. */
function describeDestination(side: Partial<PromotionSide> | undefined): string {
  const where = side?.environment ?? side?.registry;
  const what = side?.repository;
  if (where === undefined) return what === undefined ? '' : ` → ${what}`;
  if (what === undefined) return ` → ${where}`;
  return side?.environment !== undefined ? ` → ${where}:${what}` : ` → ${where}/${what}`;
}

/**
 * The rule, sides, tag and digest of `request`, or a PromotionError: InvalidRequest (422), NoRule (404),
 * TriggerNotAllowed (403), TagNotAllowed (422).
 */
export function resolveRequest(config: RuleConfig, request: PromotionRequest): ResolvedRequest {
  const { source } = request;
  const destination = request.destination ?? {};
  const tag = source.tag;
  if (tag === undefined) {
    // The destination tag is the source tag; without one there would be nothing to write in prod.
    throw invalid('source.tag is required: the destination is tagged with the source tag');
  }
  if (destination.tag !== undefined && destination.tag !== tag) {
    throw invalid(
      `destination.tag ${JSON.stringify(destination.tag)} differs from the source tag; promotion keeps the tag`,
    );
  }
  if (destination.digest !== undefined)
    throw invalid('destination.digest cannot be chosen; it is the source digest');

  const match = findRule(config, request, tag);
  if (match === undefined) {
    throw new PromotionError(
      PromotionErrorCode.NoRule,
      `no promotion rule applies to ${describeSource(source)}${describeDestination(request.destination)}`,
    );
  }
  const { rule } = match;
  if (!ruleAllowsTrigger(rule, request.trigger.kind)) {
    throw new TriggerNotAllowedError(rule, ruleTriggerOf(request.trigger.kind));
  }
  if (!tagAllowed(rule, tag)) {
    throw new PromotionError(
      PromotionErrorCode.TagNotAllowed,
      `tag ${JSON.stringify(tag)} is not allowed by rule "${rule.name}" (tags must match ${JSON.stringify(rule.tags)})`,
    );
  }
  return {
    match,
    tag,
    digest: source.digest,
    trigger: request.trigger,
    gitCommit: request.gitCommit,
    labels: request.labels,
  };
}
