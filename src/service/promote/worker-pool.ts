/**
 * The claim loop: `concurrency` slots, each claiming one job at a time and running it to the end. While
 * slots are idle, one of them polls every `pollIntervalMs` (each polling on its own cost a claim query
 * per slot per interval on every replica doing nothing); a claim that finds a job wakes the other idle
 * slots, since there may be more. All wake at once when this process enqueued something (accept,
 * approve), so a promotion accepted by this replica starts without waiting for the next poll.
 *
 * stop(): no new claims; running jobs get `graceMs` to finish, then their AbortControllers are aborted
 * with the shutdown reason and stop() waits for them to settle (they put their work back in the queue).
 */
import type { Job } from '../queue/job-queue.ts';
import type { AbortReason } from './abort-reasons.ts';

export interface RunningJob {
  /** Aborts the run with `reason` (no effect once it is past the point where aborting is possible). */
  abort(reason: AbortReason): void;
  /** Resolves when the run has settled its job and promotion. */
  readonly settled: Promise<void>;
}

export interface WorkerPoolOptions<P extends object> {
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  readonly claim: () => Promise<Job<P> | undefined>;
  readonly run: (job: Job<P>, signal: AbortSignal) => Promise<void>;
  /** Key under which a running job can be found (the promotion id). */
  readonly keyOf: (job: Job<P>) => string;
  /** A claim or a run failed unexpectedly (runs are expected to handle their own errors). */
  readonly onError: (err: unknown) => void;
}

export class WorkerPool<P extends object> {
  readonly #options: WorkerPoolOptions<P>;
  readonly #running = new Map<string, RunningJob>();
  readonly #controllers = new Set<AbortController>();
  readonly #waiters = new Set<() => void>();
  #loops: Promise<void>[] = [];
  /** Whether an idle slot holds the poll timer; the other idle slots wait to be woken. */
  #polling = false;
  #stopping = false;
  #abortAll = false;

  constructor(options: WorkerPoolOptions<P>) {
    // 0 claims nothing: an API-only replica (`ferry serve --workers 0`) next to `ferry worker`s.
    if (!Number.isInteger(options.concurrency) || options.concurrency < 0) {
      throw new RangeError('worker concurrency must be a whole number >= 0');
    }
    this.#options = options;
  }

  get started(): boolean {
    return this.#loops.length > 0 && !this.#stopping;
  }

  start(): void {
    if (this.#loops.length > 0) return;
    this.#stopping = false;
    this.#abortAll = false;
    this.#loops = Array.from({ length: this.#options.concurrency }, () => this.#loop());
  }

  /** Idle slots claim now instead of at their next poll. */
  wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** The run of `key` in this process, if any. */
  running(key: string): RunningJob | undefined {
    return this.#running.get(key);
  }

  async stop(options: { graceMs?: number | undefined } = {}): Promise<void> {
    const graceMs = options.graceMs ?? Number.POSITIVE_INFINITY;
    this.#stopping = true;
    this.wake();
    const abortAll = () => {
      this.#abortAll = true;
      for (const controller of this.#controllers)
        controller.abort({ kind: 'shutdown' } satisfies AbortReason);
    };
    const timer = Number.isFinite(graceMs) ? setTimeout(abortAll, Math.max(0, graceMs)) : undefined;
    try {
      await Promise.all(this.#loops);
    } finally {
      clearTimeout(timer);
      this.#loops = [];
    }
  }

  async #loop(): Promise<void> {
    while (!this.#stopping) {
      let job: Job<P> | undefined;
      try {
        job = await this.#options.claim();
      } catch (err) {
        this.#options.onError(err);
      }
      if (job === undefined) {
        await this.#idle();
        continue;
      }
      // There may be more: idle slots claim too instead of waiting for the next poll.
      this.wake();
      await this.#runOne(job);
    }
  }

  async #runOne(job: Job<P>): Promise<void> {
    const controller = new AbortController();
    // Claimed just as the grace period ended: it starts aborted and goes straight back to the queue.
    if (this.#abortAll) controller.abort({ kind: 'shutdown' } satisfies AbortReason);
    const key = this.#options.keyOf(job);
    let done!: () => void;
    const settled = new Promise<void>((resolve) => {
      done = resolve;
    });
    this.#controllers.add(controller);
    this.#running.set(key, { abort: (reason) => controller.abort(reason), settled });
    try {
      await this.#options.run(job, controller.signal);
    } catch (err) {
      this.#options.onError(err);
    } finally {
      this.#controllers.delete(controller);
      if (this.#running.get(key)?.settled === settled) this.#running.delete(key);
      done();
    }
  }

  #idle(): Promise<void> {
    if (this.#stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const poller = !this.#polling;
      const finish = () => {
        clearTimeout(timer);
        if (poller) this.#polling = false;
        this.#waiters.delete(finish);
        resolve();
      };
      this.#polling ||= poller;
      const timer = poller ? setTimeout(finish, this.#options.pollIntervalMs) : undefined;
      this.#waiters.add(finish);
    });
  }
}
