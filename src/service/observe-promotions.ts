/**
 * What `ferry serve` does with the promotion updates of its own engine, besides streaming them: count
 * outcomes and bytes for /metrics and send notifications (notify/update-events.ts says which event each
 * update announces). The engine knows neither.
 *
 * Subscribe this to the engine of this process only, never to updates relayed from other replicas: the
 * replica that made a change reports it, so counters are not multiplied by the number of replicas and
 * each notification is queued (and its deliveries recorded) once.
 */
import type { FerryMetrics, PromotionOutcome } from './http/metrics.ts';
import type { Notifier } from './notify/notifier.ts';
import { eventsForUpdate } from './notify/update-events.ts';
import type { PromotionService } from './promote/promotion-service.ts';
import { type PromotionStatus, TERMINAL_STATUSES } from './store/promotion.ts';

function isOutcome(status: PromotionStatus): status is PromotionOutcome {
  return TERMINAL_STATUSES.includes(status);
}

export interface ObservePromotionsOptions {
  readonly engine: Pick<PromotionService, 'subscribe'>;
  readonly metrics: Pick<FerryMetrics, 'recordPromotion' | 'addBytes'>;
  readonly notifier: Pick<Notifier, 'notify'>;
  /** Milliseconds clock for durations. Default Date.now. */
  readonly now?: (() => number) | undefined;
}

/** Subscribes to every promotion; returns the unsubscribe function. */
export function observePromotions(options: ObservePromotionsOptions): () => void {
  const now = options.now ?? Date.now;
  return options.engine.subscribe(undefined, (update) => {
    if (update.type !== 'status') return;
    const p = update.promotion;
    if (isOutcome(p.status)) {
      options.metrics.recordPromotion(p.status, (now() - p.createdAt.getTime()) / 1000);
      if (p.status === 'succeeded') {
        options.metrics.addBytes('copied', p.bytes.copied);
        options.metrics.addBytes('mounted', p.bytes.mounted);
        options.metrics.addBytes('skipped', p.bytes.skipped);
      }
    }
    for (const event of eventsForUpdate(update)) options.notifier.notify(p, event);
  });
}
