/**
 * Who may decide on a promotion awaiting approval. Roles (may this identity approve at all, for this
 * rule) are the HTTP layer's business (config/identity.ts); what depends on the promotion is decided
 * here: the rule's `approvers` list (API tokens by name, people by group, email or subject:
 * config/approver-schema.ts), and four eyes — the requester does not approve their own promotion unless
 * the rule sets `allowSelfApproval`. Both compare identities, never display names: two people shown as
 * `alice@example.com (oidc)` are two identities, and a person whose address changed is still the one
 * with the same OpenID Connect `sub`. Distinctness of approvers is the store's (one decision per
 * approver key and promotion).
 */
import { approverMatcher, formatApprover } from '../config/approver-schema.ts';
import { matchesClaims } from '../config/role-mapping.ts';
import type { PromotionRule } from '../config/schema.ts';
import type { Promotion } from '../store/promotion.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import { type Actor, actorKeyOf } from './promotion-service.ts';

/**
 * Whether `actor` is the identity that requested `promotion`. Promotions recorded before ferry kept the
 * requester's key (store migration 10) are compared by the name shown, as they were then.
 */
export function isRequester(
  promotion: Pick<Promotion, 'requestedBy' | 'requesterKey'>,
  actor: Actor,
): boolean {
  return promotion.requesterKey === null
    ? promotion.requestedBy === actor.name
    : promotion.requesterKey === actorKeyOf(actor);
}

/** Whether the rule's `approvers` list names `actor` (a token by name, a person by claims). */
function listed(approvers: NonNullable<PromotionRule['approvals']['approvers']>, actor: Actor): boolean {
  return approvers.some((entry) => {
    if (entry.kind === 'token') return actor.kind === 'token' && actor.name === entry.value;
    const matcher = approverMatcher(entry);
    return actor.person !== undefined && matcher !== undefined && matchesClaims(matcher, actor.person);
  });
}

export function checkApprover(
  rule: Pick<PromotionRule, 'name' | 'approvals'>,
  promotion: Pick<Promotion, 'id' | 'requestedBy' | 'requesterKey'>,
  actor: Actor,
  decision: 'approve' | 'reject',
): void {
  const { approvers, allowSelfApproval } = rule.approvals;
  if (approvers !== undefined && !listed(approvers, actor)) {
    throw new PromotionError(
      PromotionErrorCode.Forbidden,
      `${actor.name} is not an approver of rule "${rule.name}" (approvers: ${approvers.map(formatApprover).join(', ')})`,
    );
  }
  // Withdrawing one's own request by rejecting it is harmless; only approving it needs the second pair of eyes.
  if (decision === 'approve' && !allowSelfApproval && isRequester(promotion, actor)) {
    throw new PromotionError(
      PromotionErrorCode.Forbidden,
      `${actor.name} requested promotion ${promotion.id} and cannot approve it (rule "${rule.name}" needs other approvers)`,
    );
  }
}
