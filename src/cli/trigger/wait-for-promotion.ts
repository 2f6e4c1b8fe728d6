/**
 * `--wait`: follows a promotion until it reaches a terminal state by polling
 * `GET /api/v1/promotions/<id>`. Polling rather than the SSE stream because it survives every proxy and
 * load balancer between a CI runner and production (buffering proxies hold SSE back), and a lost
 * connection costs one interval, not a reconnection protocol.
 *
 * Temporary trouble (network, 429, 5xx) is reported once per streak and polled through until the
 * deadline; 401/403/404 end the wait (no amount of polling fixes a missing token or a wrong server).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { promotionPath } from '../../api/paths.ts';
import { isTerminalStatus } from '../../api/statuses.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { parseRetryAfter } from '../../registry/backoff.ts';
import { isTemporaryStatus } from '../../registry/registry-error.ts';
import { type ApiHttp, requestJson } from '../api-client/api-http.ts';
import { serverText } from '../api-client/server-text.ts';
import { type PromotionView, parseEnvelope, parseErrorBody } from './parse-envelope.ts';
import { TriggerClientError, TriggerClientErrorCode } from './trigger-client-error.ts';

export interface WaitOptions {
  readonly http: ApiHttp;
  /** The promotion as the hook returned it; polling starts from here. */
  readonly initial: PromotionView;
  /**
   * Authentication headers for one poll of `path`, made per request: an API token's
   * `Authorization: Bearer`, or a read signed with the webhook secret (its timestamp must be current).
   */
  readonly authenticate: (path: string) => Record<string, string>;
  /** How the polls authenticate, for the hint when the server refuses them. */
  readonly authenticatedBy: 'token' | 'signature';
  readonly intervalMs: number;
  /** Aborts at the deadline (`--timeout`). */
  readonly signal: AbortSignal;
  /** Every state read (the caller prints changes). */
  readonly onUpdate: (promotion: PromotionView) => void;
  /** The first failed poll of a streak. */
  readonly onProblem?: ((problem: string) => void) | undefined;
}

/** A server's Retry-After stretches the interval, but never beyond this. */
const MAX_POLL_DELAY_MS = 30_000;

export function isTerminal(promotion: PromotionView): boolean {
  return isTerminalStatus(promotion.status);
}

/** Resolves to the promotion in its terminal state; rejects when the deadline aborts or polling is refused. */
export async function waitForPromotion(options: WaitOptions): Promise<PromotionView> {
  let current = options.initial;
  const id = current.id;
  const path = promotionPath(id);
  let troubled = false;
  // The hook has just answered with the current state: wait one interval before the first read.
  let delay = options.intervalMs;
  while (!isTerminal(current)) {
    await sleep(delay, undefined, { signal: options.signal });
    delay = options.intervalMs;
    try {
      const res = await requestJson(options.http, {
        method: 'GET',
        path,
        headers: options.authenticate(path),
        signal: options.signal,
      });
      const envelope = res.status === 200 ? parseEnvelope(res.json) : undefined;
      if (envelope !== undefined && envelope.promotion.id === id) {
        troubled = false;
        current = envelope.promotion;
        options.onUpdate(current);
        continue;
      }
      if (res.status === 200) {
        throw new TriggerClientError(
          TriggerClientErrorCode.BadResponse,
          `GET ${path} answered without promotion ${id}`,
          { status: 200 },
        );
      }
      if (!isTemporaryStatus(res.status)) {
        const error = parseErrorBody(res.json);
        const hint =
          res.status === 401 || res.status === 403
            ? options.authenticatedBy === 'signature'
              ? '; the server did not accept a read signed with the webhook secret (the Standard Webhooks trigger is off, or the server predates signed reads): give an API token that may view promotions with --token-file or FERRY_TOKEN'
              : res.status === 401
                ? '; the API token (--token-file or FERRY_TOKEN) was not accepted'
                : '; the API token may not view this promotion'
            : '';
        throw new TriggerClientError(
          TriggerClientErrorCode.FollowRefused,
          `cannot follow promotion ${id}: HTTP ${res.status}${error === undefined ? '' : `: ${serverText(error.message)}`}${hint}`,
          { status: res.status, serverCode: error?.code },
        );
      }
      const header = res.headers['retry-after'];
      const retryAfter = parseRetryAfter(Array.isArray(header) ? header[0] : header);
      if (retryAfter !== undefined) delay = Math.min(Math.max(delay, retryAfter), MAX_POLL_DELAY_MS);
      if (!troubled) options.onProblem?.(`HTTP ${res.status}`);
      troubled = true;
    } catch (err) {
      if (err instanceof TriggerClientError || options.signal.aborted) throw err;
      if (!(err instanceof FerryError) || !err.temporary) throw err;
      if (!troubled) options.onProblem?.(err.message);
      troubled = true;
    }
  }
  return current;
}
