/**
 * The notifier's in-process work queue: at most `concurrency` attempts in flight, a bounded backlog, and
 * retries parked on timers rather than in a slot — so one receiver that is down (and being retried with
 * long backoffs) never delays another receiver's events.
 *
 * In-process on purpose: notifications are best-effort announcements of outcomes already recorded in the
 * audit log, and every attempt is recorded, so a restart losing queued retries costs a late message,
 * never a wrong promotion.
 */

export interface QueueTask {
  /**
   * Makes one attempt. Resolves to the delay in ms before the next attempt, or undefined when the task
   * is finished (delivered, refused, or out of attempts). `signal` aborts when the stop grace is over.
   * Must not throw; a throw ends the task.
   */
  run(signal: AbortSignal): Promise<number | undefined>;
}

export interface DeliveryQueueOptions {
  /** Attempts in flight at once. */
  readonly concurrency: number;
  /** Tasks held at once (ready, parked for a retry, or running); push() refuses beyond this. */
  readonly maxQueued: number;
}

export interface DeliveryQueue {
  /** Adds a task; false when the queue is full or stopping. */
  push(task: QueueTask): boolean;
  /** Tasks not finished yet. */
  readonly pending: number;
  /** Resolves when no task is left. */
  idle(): Promise<void>;
  /**
   * Refuses new tasks, lets the queued ones (retries included) run for up to `graceMs`, then aborts
   * what is in flight and drops the rest. Resolves to how many tasks were cut short.
   */
  stop(graceMs: number): Promise<{ abandoned: number }>;
}

/** After the abort, in-flight attempts only have to notice it; this bounds the wait for one that does not. */
const ABORT_SETTLE_MS = 2_000;

function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export function createDeliveryQueue(options: DeliveryQueueOptions): DeliveryQueue {
  const concurrency = Math.max(1, Math.trunc(options.concurrency));
  const ready: QueueTask[] = [];
  const parked = new Map<QueueTask, NodeJS.Timeout>();
  const abort = new AbortController();
  let active = 0;
  let stopping = false;
  let idleWaiters: (() => void)[] = [];

  const pending = () => ready.length + parked.size + active;

  const settleIdle = () => {
    if (pending() !== 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const idle = () =>
    pending() === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve));

  const pump = () => {
    while (!abort.signal.aborted && active < concurrency && ready.length > 0) {
      const task = ready.shift()!;
      active++;
      void runOne(task);
    }
  };

  async function runOne(task: QueueTask): Promise<void> {
    let next: number | undefined;
    try {
      next = await task.run(abort.signal);
    } catch {
      next = undefined;
    }
    active--;
    if (next !== undefined && !abort.signal.aborted) {
      const timer = setTimeout(
        () => {
          parked.delete(task);
          ready.push(task);
          pump();
        },
        Math.max(0, next),
      );
      // A parked retry alone must not keep a process alive that is otherwise done; stop() is the way
      // to wait for retries.
      timer.unref();
      parked.set(task, timer);
    }
    pump();
    settleIdle();
  }

  return {
    push(task) {
      if (stopping || pending() >= options.maxQueued) return false;
      ready.push(task);
      pump();
      return true;
    },
    get pending() {
      return pending();
    },
    idle,
    async stop(graceMs) {
      stopping = true;
      const grace = delay(Math.max(0, graceMs));
      await Promise.race([idle(), grace.promise]);
      grace.cancel();
      const left = pending();
      if (left === 0) return { abandoned: 0 };
      abort.abort();
      for (const timer of parked.values()) clearTimeout(timer);
      parked.clear();
      ready.length = 0;
      const settle = delay(ABORT_SETTLE_MS);
      await Promise.race([idle(), settle.promise]);
      settle.cancel();
      return { abandoned: left };
    },
  };
}
