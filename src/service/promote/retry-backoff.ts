import { backoffDelay } from '../../registry/backoff.ts';

export interface RetryBackoff {
  /** Delay before the first retry. Default 5 s. */
  readonly baseMs: number;
  /** Cap. Default 5 min. */
  readonly maxMs: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = Object.freeze({ baseMs: 5_000, maxMs: 300_000 });

/**
 * Delay before retry number `attempt` (1 after the first failure): base · 2^(attempt−1), capped, with
 * ferry's one backoff (registry/backoff.ts, equal jitter) so promotions that failed together against
 * one registry outage do not all come back in the same second. `random` is injectable for tests.
 */
export function retryDelayMs(
  attempt: number,
  backoff: RetryBackoff,
  random: () => number = Math.random,
): number {
  return backoffDelay(Math.max(0, attempt - 1), backoff, random);
}
