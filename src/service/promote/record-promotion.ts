/**
 * The write half of accept, rerun and rollback, in one transaction: remember the webhook delivery id,
 * insert the promotion (or find the equal one the idempotency index keeps), append its audit events and
 * enqueue its job. Either all of it commits or none: a crash cannot leave a promotion without a job, or a
 * remembered delivery without the promotion it made (the sender's retry would then be swallowed).
 *
 * It records several requests at once (record-batcher.ts gathers those that arrive together): one
 * statement per step for the whole batch instead of one per request. Each request's outcome is the one
 * it would have had on its own, recorded after the requests before it in the batch.
 *
 * Nothing here does network I/O: resolving the tag happens before, because a transaction holds PGlite's
 * only connection for its whole duration.
 */
import type { NewAuditEvent } from '../store/audit-event.ts';
import type { Database } from '../store/database.ts';
import { rememberDeliveries } from '../store/delivery-store.ts';
import type { NewPromotion } from '../store/promotion.ts';
import { insertPromotions } from '../store/promotion-insert.ts';
import { AuditKind } from './audit-kinds.ts';
import { deliverySource } from './delivery-lookup.ts';
import type { EngineContext } from './engine-context.ts';
import { PROMOTE_JOB, type PromoteJobPayload, promoteDedupeKey } from './promote-job.ts';
import type { TriggerKind } from './promotion-request.ts';
import type { AcceptResult, Actor } from './promotion-service.ts';
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

export interface RecordRequest {
  readonly input: NewPromotion;
  readonly options: RecordOptions;
}

export type RecordOutcome =
  | { readonly kind: 'recorded'; readonly result: AcceptResult; readonly enqueued: boolean }
  /** The delivery id was already remembered: nothing was written; the caller answers with the first one's result. */
  | { readonly kind: 'replayed-delivery' };

/** Records the requests in one transaction; outcomes in the order given. */
export async function recordPromotions(
  ctx: EngineContext,
  requests: readonly RecordRequest[],
): Promise<RecordOutcome[]> {
  const batch = new UpdateBatch();
  const outcomes = await ctx.db.transaction(async (tx: Database): Promise<RecordOutcome[]> => {
    const fresh = await freshDeliveries(tx, requests);
    const outcomes: RecordOutcome[] = requests.map(() => ({ kind: 'replayed-delivery' }));
    const live = requests.flatMap((request, index) => (fresh[index] ? [{ request, index }] : []));
    const inserted = await insertPromotions(
      tx,
      live.map(({ request }) => ({ input: request.input })),
    );
    const events: NewAuditEvent[] = [];
    const jobs: { payload: PromoteJobPayload; dedupeKey: string }[] = [];
    for (const [n, { request, index }] of live.entries()) {
      const { promotion, created } = inserted[n]!;
      const { actor, trigger } = request.options;
      const requestDetail = {
        triggerKind: trigger.kind,
        ...(trigger.deliveryId === undefined ? {} : { deliveryId: trigger.deliveryId }),
        ...(trigger.actor !== undefined && trigger.actor !== actor.name
          ? { triggerActor: trigger.actor }
          : {}),
        actorKind: actor.kind,
      };
      if (!created) {
        // Recorded on the existing promotion: who asked again is part of its history, and a redelivery
        // of this request finds its answer here (delivery-lookup.ts).
        events.push({
          promotionId: promotion.id,
          actor: actor.name,
          kind: AuditKind.DuplicateRequest,
          digest: promotion.source.digest,
          outcome: 'existing',
          detail: { ...requestDetail, status: promotion.status },
        });
        outcomes[index] = { kind: 'recorded', result: { promotion, created: false }, enqueued: false };
        continue;
      }
      batch.created(promotion);
      const { source, destination } = promotion;
      events.push({
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
          ...request.options.detail,
        },
      });
      const waiting = promotion.status === 'awaiting_approval';
      if (waiting) {
        events.push({
          promotionId: promotion.id,
          actor: actor.name,
          kind: AuditKind.AwaitingApproval,
          digest: source.digest,
          outcome: 'waiting',
          detail: { approvalsRequired: promotion.approvalsRequired },
        });
      } else {
        jobs.push({ payload: { promotionId: promotion.id }, dedupeKey: promoteDedupeKey(promotion.id) });
      }
      outcomes[index] = { kind: 'recorded', result: { promotion, created: true }, enqueued: !waiting };
    }
    await batch.audits(tx, events);
    if (jobs.length > 0) await ctx.queue.enqueueMany<PromoteJobPayload>(PROMOTE_JOB, jobs, { tx });
    return outcomes;
  });
  batch.publish(ctx.events);
  return outcomes;
}

/** Per request: true unless its webhook delivery id was seen before (or earlier in this batch). */
async function freshDeliveries(tx: Database, requests: readonly RecordRequest[]): Promise<boolean[]> {
  const withId = requests.flatMap(({ options: { trigger } }) =>
    trigger.deliveryId === undefined
      ? []
      : [{ source: deliverySource(trigger.kind), id: trigger.deliveryId }],
  );
  const remembered = await rememberDeliveries(tx, withId);
  let next = 0;
  return requests.map(({ options }) =>
    options.trigger.deliveryId === undefined ? true : remembered[next++]!,
  );
}
