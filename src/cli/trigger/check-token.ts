/**
 * `--wait` with an API token: the token is tried with a cheap authenticated read
 * (`GET /api/v1/promotions?limit=1`, role viewer) *before* the promotion request is sent. A mistyped
 * `--token-file` used to be found only after the trigger was accepted: the CI step went red while
 * production changed. Now it ends the step with exit 2 and nothing accepted.
 *
 * Connection trouble is retried like a delivery (same budget); when it persists, nothing was sent and
 * the command fails with exit 1 as an undeliverable request would.
 */
import { PATHS, queryString } from '../../api/paths.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { isTemporaryStatus } from '../../registry/registry-error.ts';
import { RetryBudget, RetryLaterError } from '../../registry/retry.ts';
import { type ApiHttp, endpointUrl, requestJson } from '../api-client/api-http.ts';
import { serverText } from '../api-client/server-text.ts';
import { DELIVERY_BACKOFF, type RetryNotice } from './deliver-trigger.ts';
import { parseErrorBody } from './parse-envelope.ts';
import { TriggerClientError, TriggerClientErrorCode } from './trigger-client-error.ts';

export interface CheckTokenOptions {
  readonly http: ApiHttp;
  readonly token: string;
  /** Where the token came from, for messages: `--token-file "/run/token"` or `FERRY_TOKEN`. */
  readonly source: string;
  readonly retryTimes: number;
  readonly signal: AbortSignal;
  readonly onRetry?: ((notice: RetryNotice) => void) | undefined;
}

const CHECK_PATH = `${PATHS.promotions}${queryString({ limit: 1 })}`;

/** Resolves when the server accepts the token for reading promotions; throws TriggerClientError otherwise. */
export async function checkToken(options: CheckTokenOptions): Promise<void> {
  const url = endpointUrl(options.http.server, CHECK_PATH).href;
  const budget = new RetryBudget(
    { times: options.retryTimes, backoff: DELIVERY_BACKOFF },
    {
      signal: options.signal,
      onRetry: ({ attempt, delayMs, error }) =>
        options.onRetry?.({
          attempt,
          delayMs,
          problem: error instanceof Error ? error.message : String(error),
        }),
    },
  );
  for (;;) {
    let problem: string;
    try {
      const res = await requestJson(options.http, {
        method: 'GET',
        path: CHECK_PATH,
        headers: { authorization: `Bearer ${options.token}` },
        signal: options.signal,
      });
      if (res.status === 200) return;
      const error = parseErrorBody(res.json);
      const detail =
        error === undefined ? '' : `: ${serverText(error.message)} [${serverText(error.code, 80)}]`;
      if (res.status === 401 || res.status === 403) {
        const why =
          res.status === 401
            ? `the API token from ${options.source} was not accepted by the server`
            : `the API token from ${options.source} may not view promotions (--wait needs role viewer or above)`;
        throw new TriggerClientError(
          TriggerClientErrorCode.TokenRefused,
          `${why} (GET ${url}: HTTP ${res.status}${detail}); nothing was sent`,
          { status: res.status, serverCode: error?.code },
        );
      }
      if (!isTemporaryStatus(res.status)) {
        throw new TriggerClientError(
          TriggerClientErrorCode.Refused,
          `checking the API token: GET ${url} answered HTTP ${res.status}${detail} (is --server a ferry server?); nothing was sent`,
          { status: res.status, serverCode: error?.code },
        );
      }
      const header = res.headers['retry-after'];
      problem = `HTTP ${res.status}${error === undefined ? '' : ` ${serverText(error.code, 80)}`}`;
      if (!budget.exhausted) {
        await budget.backOff(new RetryLaterError(problem, Array.isArray(header) ? header[0] : header));
        continue;
      }
    } catch (err) {
      if (err instanceof TriggerClientError || options.signal.aborted) throw err;
      if (err instanceof FerryError && !err.temporary) throw err;
      problem = err instanceof Error ? err.message : String(err);
      if (!budget.exhausted && err instanceof FerryError) {
        await budget.backOff(err);
        continue;
      }
    }
    throw new TriggerClientError(
      TriggerClientErrorCode.Unavailable,
      `cannot check the API token at ${url} after ${budget.used + 1} attempt${budget.used === 0 ? '' : 's'}: ${problem}; nothing was sent`,
    );
  }
}
