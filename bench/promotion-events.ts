import { Pool } from 'undici';
import { promotionPath } from '../src/api/paths.ts';
import type { PromotionView } from '../src/cli/trigger/parse-envelope.ts';
import { TERMINAL_STATUSES } from '../src/service/store/promotion.ts';

/** A promotion as the event stream sends it: the API view plus the server's timestamps (ISO strings). */
export interface StreamedPromotion extends PromotionView {
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

export interface TerminalState {
  readonly promotion: StreamedPromotion;
  /** performance.now() when the terminal status event had been read. */
  readonly at: number;
}

/**
 * Follows `GET /api/v1/promotions/<id>/events` (server-sent events) until a terminal `status` event.
 * Server-sent events rather than polling: the status arrives when the server publishes it, so the
 * measurement pays no polling interval. The stream opens with the current state, so a promotion that
 * finished before the subscription still ends the wait at once.
 */
export class PromotionEvents {
  readonly #pool: Pool;
  readonly #token: string;

  constructor(serverUrl: string, viewerToken: string, connections = 2) {
    this.#pool = new Pool(serverUrl, { connections });
    this.#token = viewerToken;
  }

  async waitForTerminal(id: string, signal: AbortSignal): Promise<TerminalState> {
    const res = await this.#pool.request({
      path: `${promotionPath(id)}/events`,
      method: 'GET',
      headers: { authorization: `Bearer ${this.#token}`, accept: 'text/event-stream' },
      signal,
    });
    if (res.statusCode !== 200) {
      throw new Error(
        `event stream of ${id}: HTTP ${res.statusCode}: ${(await res.body.text()).slice(0, 300)}`,
      );
    }
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of res.body) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true }).replaceAll('\r\n', '\n');
        for (let end = buffered.indexOf('\n\n'); end !== -1; end = buffered.indexOf('\n\n')) {
          const event = parseEvent(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
          if (event?.type !== 'status') continue;
          const promotion = JSON.parse(event.data) as StreamedPromotion;
          if (TERMINAL_STATUSES.includes(promotion.status)) return { promotion, at: performance.now() };
        }
      }
    } finally {
      res.body.destroy();
    }
    throw new Error(`event stream of ${id} ended before a terminal status`);
  }

  close(): Promise<void> {
    return this.#pool.destroy();
  }
}

/** One text/event-stream event block; comments (`: heartbeat`) alone give undefined. */
function parseEvent(block: string): { type: string; data: string } | undefined {
  let type = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? undefined : { type, data: data.join('\n') };
}
