/**
 * The write half of accept, rerun and rollback, in one transaction: remember the webhook delivery id,
 * insert the promotion (or find the equal one the idempotency index keeps), append its audit events and
 * enqueue its job. Either all of it commits or none: a crash cannot leave a promotion without a job, or a
 * remembered delivery without the promotion it made (the sender's retry would then be swallowed).
 *
 * Nothing here does network I/O: resolving the tag happens before, because a transaction holds PGlite's
 * only connection for its whole duration.
 */

import type { NewAuditEvent } from '../store/audit-event.ts';
import type { Database } from '../store/database.ts';
import type { NewPromotion, Promotion } from '../store/promotion.ts';
import { insertAcceptedPromotion, insertPromotion } from '../store/promotion-store.ts';
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
  const requestDetail = {
    triggerKind: trigger.kind,
    ...(trigger.deliveryId === undefined ? {} : { deliveryId: trigger.deliveryId }),
    ...(trigger.actor !== undefined && trigger.actor !== actor.name ? { triggerActor: trigger.actor } : {}),
    actorKind: actor.kind,
  };
  const { source, destination } = input;
  const status = input.status ?? 'queued';
  const events: Omit<NewAuditEvent, 'promotionId'>[] = [
    {
      actor: actor.name,
      kind: AuditKind.Accepted,
      digest: source.digest,
      outcome: 'ok',
      detail: {
        ...requestDetail,
        rule: input.rule,
        source: `${source.registry}/${source.repository}${source.tag == null ? '' : `:${source.tag}`}`,
        destination: `${destination.registry}/${destination.repository}:${destination.tag}`,
        ...options.detail,
      },
    },
    ...(status === 'awaiting_approval'
      ? [
          {
            actor: actor.name,
            kind: AuditKind.AwaitingApproval,
            digest: source.digest,
            outcome: 'waiting',
            detail: { approvalsRequired: input.approvalsRequired ?? 0 },
          },
        ]
      : []),
  ];
  const outcome = await transact(ctx.db, async (tx: Database): Promise<RecordOutcome> => {
    // The common case in one statement: delivery id, promotion and its audit events.
    const written = await insertAcceptedPromotion(tx, {
      promotion: input,
      delivery:
        trigger.deliveryId === undefined
          ? undefined
          : { source: deliverySource(trigger.kind), id: trigger.deliveryId },
      events,
    });
    if (written.kind === 'replayed-delivery') return { kind: 'replayed-delivery' };
    let promotion: Promotion;
    if (written.kind === 'created') {
      promotion = written.promotion;
      batch.created(promotion);
      for (const event of written.events) batch.recorded(event);
    } else {
      // An equal promotion holds the slot (the delivery id is remembered already). It can leave the
      // slot meanwhile, so this may still create one: insertPromotion settles it either way.
      const found = await insertPromotion(tx, input);
      promotion = found.promotion;
      if (!found.created) {
        // Recorded on the existing promotion: who asked again is part of its history, and a redelivery
        // of this request finds its answer here (delivery-lookup.ts).
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
      for (const event of events) await batch.audit(tx, { ...event, promotionId: promotion.id });
    }
    if (promotion.status === 'awaiting_approval') {
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
