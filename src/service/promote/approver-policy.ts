/**
 * Who may decide on a promotion awaiting approval. Roles (may this token approve at all, for this rule)
 * are the HTTP layer's business (api-tokens.ts tokenAllows); what depends on the promotion is decided
 * here: the rule's `approvers` list, and four eyes — the requester does not approve their own promotion
 * unless the rule sets `allowSelfApproval`. Distinctness of approvers is the store's (one decision per
 * approver and promotion).
 */
import type { PromotionRule } from '../config/schema.ts';
import type { Promotion } from '../store/promotion.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import type { Actor } from './promotion-service.ts';

export function checkApprover(
  rule: Pick<PromotionRule, 'name' | 'approvals'>,
  promotion: Pick<Promotion, 'id' | 'requestedBy'>,
  actor: Actor,
  decision: 'approve' | 'reject',
): void {
  const { approvers, allowSelfApproval } = rule.approvals;
  if (approvers !== undefined && !approvers.includes(actor.name)) {
    throw new PromotionError(
      PromotionErrorCode.Forbidden,
      `${actor.name} is not an approver of rule "${rule.name}" (approvers: ${approvers.join(', ')})`,
    );
  }
  // Withdrawing one's own request by rejecting it is harmless; only approving it needs the second pair of eyes.
  if (decision === 'approve' && !allowSelfApproval && actor.name === promotion.requestedBy) {
    throw new PromotionError(
      PromotionErrorCode.Forbidden,
      `${actor.name} requested promotion ${promotion.id} and cannot approve it (rule "${rule.name}" needs other approvers)`,
    );
  }
}
