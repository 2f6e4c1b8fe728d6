/**
 * The one retry helper of the registry client (go-containerregistry keeps retry as one wrapper too:
 * `pkg/v1/remote/transport/retry.go`). Everything that tries again — a request answered 503, a blob
 * download resumed with `Range`, a chunk PATCH resumed from the registry's offset, a whole-blob copy,
 * a token exchange — spends the same budget the same way: `policy.times` extra attempts, delays from
 * `retryDelay` with the configured backoff, a server's `Retry-After` honoured, stopped by the signal.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { type BackoffOptions, retryDelay } from './backoff.ts';

export interface RetryPolicy {
  /** Extra attempts after the first for temporary failures. */
  readonly times: number;
  readonly backoff?: BackoffOptions | undefined;
}

/** Local files: a failure is not something a retry fixes. */
export const NO_RETRY: RetryPolicy = Object.freeze({ times: 0 });

/** A temporary answer that says when to come back (`Retry-After`, RFC 9110 §10.2.3). */
export class RetryLaterError extends FerryError {
  readonly retryAfter: string | undefined;

  constructor(message: string, retryAfter: string | undefined) {
    super(ErrorCode.Registry, message, { temporary: true });
    this.retryAfter = retryAfter;
  }
}

export interface RetryNotice {
  /** 1 for the first retry. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

export interface RetryOptions {
  readonly signal?: AbortSignal | undefined;
  /** May this failure be retried? Default: a temporary FerryError. */
  readonly retryable?: ((err: unknown) => boolean) | undefined;
  /** Told before each wait. */
  readonly onRetry?: ((notice: RetryNotice) => void) | undefined;
  readonly random?: (() => number) | undefined;
}

export function isTemporary(err: unknown): boolean {
  return err instanceof FerryError && err.temporary;
}

/**
 * The attempts left for one operation. `backOff(err)` either waits the delay for the next attempt or
 * rethrows `err` (not retryable, budget spent, or aborted). Loops that keep state between attempts
 * (a resumed download's offset) use it directly; everything else uses `withRetry`.
 */
export class RetryBudget {
  readonly #policy: RetryPolicy;
  readonly #options: RetryOptions;
  #used = 0;

  constructor(policy: RetryPolicy, options: RetryOptions = {}) {
    this.#policy = policy;
    this.#options = options;
  }

  /** Retries spent so far. */
  get used(): number {
    return this.#used;
  }

  /** True when a failure now would not be retried. */
  get exhausted(): boolean {
    return this.#used >= this.#policy.times;
  }

  async backOff(err: unknown): Promise<void> {
    const retryable = this.#options.retryable ?? isTemporary;
    if (this.exhausted || this.#options.signal?.aborted || !retryable(err)) throw err;
    const retryAfter = err instanceof RetryLaterError ? err.retryAfter : undefined;
    const delayMs = retryDelay(this.#used, retryAfter, this.#policy.backoff, this.#options.random);
    this.#used += 1;
    this.#options.onRetry?.({ attempt: this.#used, delayMs, error: err });
    await sleep(delayMs, undefined, { signal: this.#options.signal });
  }
}

export interface RetryAttempt {
  /** 0 for the first attempt. */
  readonly attempt: number;
  /** No retry follows a failure of this attempt: an answer that would be retried is final now. */
  readonly last: boolean;
}

/** Run `operation` until it succeeds, retrying temporary failures within `policy`. */
export async function withRetry<T>(
  policy: RetryPolicy,
  operation: (attempt: RetryAttempt) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const budget = new RetryBudget(policy, options);
  for (;;) {
    try {
      return await operation({ attempt: budget.used, last: budget.exhausted });
    } catch (err) {
      await budget.backOff(err);
    }
  }
}
