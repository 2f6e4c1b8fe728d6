/**
 * Rerun and rollback: new promotions made from recorded ones, under the rule as configured now (a rule
 * that is gone cannot be repeated; its approvals apply again).
 *
 * - rerun repeats a failed, cancelled or rejected promotion: the same pinned digest to the same tag (a
 *   rerun of a rollback is a rollback again).
 * - rollback to promotion P makes the tag that moves point at P's digest again: the rule's release tag,
 *   or, for a rule without one and with mutable tags, P's destination tag. Immutable tags never move, so
 *   an immutable rule without a release tag cannot roll back. The digest is taken from the destination
 *   repository (P put it there): no access to non-prod is needed, which matters because a rollback is
 *   most needed after non-prod was cleaned up. See docs/releases.md.
 */
import type { Repository } from '../../registry/repository.ts';
import { tagAllowed } from '../config/match-rule.ts';
import type { PromotionRule } from '../config/schema.ts';
import type { NewPromotion, Promotion, PromotionStatus } from '../store/promotion.ts';
import { type EngineContext, ruleNamed } from './engine-context.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import { type Actor, actorKeyOf } from './promotion-service.ts';

const RERUNNABLE: readonly PromotionStatus[] = ['failed', 'cancelled', 'rejected'];

function currentRule(ctx: EngineContext, name: string): PromotionRule {
  const rule = ruleNamed(ctx.config, name);
  if (rule === undefined)
    throw new PromotionError(PromotionErrorCode.NoRule, `rule "${name}" is no longer configured`);
  return rule;
}

function approvalsOf(rule: PromotionRule): Pick<NewPromotion, 'approvalsRequired' | 'status'> {
  const required = rule.approvals.required;
  return { approvalsRequired: required, status: required > 0 ? 'awaiting_approval' : 'queued' };
}

export function planRerun(ctx: EngineContext, promotion: Promotion, actor: Actor): NewPromotion {
  if (!RERUNNABLE.includes(promotion.status)) {
    throw new PromotionError(
      PromotionErrorCode.Conflict,
      `promotion ${promotion.id} is ${promotion.status}; only failed, cancelled or rejected promotions can be rerun`,
    );
  }
  const rule = currentRule(ctx, promotion.rule);
  const rollback = promotion.kind === 'rollback';
  if (!rollback && promotion.source.tag !== null && !tagAllowed(rule, promotion.source.tag)) {
    throw new PromotionError(
      PromotionErrorCode.TagNotAllowed,
      `tag ${JSON.stringify(promotion.source.tag)} is no longer allowed by rule "${rule.name}"`,
    );
  }
  return {
    kind: rollback ? 'rollback' : 'rerun',
    rule: rule.name,
    source: { ...promotion.source },
    destination: { ...promotion.destination },
    releaseTag: rollback ? null : (rule.releaseTag ?? null),
    requestedBy: actor.name,
    requesterKey: actorKeyOf(actor),
    // Reruns and rollbacks are API operations, whatever triggered the original.
    triggerKind: 'api',
    ...approvalsOf(rule),
    gitCommit: promotion.gitCommit,
    labels: promotion.labels,
    rerunOf: promotion.id,
    rollbackOf: promotion.rollbackOf,
  };
}

export interface RollbackPlan {
  readonly input: NewPromotion;
  /** The digest the moving tag points at now (replaced by the rollback); undefined if the tag is absent. */
  readonly replaces: string | undefined;
}

/** The tag a rollback under `rule` moves for `promotion`, or why there is none. */
export function rollbackTag(rule: PromotionRule, promotion: Promotion): string {
  if (rule.releaseTag !== undefined) return rule.releaseTag;
  if (rule.immutableTags) {
    const { registry, repository, tag } = promotion.destination;
    throw new PromotionError(
      PromotionErrorCode.NotRollbackable,
      `rule "${rule.name}" keeps tags immutable and has no releaseTag: ${registry}/${repository}:${tag} never moves, so there is nothing to roll back (give the rule a releaseTag, see docs/releases.md)`,
    );
  }
  return promotion.destination.tag;
}

/**
 * Plans "point the moving tag at `promotion`'s digest again". `destination` is the promotion's
 * destination repository: the digest must still be there (409 DigestGone) and the tag must not already
 * point at it (409 AlreadyCurrent).
 */
export async function planRollback(
  ctx: EngineContext,
  promotion: Promotion,
  actor: Actor,
  destination: Repository,
): Promise<RollbackPlan> {
  if (promotion.status !== 'succeeded') {
    throw new PromotionError(
      PromotionErrorCode.Conflict,
      `promotion ${promotion.id} is ${promotion.status}; only a succeeded promotion's digest can be rolled back to`,
    );
  }
  const rule = currentRule(ctx, promotion.rule);
  const tag = rollbackTag(rule, promotion);
  const digest = promotion.resultDigest ?? promotion.source.digest;
  const where = `${promotion.destination.registry}/${promotion.destination.repository}`;
  const [current, present] = await Promise.all([
    destination.headManifest(tag),
    destination.headManifest(digest),
  ]);
  if (present === undefined) {
    throw new PromotionError(
      PromotionErrorCode.DigestGone,
      `${where}@${digest} (promoted by ${promotion.id}) is no longer in the destination registry: it cannot be rolled back to`,
    );
  }
  if (current?.digest === digest) {
    throw new PromotionError(
      PromotionErrorCode.AlreadyCurrent,
      `${where}:${tag} already points at ${digest} (promoted by ${promotion.id})`,
    );
  }
  const { destination: to } = promotion;
  return {
    input: {
      kind: 'rollback',
      rule: rule.name,
      // The destination repository is the source: the digest is taken from where it was promoted to.
      source: {
        environment: to.environment,
        registry: to.registry,
        repository: to.repository,
        tag: null,
        digest,
      },
      destination: { ...to, tag },
      releaseTag: null,
      requestedBy: actor.name,
      requesterKey: actorKeyOf(actor),
      triggerKind: 'api',
      ...approvalsOf(rule),
      gitCommit: promotion.gitCommit,
      labels: promotion.labels,
      rollbackOf: promotion.id,
    },
    replaces: current?.digest,
  };
}
