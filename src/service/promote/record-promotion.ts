/**
 * The write half of accept, rerun and rollback, in one transaction: remember the webhook delivery id,
 * insert the promotion (or find the equal one the idempotency index keeps), append its audit events and
 * enqueue its job. Either all of it commits or none: a crash cannot leave a promotion without a job, or a
 * remembered delivery without the promotion it made (the sender's retry would then be swallowed).
 *
 * Nothing here does network I/O: resolving the tag happens before, because a transaction holds PGlite's
 * only connection for its whole duration.
 */
import type { Database } from '../store/database.ts';
import type { NewPromotion } from '../store/promotion.ts';
import { insertPromotion, rememberDelivery } from '../store/promotion-store.ts';
import { AuditKind } from './audit-kinds.ts';
import { deliverySource } from './delivery-lookup.ts';
import type { EngineContext } from './engine-context.ts';
import { PROMOTE_JOB, type PromoteJobPayload, promoteDedupeKey } from './promote-job.ts';
import type { TriggerKind } from './promotion-request.ts';
import type { AcceptResult, Actor } from './promotion-service.ts';
import { transact } from './transact.ts';
import { UpdateBatch } from './update-batch.ts';

export interface RecordOptions {
  readonly actor: Actor;
  readonly trigger: {
    readonly kind: TriggerKind;
    /** Who the trigger says asked, when it differs from the authenticated actor (registry user, CI job). */
    readonly actor?: string | undefined;
    readonly deliveryId?: string | undefined;
  };
  /** Extra detail for the `accepted` event (rerun/rollback provenance, labels). */
  readonly detail?: Readonly<Record<string, unknown>> | undefined;
}

export type RecordOutcome =
  | { readonly kind: 'recorded'; readonly result: AcceptResult; readonly enqueued: boolean }
  /** The delivery id was already remembered: nothing was written; the caller answers with the first one's result. */
  | { readonly kind: 'replayed-delivery' };

export async function recordPromotion(
  ctx: EngineContext,
  input: NewPromotion,
  options: RecordOptions,
): Promise<RecordOutcome> {
  const { actor, trigger } = options;
  const batch = new UpdateBatch();
  const outcome = await transact(ctx.db, async (tx: Database): Promise<RecordOutcome> => {
    if (
      trigger.deliveryId !== undefined &&
      !(await rememberDelivery(tx, deliverySource(trigger.kind), trigger.deliveryId))
    ) {
      return { kind: 'replayed-delivery' };
    }
    const { promotion, created } = await insertPromotion(tx, input);
    const requestDetail = {
      triggerKind: trigger.kind,
      ...(trigger.deliveryId === undefined ? {} : { deliveryId: trigger.deliveryId }),
      ...(trigger.actor !== undefined && trigger.actor !== actor.name ? { triggerActor: trigger.actor } : {}),
      actorKind: actor.kind,
    };
    if (!created) {
      // Recorded on the existing promotion: who asked again is part of its history, and a redelivery of
      // this request finds its answer here (delivery-lookup.ts).
      await batch.audit(tx, {
        promotionId: promotion.id,
        actor: actor.name,
        kind: AuditKind.DuplicateRequest,
        digest: promotion.source.digest,
        outcome: 'existing',
        detail: { ...requestDetail, status: promotion.status },
      });
      return { kind: 'recorded', result: { promotion, created: false }, enqueued: false };
    }
    batch.created(promotion);
    const { source, destination } = promotion;
    await batch.audit(tx, {
      promotionId: promotion.id,
      actor: actor.name,
      kind: AuditKind.Accepted,
      digest: source.digest,
      outcome: 'ok',
      detail: {
        ...requestDetail,
        rule: promotion.rule,
        source: `${source.registry}/${source.repository}${source.tag === null ? '' : `:${source.tag}`}`,
        destination: `${destination.registry}/${destination.repository}:${destination.tag}`,
        ...options.detail,
      },
    });
    if (promotion.status === 'awaiting_approval') {
      await batch.audit(tx, {
        promotionId: promotion.id,
        actor: actor.name,
        kind: AuditKind.AwaitingApproval,
        digest: source.digest,
        outcome: 'waiting',
        detail: { approvalsRequired: promotion.approvalsRequired },
      });
      return { kind: 'recorded', result: { promotion, created: true }, enqueued: false };
    }
    await ctx.queue.enqueue<PromoteJobPayload>(
      PROMOTE_JOB,
      { promotionId: promotion.id },
      { tx, dedupeKey: promoteDedupeKey(promotion.id) },
    );
    return { kind: 'recorded', result: { promotion, created: true }, enqueued: true };
  });
  batch.publish(ctx.events);
  return outcome;
}
