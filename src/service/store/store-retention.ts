/**
 * Store maintenance: retention of the accepted webhook delivery ids (`webhook_deliveries`), which would
 * otherwise grow by one row per trigger forever, and of the sign-out records of browser sessions
 * (`session_revocations`), each needed only until its cookie would have expired anyway.
 *
 * Seven days: far beyond the 5-minute window in which a Standard Webhooks delivery is accepted at all
 * (an older signed timestamp is refused before the id is looked at), and beyond the retry schedules of
 * senders that carry no timestamp: GitHub's manual "redeliver" reaches back three days, registries and
 * webhook libraries retry for hours to a day or two. A redelivery after that is still bounded by the
 * idempotency rule (an equal in-flight or current promotion is returned, not copied again), and a
 * delivery that created a promotion is still answered from that promotion's own `delivery_id`.
 *
 * Every replica prunes on its own timer; the DELETE is idempotent, so several doing it is harmless.
 */
import type { Database } from './database.ts';
import { forgetDeliveriesBefore } from './delivery-store.ts';
import { forgetRevocationsBefore } from './session-revocation-store.ts';

export const DELIVERY_RETENTION_MS = 7 * 24 * 3600 * 1000;
export const DELIVERY_PRUNE_INTERVAL_MS = 3600 * 1000;

export interface StorePrunerOptions {
  readonly db: Database;
  /** Default DELIVERY_RETENTION_MS. */
  readonly retentionMs?: number | undefined;
  /** Default DELIVERY_PRUNE_INTERVAL_MS. */
  readonly intervalMs?: number | undefined;
  /** Clock. Default Date.now. */
  readonly now?: (() => number) | undefined;
  /** A failed run (database away) is reported here and retried at the next interval. */
  readonly onError?: ((err: unknown) => void) | undefined;
  /** Told how many rows (delivery ids and expired revocations) a run removed, when it removed any. */
  readonly onPruned?: ((count: number) => void) | undefined;
}

export interface StorePruner {
  /**
   * Runs once now (in the background: a process restarted more often than the interval still prunes)
   * and then on a timer that never keeps the process alive.
   */
  start(): void;
  /**
   * One run now: forgets delivery ids received before now − retention and revocations of sessions
   * expired by now. Returns how many rows went.
   */
  pruneOnce(): Promise<number>;
  /** Clears the timer and waits for a run in progress, so the database can be closed after it. */
  stop(): Promise<void>;
}

export function createStorePruner(options: StorePrunerOptions): StorePruner {
  const retentionMs = options.retentionMs ?? DELIVERY_RETENTION_MS;
  const intervalMs = options.intervalMs ?? DELIVERY_PRUNE_INTERVAL_MS;
  const now = options.now ?? Date.now;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function pruneOnce(): Promise<number> {
    const time = now();
    const count =
      (await forgetDeliveriesBefore(options.db, new Date(time - retentionMs))) +
      (await forgetRevocationsBefore(options.db, new Date(time)));
    if (count > 0) options.onPruned?.(count);
    return count;
  }

  function tick(): void {
    // A run still going (a slow database) is not doubled up.
    if (stopped || running !== undefined) return;
    running = (options.db.background ? options.db.background(pruneOnce) : pruneOnce())
      .catch((err: unknown) => options.onError?.(err))
      .finally(() => {
        running = undefined;
      });
  }

  return {
    start() {
      if (stopped || timer !== undefined) return;
      timer = setInterval(tick, intervalMs);
      timer.unref();
      tick();
    },
    pruneOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
