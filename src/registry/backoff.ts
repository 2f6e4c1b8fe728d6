/**
 * Retry timing, the one backoff of ferry (registry requests, trigger delivery, notifications and
 * queued promotions use it with their own base and cap). Exponential backoff with "equal jitter" (AWS
 * architecture blog "Exponential Backoff And Jitter"): half of each delay is fixed, half random, so
 * retries from many parallel blob copies do not hit a recovering registry in lockstep and are never
 * immediate. A server's Retry-After wins when present, capped so a hostile value cannot park us.
 */
export interface BackoffOptions {
  /** First delay, ms (default 200). */
  readonly baseMs?: number;
  /** Cap on a computed delay, ms (default 10 s). */
  readonly maxMs?: number;
  /** Cap on an honoured Retry-After, ms (default 60 s). */
  readonly maxRetryAfterMs?: number;
}

export function backoffDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
) {
  const base = options.baseMs ?? 200;
  const max = options.maxMs ?? 10_000;
  const ceiling = Math.min(max, base * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Retry-After is delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns ms, or undefined. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only an HTTP-date (IMF-fixdate, RFC 850 or asctime: all start with a day name); V8's Date.parse
  // would otherwise read "1.5" or "-1" as dates in 2001 and turn them into an immediate retry.
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function retryDelay(
  attempt: number,
  retryAfter: string | undefined,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const fromServer = parseRetryAfter(retryAfter);
  if (fromServer !== undefined) return Math.min(fromServer, options.maxRetryAfterMs ?? 60_000);
  return backoffDelay(attempt, options, random);
}
