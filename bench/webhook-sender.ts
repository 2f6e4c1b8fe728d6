import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { PATHS } from '../src/api/paths.ts';
import { signStandardWebhook } from '../src/api/standard-webhooks.ts';
import type { PromotionEnvelope } from '../src/cli/trigger/parse-envelope.ts';
import type { StandardWebhookBody } from '../src/service/triggers/standard-webhook-body.ts';

/** What one signed delivery got back, timed from just before the request to the end of the body. */
export interface Delivery {
  /** performance.now() just before the request went out. */
  readonly startedAt: number;
  readonly status: number;
  readonly ms: number;
  /** The envelope of a 200/202/409, undefined for other answers or a network error. */
  readonly envelope: PromotionEnvelope | undefined;
  /** Status line and body (start) of anything but 202, or the network error. */
  readonly problem: string | undefined;
}

/**
 * Sends `promotion.requested` Standard Webhooks to `POST /hooks/standard` exactly as `ferry trigger`
 * does (same body shape, same signing function), over a keep-alive pool of `connections` sockets.
 * Every delivery gets a new webhook-id. Signing happens before the clock starts: it is the sender's work.
 */
export class WebhookSender {
  readonly #pool: Pool;
  readonly #secret: string;
  readonly #idPrefix = `bench-${randomBytes(6).toString('hex')}`;
  #count = 0;

  constructor(serverUrl: string, secret: string, connections: number) {
    this.#pool = new Pool(serverUrl, { connections, pipelining: 1 });
    this.#secret = secret;
  }

  async send(repository: string, tag: string, from: string): Promise<Delivery> {
    const id = `${this.#idPrefix}-${++this.#count}`;
    const payload: StandardWebhookBody = {
      type: 'promotion.requested',
      timestamp: new Date().toISOString(),
      data: { image: repository, tag, from },
    };
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook(this.#secret, id, timestamp, body),
    };
    const started = performance.now();
    try {
      const res = await this.#pool.request({ path: PATHS.standardHook, method: 'POST', headers, body });
      const text = await res.body.text();
      const ms = performance.now() - started;
      const envelope = [200, 202, 409].includes(res.statusCode)
        ? (JSON.parse(text) as PromotionEnvelope)
        : undefined;
      const problem = res.statusCode === 202 ? undefined : `HTTP ${res.statusCode}: ${text.slice(0, 300)}`;
      return { startedAt: started, status: res.statusCode, ms, envelope, problem };
    } catch (err) {
      const ms = performance.now() - started;
      return { startedAt: started, status: 0, ms, envelope: undefined, problem: String(err) };
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
