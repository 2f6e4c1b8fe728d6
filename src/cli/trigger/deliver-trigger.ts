/**
 * Delivers the signed promotion request, retrying what a retry can cure (connection trouble, timeouts,
 * 408/429/5xx) with exponential backoff and jitter, honouring Retry-After. Every attempt carries the
 * same webhook-id and the same body bytes: if an earlier attempt did reach the server (its answer was
 * lost), the server's durable de-duplication turns the retry into "here is that promotion again"
 * instead of a second promotion. Each attempt is re-signed with a fresh timestamp, so a retry late in
 * the backoff is not refused by the server's 5-minute replay window.
 */
import { PATHS } from '../../api/paths.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import type { BackoffOptions } from '../../registry/backoff.ts';
import { isTemporaryStatus } from '../../registry/registry-error.ts';
import { RetryBudget, RetryLaterError } from '../../registry/retry.ts';
import { type ApiHttp, endpointUrl, requestJson } from '../api-client/api-http.ts';
import { serverText } from '../api-client/server-text.ts';
import { type PromotionEnvelope, parseEnvelope, parseErrorBody } from './parse-envelope.ts';
import { signedHeaders } from './trigger-body.ts';
import { TriggerClientError, TriggerClientErrorCode } from './trigger-client-error.ts';

export interface RetryNotice {
  /** 1-based number of the attempt that failed. */
  readonly attempt: number;
  readonly delayMs: number;
  /** `HTTP 503`, `connect ECONNREFUSED …`. */
  readonly problem: string;
}

export interface DeliverOptions {
  readonly http: ApiHttp;
  readonly webhookId: string;
  /** The serialised body, sent byte for byte on every attempt. */
  readonly body: string;
  readonly secret: string;
  /** Retries after the first attempt. */
  readonly retryTimes: number;
  /** Aborts at the overall deadline (`--timeout`). */
  readonly signal: AbortSignal;
  readonly now?: (() => Date) | undefined;
  readonly backoff?: BackoffOptions | undefined;
  readonly random?: (() => number) | undefined;
  /** Called before waiting for the next attempt. */
  readonly onRetry?: ((notice: RetryNotice) => void) | undefined;
}

/** First retry after 0.25-0.5 s, doubling to at most 8 s; a server's Retry-After is honoured up to 30 s. */
export const DELIVERY_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 8_000, maxRetryAfterMs: 30_000 };

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** What a refusal means for the person reading the CI log. */
function refusalHint(serverCode: string | undefined): string {
  switch (serverCode) {
    case 'FERRY_E_TRIGGER_BAD_SIGNATURE':
      return ' (check that the secret matches one of triggers.standardWebhooks.secrets on the server)';
    case 'FERRY_E_TRIGGER_STALE_TIMESTAMP':
      return " (check this machine's clock)";
    default:
      return '';
  }
}

/** The accepted promotion; throws TriggerClientError when refused or undeliverable. */
export async function deliverTrigger(options: DeliverOptions): Promise<PromotionEnvelope> {
  const now = options.now ?? (() => new Date());
  const url = endpointUrl(options.http.server, PATHS.standardHook).href;
  const budget = new RetryBudget(
    { times: options.retryTimes, backoff: options.backoff ?? DELIVERY_BACKOFF },
    {
      signal: options.signal,
      random: options.random,
      onRetry: ({ attempt, delayMs, error }) =>
        options.onRetry?.({
          attempt,
          delayMs,
          problem: error instanceof Error ? error.message : String(error),
        }),
    },
  );
  for (;;) {
    const attempt = budget.used;
    let problem: string;
    let retryAfter: string | undefined;
    let status: number | undefined;
    try {
      const res = await requestJson(options.http, {
        method: 'POST',
        path: PATHS.standardHook,
        headers: signedHeaders(options.secret, options.webhookId, options.body, now()),
        body: options.body,
        signal: options.signal,
      });
      status = res.status;
      const envelope = parseEnvelope(res.json);
      if (res.status >= 200 && res.status < 300) {
        if (envelope === undefined) {
          throw new TriggerClientError(
            TriggerClientErrorCode.BadResponse,
            `${url} answered HTTP ${res.status} without a promotion ({"promotion": {"id", "status", …}}); is this a ferry server?`,
            { status: res.status },
          );
        }
        return envelope;
      }
      const error = parseErrorBody(res.json);
      if (res.status === 409 && envelope !== undefined) return envelope;
      if (res.status === 409 && attempt > 0) {
        throw new TriggerClientError(
          TriggerClientErrorCode.Refused,
          `the server had already accepted delivery ${options.webhookId} (an earlier attempt got through) but did not return its promotion; look it up by that delivery id`,
          { status: 409, serverCode: error?.code },
        );
      }
      if (!isTemporaryStatus(res.status)) {
        const detail =
          error === undefined ? '' : `: ${serverText(error.message)} [${serverText(error.code, 80)}]`;
        throw new TriggerClientError(
          TriggerClientErrorCode.Refused,
          `${url} refused the promotion request: HTTP ${res.status}${detail}${refusalHint(error?.code)}`,
          { status: res.status, serverCode: error?.code },
        );
      }
      problem = `HTTP ${res.status}${error === undefined ? '' : ` ${serverText(error.code, 80)}`}`;
      retryAfter = firstHeader(res.headers['retry-after']);
    } catch (err) {
      if (err instanceof TriggerClientError || options.signal.aborted) throw err;
      // Permanent failures (an untrusted certificate) already say what to do; retrying cannot help.
      if (err instanceof FerryError && !err.temporary) throw err;
      if (!(err instanceof FerryError)) {
        throw new TriggerClientError(
          TriggerClientErrorCode.Unavailable,
          `cannot deliver the promotion request: ${err instanceof Error ? err.message : String(err)}`,
          { cause: err },
        );
      }
      problem = err.message;
    }
    if (budget.exhausted) {
      throw new TriggerClientError(
        TriggerClientErrorCode.Unavailable,
        `cannot deliver the promotion request after ${attempt + 1} attempt${attempt === 0 ? '' : 's'}: ${problem}`,
        { status },
      );
    }
    await budget.backOff(new RetryLaterError(problem, retryAfter));
  }
}
