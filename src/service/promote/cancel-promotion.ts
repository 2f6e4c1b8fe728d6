/**
 * Cancel: a promotion that has not started (queued, awaiting approval) is cancelled in the database and
 * its job, if any, finds it cancelled and ends. A running one is stopped first: on this replica by
 * aborting its copy (the worker then records `cancelled`); on another replica (PostgreSQL) by moving it
 * to cancelled here, which that worker notices at its next heartbeat and aborts. A copy that already
 * finished cannot be taken back: the caller gets a 409 naming the final state.
 */
import { type Promotion, type PromotionStatus, TERMINAL_STATUSES } from '../store/promotion.ts';
import { getPromotion } from '../store/promotion-query.ts';
import { AuditKind } from './audit-kinds.ts';
import type { EngineContext } from './engine-context.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import type { Actor } from './promotion-service.ts';
import { asPromotionError } from './store-errors.ts';
import { UpdateBatch } from './update-batch.ts';
import { forgetUploadSessions } from './upload-checkpoints.ts';
import type { RunningJob } from './worker-pool.ts';

const CANCELLABLE: readonly PromotionStatus[] = ['queued', 'awaiting_approval', 'running'];

async function cancelInDatabase(ctx: EngineContext, promotion: Promotion, actor: Actor): Promise<Promotion> {
  const batch = new UpdateBatch();
  const cancelled = await ctx.db.transaction(async (tx) => {
    const moved = await batch.transition(tx, promotion.id, [promotion.status], 'cancelled', {
      reason: `cancelled by ${actor.name}`,
    });
    await batch.audit(tx, {
      promotionId: promotion.id,
      actor: actor.name,
      kind: AuditKind.Cancelled,
      digest: promotion.source.digest,
      outcome: 'cancelled',
      detail: { while: promotion.status },
    });
    return moved;
  });
  batch.publish(ctx.events);
  // A promotion cancelled between two runs (queued for a retry) may have left upload checkpoints.
  await forgetUploadSessions(ctx, promotion.id);
  return cancelled;
}

export async function cancelPromotion(
  ctx: EngineContext,
  running: (id: string) => RunningJob | undefined,
  id: string,
  actor: Actor,
): Promise<Promotion> {
  // A few rounds: the status can move under us (the worker starting the copy just as we read "queued").
  for (let round = 0; round < 5; round++) {
    const promotion = await getPromotion(ctx.db, id);
    if (promotion === undefined)
      throw new PromotionError(PromotionErrorCode.NotFound, `promotion ${id} not found`);
    if (!CANCELLABLE.includes(promotion.status)) {
      throw new PromotionError(
        PromotionErrorCode.Conflict,
        `promotion ${id} is ${promotion.status}; it cannot be cancelled`,
      );
    }
    const local = promotion.status === 'running' ? running(id) : undefined;
    if (local !== undefined) {
      local.abort({ kind: 'cancel', actor: actor.name });
      await local.settled;
      const after = await getPromotion(ctx.db, id);
      if (after?.status === 'cancelled') return after;
      if (after !== undefined && TERMINAL_STATUSES.includes(after.status)) {
        throw new PromotionError(
          PromotionErrorCode.Conflict,
          `promotion ${id} ${after.status} before it could be cancelled`,
        );
      }
      continue;
    }
    try {
      return await cancelInDatabase(ctx, promotion, actor);
    } catch (err) {
      const mapped = asPromotionError(err);
      if (!(mapped instanceof PromotionError && mapped.code === PromotionErrorCode.Conflict)) throw mapped;
    }
  }
  throw new PromotionError(PromotionErrorCode.Conflict, `promotion ${id} kept changing state; try again`);
}
