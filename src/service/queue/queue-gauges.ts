import type { JobQueue, QueueDepth } from './job-queue.ts';

/**
 * The two numbers `/metrics` reports about one job kind, read at scrape time: jobs waiting to run
 * (`ferry_queue_depth`: queued now or waiting out a retry backoff) and jobs a worker holds
 * (`ferry_promotions_running`). Kept apart because they mean different things to an operator: a
 * growing wait is a backlog (too few workers, a stuck registry), a steady running count is work.
 *
 * Both come from one count of the job table, shared by the two gauges of a scrape and by any scrape
 * within `maxAgeMs` of it: a scraper polling several replicas every few hundred milliseconds (a
 * dashboard, the scale-out benchmark) otherwise costs two GROUP BY queries per replica per poll, and
 * the numbers a second old are as good for a gauge Prometheus samples every 15 s or more.
 */
export interface QueueGauges {
  waiting(): Promise<number>;
  running(): Promise<number>;
}

export interface QueueGaugeOptions {
  /** How long one count serves later reads. Default 1000 ms; 0 shares only a count in flight. */
  readonly maxAgeMs?: number | undefined;
  /** Milliseconds clock. Default Date.now. */
  readonly now?: (() => number) | undefined;
}

export function queueGauges(
  queue: Pick<JobQueue, 'depth'>,
  kind: string,
  options: QueueGaugeOptions = {},
): QueueGauges {
  const maxAgeMs = options.maxAgeMs ?? 1000;
  const now = options.now ?? Date.now;
  let last: { at: number; depth: Promise<QueueDepth[]> } | undefined;
  const depth = (): Promise<QueueDepth[]> => {
    const at = now();
    if (last === undefined || at - last.at > maxAgeMs) {
      const read = queue.depth();
      const current = { at, depth: read };
      last = current;
      // A failed count is not kept: the next read asks again.
      read.catch(() => {
        if (last === current) last = undefined;
      });
    }
    return last.depth;
  };
  const of = async (pick: (depth: QueueDepth) => number): Promise<number> =>
    (await depth()).filter((d) => d.kind === kind).reduce((sum, d) => sum + pick(d), 0);
  return {
    waiting: () => of((d) => d.queued),
    running: () => of((d) => d.active),
  };
}
