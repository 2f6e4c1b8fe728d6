import type { Database } from '../store/database.ts';

/**
 * ferry's durable job queue, as the worker and the API see it. The implementation (pg-boss over the
 * store's database, see pg-boss-job-queue.ts) is swappable behind this; nothing outside src/service/queue
 * imports the library.
 *
 * Delivery is at-least-once: a job whose worker dies is handed out again once its lease lapses, so
 * handlers must be idempotent (the promotion worker re-checks the promotion's status and the
 * destination's digest before copying).
 */

/** How one kind of job is retried and leased. Read when a job is enqueued: changes affect new jobs. */
export interface JobKindConfig {
  /** Retries after the first attempt before the job fails for good. */
  readonly retryLimit: number;
  /** Delay before the first retry (whole seconds); doubled, with jitter, per retry when exponential. */
  readonly retryDelaySeconds: number;
  /** Default true. False: every retry waits exactly retryDelaySeconds. */
  readonly exponentialBackoff?: boolean | undefined;
  /** Cap on the exponential retry delay. */
  readonly retryDelayMaxSeconds?: number | undefined;
  /**
   * Hard cap on one attempt: a claimed job not settled within this is failed (and retried if it has
   * retries left) by recoverExpired(), whether or not its worker still heartbeats.
   */
  readonly maxRunSeconds: number;
  /**
   * Lease kept alive by heartbeat(): when set, a claimed job whose worker has not heartbeated for this
   * long is failed and retried — how a crashed replica's work gets picked up long before maxRunSeconds.
   * At least 10 (pg-boss's minimum).
   */
  readonly leaseSeconds?: number | undefined;
  /** How long settled jobs are kept for inspection. Default 7 days. */
  readonly keepSettledSeconds?: number | undefined;
}

export interface Job<P extends object = object> {
  readonly id: string;
  readonly kind: string;
  readonly payload: P;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Retries allowed after the first attempt. */
  readonly retryLimit: number;
  /** Which claim this is, so a worker whose lease lapsed cannot settle a later attempt. */
  readonly claim: number;
}

/** When a job may run and what makes it a duplicate. */
export interface JobPlacement {
  /** Not before this time (or this many ms from now). */
  readonly runAfter?: Date | number | undefined;
  /** At most one queued or running job per (kind, key): a second enqueue returns the first job. */
  readonly dedupeKey?: string | undefined;
}

export interface EnqueueOptions extends JobPlacement {
  /** Enqueue inside this transaction, atomically with the rows that made the job necessary. */
  readonly tx?: Database | undefined;
}

/** One job of an enqueueMany. */
export interface NewJob<P extends object> extends JobPlacement {
  readonly payload: P;
}

export interface EnqueueResult {
  readonly id: string;
  /** False when dedupeKey matched a job that was already queued or running. */
  readonly created: boolean;
}

export interface FailOptions {
  /** False for permanent errors: no retry, whatever retries are left. */
  readonly retryable: boolean;
  /** Overrides the kind's backoff for this retry (a registry's Retry-After, say). Rounded up to seconds. */
  readonly backoffMs?: number | undefined;
  /**
   * Settle inside this transaction (with the promotion's own status change and audit event). fail()
   * needs several statements, so without `tx` it opens its own transaction — never call it without
   * `tx` from inside a transaction on PGlite: the inner one would wait for the outer forever.
   */
  readonly tx?: Database | undefined;
}

export type FailOutcome =
  /** Will run again after the backoff. */
  | 'retry'
  /** Failed for good (permanent error or retries used up). */
  | 'failed'
  /** The claim had lapsed and the job was handed to someone else: nothing was changed. */
  | 'lost';

export interface QueueDepth {
  readonly kind: string;
  /** Waiting to run, now or after a backoff / runAfter. */
  readonly queued: number;
  /** Claimed and not yet settled. */
  readonly active: number;
  /** Failed for good, still retained. */
  readonly failed: number;
}

export interface JobQueue {
  enqueue<P extends object>(kind: string, payload: P, options?: EnqueueOptions): Promise<EnqueueResult>;
  /**
   * Several jobs of one kind in one statement (results in the order given), e.g. the jobs of a batch of
   * accepted promotions inside its transaction. Dedupe keys behave as in enqueue, earlier jobs first.
   */
  enqueueMany<P extends object>(
    kind: string,
    jobs: readonly NewJob<P>[],
    options?: { tx?: Database | undefined },
  ): Promise<EnqueueResult[]>;
  /** Claims the next runnable job of any of `kinds` (in that order of preference), or undefined. */
  claim<P extends object = object>(kinds: readonly string[]): Promise<Job<P> | undefined>;
  /** Marks the job done. False when the claim had lapsed (someone else holds the job now). */
  complete(job: Job, options?: { tx?: Database | undefined }): Promise<boolean>;
  fail(job: Job, error: unknown, options: FailOptions): Promise<FailOutcome>;
  /** Extends the lease. False when it has lapsed: stop working on the job. */
  heartbeat(job: Job): Promise<boolean>;
  /** Fails (→ retry) jobs whose lease or maxRunSeconds lapsed. Runs periodically when supervising. */
  recoverExpired(): Promise<void>;
  /**
   * Gives back every claimed job at once. Only for the embedded database, at start-up: one process owns
   * the data dir, so any job still claimed there belongs to a previous run that died. Returns how many.
   */
  requeueInterrupted(): Promise<number>;
  depth(): Promise<QueueDepth[]>;
  /** True from a successful start until stop() (or the library stopping on its own): readiness. */
  isRunning(): boolean;
  /** Stops timers and releases the queue's connections; the Database stays open. */
  stop(): Promise<void>;
}
