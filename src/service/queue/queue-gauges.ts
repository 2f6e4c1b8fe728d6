import type { JobQueue, QueueDepth } from './job-queue.ts';

/**
 * The two numbers `/metrics` reports about one job kind, read at scrape time: jobs waiting to run
 * (`ferry_queue_depth`: queued now or waiting out a retry backoff) and jobs a worker holds
 * (`ferry_promotions_running`). Kept apart because they mean different things to an operator: a
 * growing wait is a backlog (too few workers, a stuck registry), a steady running count is work.
 */
export interface QueueGauges {
  waiting(): Promise<number>;
  running(): Promise<number>;
}

export function queueGauges(queue: Pick<JobQueue, 'depth'>, kind: string): QueueGauges {
  const of = async (pick: (depth: QueueDepth) => number): Promise<number> =>
    (await queue.depth()).filter((d) => d.kind === kind).reduce((sum, d) => sum + pick(d), 0);
  return {
    waiting: () => of((d) => d.queued),
    running: () => of((d) => d.active),
  };
}
