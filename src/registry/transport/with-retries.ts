/**
 * Retries as a layer, on the one retry helper: connection failures and temporary answers (408, 429,
 * 5xx; `Retry-After` honoured) are tried again while the budget lasts, if the request can be replayed
 * (no body or a Buffer, and the caller did not opt out). The last temporary answer is returned as it
 * is, so the caller reports the registry's own error.
 */
import { redactUrl } from '../redact-url.ts';
import { isTemporaryStatus } from '../registry-error.ts';
import { RetryLaterError, type RetryPolicy, withRetry } from '../retry.ts';
import { discardResponse, headerValue, isResendable, type Layer } from './exchange.ts';

export interface RetryEvent {
  readonly registry: string;
  readonly method: string;
  readonly url: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

export function withRetries(
  policy: RetryPolicy,
  describe: { registry: string; base: () => URL | undefined },
  onRetry?: (event: RetryEvent) => void,
): Layer {
  return (next) => (req) => {
    if (!isResendable(req) || req.retry === false) return next(req);
    return withRetry(
      policy,
      async ({ last }) => {
        const res = await next(req);
        if (last || !isTemporaryStatus(res.status)) return res;
        const retryAfter = headerValue(res.headers['retry-after']);
        await discardResponse(res);
        throw new RetryLaterError(`status ${res.status}`, retryAfter);
      },
      {
        signal: req.signal,
        onRetry: onRetry
          ? ({ attempt, delayMs, error }) => {
              const base = describe.base();
              const absolute = /^https?:\/\//i.test(req.url);
              onRetry({
                registry: describe.registry,
                method: req.method,
                url: absolute || base ? redactUrl(new URL(req.url, base)) : req.url,
                attempt,
                delayMs,
                reason: error instanceof Error ? error.message : String(error),
              });
            }
          : undefined,
      },
    );
  };
}
