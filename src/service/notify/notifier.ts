/**
 * Outbound notifications: when a promotion reaches a state a target subscribed to, POST a Standard
 * Webhooks-signed event to it (https://www.standardwebhooks.com: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature`), in the background, with retries, recording every attempt.
 *
 *   - `webhook-id` is derived from (promotion, event, target): the same on every retry and after a
 *     restart, so receivers de-duplicate (webhook-id.ts). The body is built once and resent unchanged;
 *     each attempt is signed afresh with its own timestamp so a late retry is not refused as stale.
 *   - Retries on network errors, timeouts, 408/429/5xx with exponential backoff and jitter, honouring
 *     Retry-After (capped); other answers end the delivery (the receiver refused this event).
 *   - The secret is resolved at every attempt (a rotated Kubernetes Secret is picked up) and never
 *     appears in a record or log line; neither does the URL, which may itself be a token.
 *   - `notify()` never waits for the network and never throws for a delivery problem: a promotion's
 *     outcome must not depend on a chat server.
 */
import type { Dispatcher } from 'undici';
import { STANDARD_WEBHOOK_HEADERS, signStandardWebhook } from '../../api/standard-webhooks.ts';
import { type BackoffOptions, retryDelay } from '../../registry/backoff.ts';
import { Agent } from '../../registry/undici-parts.ts';
import type { ReadFile } from '../config/read-small-file.ts';
import { type Env, resolveSecret } from '../config/resolve-secret.ts';
import type { NotifyTarget } from '../config/schema.ts';
import type { Database } from '../store/database.ts';
import { recordNotification } from '../store/notification-store.ts';
import type { Promotion } from '../store/promotion.ts';
import { createDeliveryQueue } from './delivery-queue.ts';
import { buildNotificationBody, eventForStatus, type NotificationEvent } from './notification-event.ts';
import { NotifyError, NotifyErrorCode } from './notify-error.ts';
import { type AttemptOutcome, postAttempt } from './post-attempt.ts';
import { scrub, urlSecrets } from './scrub.ts';
import { targetsFor } from './target-filter.ts';
import { notificationWebhookId } from './webhook-id.ts';

/** pino-compatible: `logger.warn({ fields }, 'message')`. */
export interface NotifyLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface NotifierConfig {
  readonly notify: readonly NotifyTarget[];
  readonly server?: { readonly publicUrl?: string | undefined } | undefined;
}

export interface NotifierOptions {
  /** `notify` targets and `server.publicUrl` (for the link in each event) of ferry.yaml. */
  readonly config: NotifierConfig;
  /** Where every attempt is recorded (`notification_deliveries`). */
  readonly db: Database;
  /** For `{ env: … }` secret references. Default process.env. */
  readonly env?: Env | undefined;
  /** For `{ file: … }` secret references. Default: a bounded read from disk. */
  readonly readFile?: ReadFile | undefined;
  /** HTTP client. Default: an undici Agent owned (and closed) by the notifier. */
  readonly dispatcher?: Dispatcher | undefined;
  /** Clock for event timestamps and `webhook-timestamp`. Default the system clock. */
  readonly now?: (() => Date) | undefined;
  readonly logger?: NotifyLogger | undefined;
  /** Attempts per event and target, the first included. Default 5. */
  readonly maxAttempts?: number | undefined;
  /** Per attempt, connect to last byte. Default 10 s. */
  readonly timeoutMs?: number | undefined;
  /** Attempts in flight at once. Default 4. */
  readonly concurrency?: number | undefined;
  /** Deliveries held at once; beyond this, new events are dropped (and recorded as such). Default 1000. */
  readonly maxQueued?: number | undefined;
  /** How long stop() waits for queued deliveries by default. Default 10 s. */
  readonly graceMs?: number | undefined;
  /** Retry timing. Default: 1 s doubling to at most 5 min; Retry-After honoured up to 10 min. */
  readonly backoff?: BackoffOptions | undefined;
  /** For the jitter. Default Math.random. */
  readonly random?: (() => number) | undefined;
  /**
   * Link put in `data.url`. Default `<server.publicUrl>/api/v1/promotions/<id>` (the URL the hooks answer
   * with) when publicUrl is set.
   */
  readonly promotionUrl?: ((id: string) => string | undefined) | undefined;
  readonly userAgent?: string | undefined;
}

export interface Notifier {
  /**
   * Queues the event `event` (default: the one the promotion's status announces) for every target
   * subscribed to it, and returns how many deliveries were queued. Returns at once; delivery happens in
   * the background. Throws NotifyError Stopped after stop().
   */
  notify(promotion: Promotion, event?: NotificationEvent): number;
  /** Resolves when every queued delivery has finished (tests, orderly shutdown). */
  idle(): Promise<void>;
  /**
   * Takes no new events, waits up to `graceMs` (default the option) for queued deliveries and their
   * retries, then abandons the rest. Closes the dispatcher if the notifier created it.
   */
  stop(options?: { readonly graceMs?: number | undefined }): Promise<{ readonly abandoned: number }>;
}

/** Where the API serves one promotion (http/promotion-links.ts uses the same path). */
const PROMOTIONS_API_PATH = '/api/v1/promotions';

const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 300_000, maxRetryAfterMs: 600_000 };

const NO_LOGGER: NotifyLogger = { info() {}, warn() {} };

interface Delivery {
  readonly promotionId: string;
  readonly target: NotifyTarget;
  /** Index in `notify`, for the config key named by a secret error. */
  readonly targetIndex: number;
  readonly event: NotificationEvent;
  readonly webhookId: string;
  readonly body: string;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const targets = options.config.notify;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? NO_LOGGER;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const graceMs = options.graceMs ?? 10_000;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const random = options.random ?? Math.random;
  const userAgent = options.userAgent ?? 'ferry-notify';
  const publicUrl = options.config.server?.publicUrl;
  const promotionUrl =
    options.promotionUrl ??
    ((id: string) =>
      publicUrl === undefined ? undefined : `${publicUrl}${PROMOTIONS_API_PATH}/${encodeURIComponent(id)}`);
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  const queue = createDeliveryQueue({
    concurrency: options.concurrency ?? 4,
    maxQueued: options.maxQueued ?? 1000,
  });
  let stopped = false;

  const fieldsOf = (delivery: Delivery, attempt: number) => ({
    promotionId: delivery.promotionId,
    target: delivery.target.name,
    event: delivery.event,
    webhookId: delivery.webhookId,
    attempt,
  });

  async function record(
    delivery: Delivery,
    attempt: number,
    statusCode: number | undefined,
    error: string | undefined,
    durationMs: number | undefined,
  ): Promise<void> {
    try {
      await recordNotification(options.db, {
        promotionId: delivery.promotionId,
        target: delivery.target.name,
        event: delivery.event,
        attempt,
        statusCode: statusCode ?? null,
        error: error ?? null,
        durationMs: durationMs ?? null,
      });
    } catch (err) {
      // The store being unavailable must not stop the delivery itself; the log still has the attempt.
      logger.warn(
        { ...fieldsOf(delivery, attempt), error: err instanceof Error ? err.message : String(err) },
        'could not record a notification attempt',
      );
    }
  }

  async function attemptOnce(
    delivery: Delivery,
    signal: AbortSignal,
  ): Promise<{ outcome: AttemptOutcome; secret?: string }> {
    let secret: string | undefined;
    if (delivery.target.secret !== undefined) {
      try {
        secret = await resolveSecret(delivery.target.secret, {
          env,
          readFile: options.readFile,
          key: `notify[${delivery.targetIndex}].secret`,
        });
      } catch (err) {
        // Names the file or variable, never a value (resolveSecret's contract). A file mid-rotation can
        // reappear, so this is retried like a network error.
        const detail = err instanceof Error ? err.message.replace(/\s+/g, ' ') : String(err);
        return { outcome: { kind: 'retry', error: `signing secret unavailable: ${detail}` } };
      }
    }
    const timestamp = Math.floor(now().getTime() / 1000);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': userAgent,
      [STANDARD_WEBHOOK_HEADERS.id]: delivery.webhookId,
      [STANDARD_WEBHOOK_HEADERS.timestamp]: String(timestamp),
    };
    if (secret !== undefined) {
      try {
        headers[STANDARD_WEBHOOK_HEADERS.signature] = signStandardWebhook(
          secret,
          delivery.webhookId,
          timestamp,
          delivery.body,
        );
      } catch (err) {
        // A malformed `whsec_` secret: its message says so without showing it. Retrying cannot fix it.
        const detail = err instanceof Error ? err.message : String(err);
        return { outcome: { kind: 'failed', error: `cannot sign: ${detail}` }, secret };
      }
    }
    const outcome = await postAttempt({
      dispatcher,
      url: delivery.target.url,
      headers,
      body: delivery.body,
      timeoutMs,
      signal,
    });
    return { outcome, ...(secret === undefined ? {} : { secret }) };
  }

  function deliveryTask(delivery: Delivery) {
    let attempt = 0;
    return {
      async run(signal: AbortSignal): Promise<number | undefined> {
        attempt++;
        const started = performance.now();
        const { outcome, secret } = await attemptOnce(delivery, signal);
        const durationMs = performance.now() - started;
        const error =
          outcome.kind === 'delivered'
            ? undefined
            : scrub(outcome.error, [secret, ...urlSecrets(delivery.target.url)]);
        await record(delivery, attempt, outcome.statusCode, error, durationMs);
        const fields = {
          ...fieldsOf(delivery, attempt),
          statusCode: outcome.statusCode,
          durationMs: Math.round(durationMs),
        };
        if (outcome.kind === 'delivered') {
          logger.info(fields, 'notification delivered');
          return undefined;
        }
        if (outcome.kind === 'retry' && attempt < maxAttempts && !signal.aborted) {
          const wait = retryDelay(attempt - 1, outcome.retryAfter, backoff, random);
          logger.warn({ ...fields, error, retryInMs: wait }, 'notification attempt failed; will retry');
          return wait;
        }
        logger.warn(
          { ...fields, error },
          outcome.kind === 'retry'
            ? `notification gave up after ${attempt} attempts`
            : 'notification failed; not retried',
        );
        return undefined;
      },
    };
  }

  return {
    notify(promotion, event = eventForStatus(promotion.status)) {
      if (stopped)
        throw new NotifyError(NotifyErrorCode.Stopped, 'the notifier is stopped; no new events are taken');
      if (event === undefined) return 0;
      const at = now();
      const body = JSON.stringify(
        buildNotificationBody(promotion, event, { at, url: promotionUrl(promotion.id) }),
      );
      let queued = 0;
      for (const target of targetsFor(targets, promotion.rule, event)) {
        const delivery: Delivery = {
          promotionId: promotion.id,
          target,
          targetIndex: targets.indexOf(target),
          event,
          webhookId: notificationWebhookId(promotion.id, event, target.name),
          body,
        };
        if (queue.push(deliveryTask(delivery))) {
          queued++;
        } else {
          // Recorded as a (never sent) first attempt, so the delivery history shows the gap.
          logger.warn(fieldsOf(delivery, 1), 'notification dropped: delivery queue is full');
          void record(delivery, 1, undefined, 'dropped: the delivery queue was full', undefined);
        }
      }
      return queued;
    },
    idle: () => queue.idle(),
    async stop(stopOptions = {}) {
      stopped = true;
      const result = await queue.stop(stopOptions.graceMs ?? graceMs);
      if (result.abandoned > 0) {
        logger.warn({ abandoned: result.abandoned }, 'notifier stopped with deliveries still pending');
      }
      if (ownsDispatcher) await dispatcher.close().catch(() => undefined);
      return result;
    },
  };
}
