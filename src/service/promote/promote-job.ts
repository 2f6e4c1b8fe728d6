import type { JobKindConfig } from '../queue/job-queue.ts';

/** The job kind the promotion worker claims. */
export const PROMOTE_JOB = 'promote';

/** What a promote job carries: only the id; everything else is read from the promotion row when it runs. */
export interface PromoteJobPayload {
  readonly promotionId: string;
}

export interface PromoteJobOptions {
  /** Retries after the first attempt for temporary failures. Default 5. */
  readonly retryLimit?: number | undefined;
  /**
   * First delay of the retries the queue starts by itself, i.e. after a lapsed lease (the replica
   * running the job died); doubled per retry. The worker's own retries of temporary failures pass their
   * own backoff (retry-backoff.ts). Default 1: a dead replica's promotion should resume at once.
   */
  readonly retryDelaySeconds?: number | undefined;
  /** Cap on the retry delay. Default 300. */
  readonly retryDelayMaxSeconds?: number | undefined;
  /** Hard cap on one attempt: a multi-GiB copy over a slow link takes hours, not days. Default 6 h. */
  readonly maxRunSeconds?: number | undefined;
  /**
   * Lease the worker keeps alive by heartbeats; a replica that dies without settling gives its job back
   * after this long. Default 15 (ferry.yaml `server.leaseSeconds`).
   */
  readonly leaseSeconds?: number | undefined;
}

/** The queue configuration of the promote kind, for the composition root's openPgBossJobQueue call. */
export function promoteJobKind(options: PromoteJobOptions = {}): JobKindConfig {
  return {
    retryLimit: options.retryLimit ?? 5,
    retryDelaySeconds: options.retryDelaySeconds ?? 1,
    exponentialBackoff: true,
    retryDelayMaxSeconds: options.retryDelayMaxSeconds ?? 300,
    maxRunSeconds: options.maxRunSeconds ?? 6 * 3600,
    leaseSeconds: options.leaseSeconds ?? 15,
  };
}

/** One queued-or-running promote job per promotion: a double enqueue (approval race, resume) is a no-op. */
export function promoteDedupeKey(promotionId: string): string {
  return `promotion:${promotionId}`;
}
