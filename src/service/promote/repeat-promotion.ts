/**
 * Rerun and rollback: new promotions made from recorded ones, under the rule as configured now (its
 * tag pattern and approvals apply again; a rule that is gone cannot be repeated).
 *
 * - rerun repeats a failed, cancelled or rejected promotion: the same pinned digest to the same tag.
 * - rollback promotes again the digest the destination tag had before its current one, taken from the
 *   tag's succeeded promotions (newest first: the first is current, the first different digest is the
 *   one to restore). Under an immutable-tags rule the tag can never have had another digest, and moving
 *   it back would be refused anyway, so the rollback is refused up front.
 */
import { tagAllowed } from '../config/match-rule.ts';
import type { PromotionRule } from '../config/schema.ts';
import type { NewPromotion, Promotion, PromotionStatus } from '../store/promotion.ts';
import { getPromotion, lastSucceededDigests } from '../store/promotion-store.ts';
import { type EngineContext, ruleNamed } from './engine-context.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import type { Actor } from './promotion-service.ts';

const RERUNNABLE: readonly PromotionStatus[] = ['failed', 'cancelled', 'rejected'];

/** How many of the tag's succeeded promotions to look through for an earlier digest. */
const ROLLBACK_HISTORY = 100;

function currentRule(ctx: EngineContext, name: string): PromotionRule {
  const rule = ruleNamed(ctx.config, name);
  if (rule === undefined)
    throw new PromotionError(PromotionErrorCode.NoRule, `rule "${name}" is no longer configured`);
  return rule;
}

/** A copy of `from`'s source, re-checked against the rule now in force, as a new promotion by `actor`. */
function repeat(
  rule: PromotionRule,
  from: Promotion,
  destination: Promotion['destination'],
  actor: Actor,
  provenance: { rerunOf?: string; rollbackOf?: string },
): NewPromotion {
  if (from.source.tag !== null && !tagAllowed(rule, from.source.tag)) {
    throw new PromotionError(
      PromotionErrorCode.TagNotAllowed,
      `tag ${JSON.stringify(from.source.tag)} is no longer allowed by rule "${rule.name}"`,
    );
  }
  const required = rule.approvals.required;
  return {
    rule: rule.name,
    source: { ...from.source },
    destination: { ...destination },
    requestedBy: actor.name,
    // Reruns and rollbacks are API operations, whatever triggered the original.
    triggerKind: 'api',
    approvalsRequired: required,
    status: required > 0 ? 'awaiting_approval' : 'queued',
    gitCommit: from.gitCommit,
    labels: from.labels,
    ...provenance,
  };
}

export function planRerun(ctx: EngineContext, promotion: Promotion, actor: Actor): NewPromotion {
  if (!RERUNNABLE.includes(promotion.status)) {
    throw new PromotionError(
      PromotionErrorCode.Conflict,
      `promotion ${promotion.id} is ${promotion.status}; only failed, cancelled or rejected promotions can be rerun`,
    );
  }
  return repeat(currentRule(ctx, promotion.rule), promotion, promotion.destination, actor, {
    rerunOf: promotion.id,
  });
}

export interface RollbackPlan {
  readonly input: NewPromotion;
  /** The promotion whose digest is restored. */
  readonly restores: Promotion;
  /** The digest the tag points at now (replaced by the rollback). */
  readonly replaces: string;
}

export async function planRollback(
  ctx: EngineContext,
  promotion: Promotion,
  actor: Actor,
): Promise<RollbackPlan> {
  const rule = currentRule(ctx, promotion.rule);
  const { registry, repository, tag } = promotion.destination;
  const where = `${registry}/${repository}:${tag}`;
  if (rule.immutableTags) {
    throw new PromotionError(
      PromotionErrorCode.Conflict,
      `rule "${rule.name}" keeps tags immutable: ${where} cannot be moved back`,
    );
  }
  const history = await lastSucceededDigests(ctx.db, promotion.destination, ROLLBACK_HISTORY);
  const current = history[0];
  if (current === undefined) {
    throw new PromotionError(PromotionErrorCode.NoPrevious, `nothing was ever promoted to ${where}`);
  }
  const previous = history.find((entry) => entry.digest !== current.digest);
  if (previous === undefined) {
    throw new PromotionError(
      PromotionErrorCode.NoPrevious,
      `${where} has had no digest before ${current.digest}`,
    );
  }
  const restores = await getPromotion(ctx.db, previous.promotionId);
  if (restores === undefined) {
    throw new PromotionError(PromotionErrorCode.NotFound, `promotion ${previous.promotionId} not found`);
  }
  return {
    input: repeat(rule, restores, promotion.destination, actor, { rollbackOf: restores.id }),
    restores,
    replaces: current.digest,
  };
}
