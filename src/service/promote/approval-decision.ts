/**
 * Approve or reject a promotion awaiting approval. Each approver decides once (the store keeps one
 * decision per approver, so "n approvals" means n distinct people): a second decision changes nothing,
 * is recorded in the audit trail as ignored, and is refused with 409 ALREADY_DECIDED, so a client
 * never mistakes it for a decision that counted. The approval that reaches the number the promotion was
 * accepted with queues it and enqueues its job; a rejection ends it.
 *
 * The required number is the one pinned on the promotion at acceptance: editing the rule later neither
 * strands nor waves through promotions already waiting.
 */

import { listApprovals, recordApproval } from '../store/approval-store.ts';
import type { Promotion } from '../store/promotion.ts';
import { checkApprover } from './approver-policy.ts';
import { AuditKind } from './audit-kinds.ts';
import { type EngineContext, ruleNamed } from './engine-context.ts';
import { PROMOTE_JOB, type PromoteJobPayload, promoteDedupeKey } from './promote-job.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import { lockPromotion } from './promotion-lock.ts';
import type { Actor } from './promotion-service.ts';
import { asPromotionError } from './store-errors.ts';
import { UpdateBatch } from './update-batch.ts';

export interface DecisionResult {
  readonly promotion: Promotion;
  /** True when this decision queued the promotion (wake the workers). */
  readonly enqueued: boolean;
}

function alreadyDecided(promotion: Promotion, actor: Actor): PromotionError {
  return new PromotionError(
    PromotionErrorCode.AlreadyDecided,
    `"${actor.name}" has already decided on promotion ${promotion.id}; each approver decides once and the first decision stands`,
  );
}

function notAwaiting(promotion: Promotion, decision: string): PromotionError {
  return new PromotionError(
    PromotionErrorCode.Conflict,
    `promotion ${promotion.id} is ${promotion.status}; only a promotion awaiting approval can be ${decision}d`,
  );
}

export async function decideApproval(
  ctx: EngineContext,
  id: string,
  actor: Actor,
  decision: 'approve' | 'reject',
  comment: string | undefined,
): Promise<DecisionResult> {
  const batch = new UpdateBatch();
  let result: DecisionResult & { readonly repeated?: boolean };
  try {
    result = await ctx.db.transaction(async (tx): Promise<DecisionResult & { repeated?: boolean }> => {
      const promotion = await lockPromotion(tx, id);
      if (promotion.status !== 'awaiting_approval') {
        // A retried approval whose first attempt already moved the promotion on: say so, not "queued".
        const decided = (await listApprovals(tx, [id])).get(id) ?? [];
        if (decided.some((a) => a.approver === actor.name)) throw alreadyDecided(promotion, actor);
        throw notAwaiting(promotion, decision);
      }
      const rule = ruleNamed(ctx.config, promotion.rule);
      if (rule === undefined) {
        throw new PromotionError(
          PromotionErrorCode.NoRule,
          `rule "${promotion.rule}" is no longer configured`,
        );
      }
      checkApprover(rule, promotion, actor, decision);
      const tally = await recordApproval(tx, { promotionId: id, approver: actor.name, decision, comment });
      const digest = promotion.source.digest;
      if (!tally.recorded) {
        await batch.audit(tx, {
          promotionId: id,
          actor: actor.name,
          kind: AuditKind.ApprovalIgnored,
          digest,
          outcome: 'ignored',
          detail: { decision, reason: 'this approver has already decided', approvals: tally.approvals },
        });
        return { promotion, enqueued: false, repeated: true };
      }
      const detail = {
        approvals: tally.approvals,
        required: promotion.approvalsRequired,
        ...(comment === undefined ? {} : { comment }),
      };
      if (decision === 'reject') {
        const rejected = await batch.transition(tx, id, ['awaiting_approval'], 'rejected', {
          reason: `rejected by ${actor.name}${comment ? `: ${comment}` : ''}`,
        });
        await batch.audit(tx, {
          promotionId: id,
          actor: actor.name,
          kind: AuditKind.Rejected,
          digest,
          outcome: 'rejected',
          detail,
        });
        return { promotion: rejected, enqueued: false };
      }
      await batch.audit(tx, {
        promotionId: id,
        actor: actor.name,
        kind: AuditKind.Approved,
        digest,
        outcome: 'ok',
        detail,
      });
      if (tally.approvals < promotion.approvalsRequired) return { promotion, enqueued: false };
      const queued = await batch.transition(tx, id, ['awaiting_approval'], 'queued', { reason: null });
      await ctx.queue.enqueue<PromoteJobPayload>(
        PROMOTE_JOB,
        { promotionId: id },
        { tx, dedupeKey: promoteDedupeKey(id) },
      );
      return { promotion: queued, enqueued: true };
    });
  } catch (err) {
    if (err instanceof PromotionError && err.code === PromotionErrorCode.Forbidden) {
      // Refused attempts belong in the trail too (who tried to wave what through); outside the
      // transaction, which rolled back.
      const refused = await new UpdateBatch()
        .audit(ctx.db, {
          promotionId: id,
          actor: actor.name,
          kind: AuditKind.ApprovalRefused,
          outcome: 'forbidden',
          detail: { decision, reason: err.message },
        })
        .catch(() => undefined);
      if (refused) ctx.events.publish({ type: 'audit', event: refused });
    }
    throw asPromotionError(err);
  }
  batch.publish(ctx.events);
  // Refused after the transaction committed, so the ignored decision stays in the audit trail.
  if (result.repeated === true) throw alreadyDecided(result.promotion, actor);
  return { promotion: result.promotion, enqueued: result.enqueued };
}
