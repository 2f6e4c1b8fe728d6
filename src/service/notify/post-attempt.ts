/**
 * One delivery attempt: POST the body once and classify the answer. Never follows redirects (a 3xx
 * could send a signed event, or the URL's token, somewhere the operator did not configure).
 *
 *   2xx                       delivered
 *   408, 429, 5xx, network    retry (Retry-After kept for the scheduler)
 *   anything else             failed for good (the receiver refused this event; resending will not help)
 */
import type { Dispatcher } from 'undici';
import { errorCodeOf } from '../../registry/network-error.ts';
import { isTemporaryStatus } from '../../registry/registry-error.ts';
import { httpRequest } from '../../registry/undici-parts.ts';

export type AttemptOutcome =
  | { readonly kind: 'delivered'; readonly statusCode: number }
  | {
      readonly kind: 'retry';
      readonly statusCode?: number | undefined;
      readonly error: string;
      readonly retryAfter?: string | undefined;
    }
  | { readonly kind: 'failed'; readonly statusCode?: number | undefined; readonly error: string };

export interface PostAttemptOptions {
  readonly dispatcher: Dispatcher;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly timeoutMs: number;
  /** Aborted when the notifier's grace period is over. */
  readonly signal: AbortSignal;
}

/** The receiver's answer is read only this far (then discarded): it is never recorded. */
const MAX_DRAINED_BYTES = 64 * 1024;

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function postAttempt(options: PostAttemptOptions): Promise<AttemptOutcome> {
  const url = new URL(options.url);
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  let res: Dispatcher.ResponseData;
  try {
    res = await httpRequest(options.dispatcher, {
      origin: url.origin,
      path: url.pathname + url.search,
      method: 'POST',
      headers: { ...options.headers },
      body: options.body,
      signal,
    });
  } catch (err) {
    if (options.signal.aborted) return { kind: 'failed', error: 'abandoned: the notifier was stopped' };
    if (timeout.aborted) return { kind: 'retry', error: `no answer within ${options.timeoutMs} ms` };
    const code = errorCodeOf(err) ?? 'unknown';
    const detail = err instanceof Error ? err.message : String(err);
    return { kind: 'retry', error: `network error: ${detail} (${code})` };
  }
  const status = res.statusCode;
  // Drained inside the same timeout (a receiver trickling its answer must not hold a slot); the status
  // line already decided the outcome, so a failed drain changes nothing.
  await res.body.dump({ limit: MAX_DRAINED_BYTES, signal }).catch(() => undefined);
  if (status >= 200 && status < 300) return { kind: 'delivered', statusCode: status };
  if (isTemporaryStatus(status)) {
    return {
      kind: 'retry',
      statusCode: status,
      error: `HTTP ${status}`,
      retryAfter: headerText(res.headers['retry-after']),
    };
  }
  if (status >= 300 && status < 400) {
    return {
      kind: 'failed',
      statusCode: status,
      error: `HTTP ${status}: redirects are not followed; configure the final URL`,
    };
  }
  return { kind: 'failed', statusCode: status, error: `HTTP ${status}` };
}
