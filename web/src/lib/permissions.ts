/**
 * Which actions to offer on a promotion: what `/api/v1/me` says the identity may do, and what the
 * promotion's status allows. Only a courtesy: the server checks the same (and more: approver lists,
 * self-approval) on every request, so a forced request is still refused.
 */
import type { MeBody } from '../../../src/api/identity.ts';
import type { PromotionAction } from '../../../src/api/paths.ts';
import type { PromotionView } from '../../../src/api/promotion.ts';
import { IN_FLIGHT_STATUSES, type PromotionStatus } from '../../../src/api/statuses.ts';

type RuleScope = MeBody['permissions']['promote'];

export function scopeCovers(scope: RuleScope, rule: string): boolean {
  return scope === '*' || scope.includes(rule);
}

const RERUNNABLE: readonly PromotionStatus[] = ['failed', 'cancelled', 'rejected'];

export interface ActionContext {
  /** Whether the rule can move a tag back (a release tag, or mutable tags); unknown: the release tag decides. */
  readonly rollbackable?: boolean | undefined;
}

export function allowedActions(
  me: MeBody,
  promotion: PromotionView,
  context: ActionContext = {},
): ReadonlySet<PromotionAction> {
  const { permissions, identity } = me;
  const actions = new Set<PromotionAction>();
  const mayPromote = scopeCovers(permissions.promote, promotion.rule);
  if (promotion.status === 'awaiting_approval' && scopeCovers(permissions.approve, promotion.rule)) {
    actions.add('approve');
    actions.add('reject');
  }
  if (IN_FLIGHT_STATUSES.includes(promotion.status) && mayPromote) {
    // By identity, as the server decides (a namesake is not the requester; a renamed person still is).
    const own =
      promotion.requesterKey === null
        ? promotion.requestedBy === identity.display
        : promotion.requesterKey === identity.key;
    if (own || permissions.admin) actions.add('cancel');
  }
  if (RERUNNABLE.includes(promotion.status) && mayPromote) actions.add('rerun');
  const rollbackable = context.rollbackable ?? promotion.releaseTag !== null;
  if (promotion.status === 'succeeded' && mayPromote && rollbackable) actions.add('rollback');
  return actions;
}
