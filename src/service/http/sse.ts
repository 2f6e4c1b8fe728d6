/**
 * Live progress of one promotion as server-sent events (WHATWG HTML §9.2), for the dashboard and
 * `ferry trigger --wait`:
 *
 *   event: status      data: <Promotion>          first the current state, then every change (the
 *                                                  contract's view, with approvals: promotion-view.ts)
 *   event: audit       data: <AuditEvent>         each step recorded while the stream is open
 *   event: progress    data: {promotionId, bytes, totalBytes}
 *   : heartbeat                                    a comment every 15 s, so proxies (OpenShift routes
 *                                                  time out idle connections after 30 s) keep it open
 *
 * The stream ends after a terminal status, when the client leaves, or when the server shuts down (the
 * client reconnects elsewhere). The subscription is made *before* the current state is read, so no
 * update can fall between the two.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PromotionService, PromotionUpdate } from '../promote/promotion-service.ts';
import { type Promotion, TERMINAL_STATUSES } from '../store/promotion.ts';
import { notFound } from './errors.ts';
import { type PromotionViews, toAuditEventView } from './promotion-view.ts';

export const DEFAULT_HEARTBEAT_MS = 15_000;

/** A client that reads slower than this many buffered bytes is cut off; it can reconnect. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One event in the text/event-stream format; `data` is JSON, so it never contains a newline. */
export function formatEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

function isTerminal(promotion: Promotion): boolean {
  return TERMINAL_STATUSES.includes(promotion.status);
}

function timeOf(promotion: Promotion): number {
  return new Date(promotion.updatedAt).getTime();
}

function dataOf(update: PromotionUpdate, views: PromotionViews): unknown {
  switch (update.type) {
    case 'status':
      return views.one(update.promotion);
    case 'audit':
      return toAuditEventView(update.event);
    case 'progress':
      return { promotionId: update.promotionId, bytes: update.bytes, totalBytes: update.totalBytes };
  }
}

export interface EventStreamsOptions {
  readonly service: Pick<PromotionService, 'get' | 'subscribe'>;
  /** How a status event shows its promotion. */
  readonly views: PromotionViews;
  /** Default DEFAULT_HEARTBEAT_MS. */
  readonly heartbeatMs?: number | undefined;
}

export interface EventStreams {
  /** Serves GET /api/v1/promotions/:id/events; 404 (as JSON, before streaming) for an unknown id. */
  handle(request: FastifyRequest, reply: FastifyReply, id: string): Promise<void>;
  /** Ends every open stream (server shutdown: otherwise close would wait for clients to leave). */
  closeAll(): void;
  /** Streams currently open. */
  readonly size: number;
}

export function createEventStreams(options: EventStreamsOptions): EventStreams {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const open = new Set<() => void>();

  async function handle(request: FastifyRequest, reply: FastifyReply, id: string): Promise<void> {
    const pending: PromotionUpdate[] = [];
    let deliver = (update: PromotionUpdate) => {
      pending.push(update);
    };
    const unsubscribe = options.service.subscribe(id, (update) => deliver(update));
    let found: Awaited<ReturnType<PromotionService['get']>>;
    try {
      found = await options.service.get(id);
    } catch (err) {
      unsubscribe();
      throw err;
    }
    if (found === undefined) {
      unsubscribe();
      throw notFound(`promotion ${JSON.stringify(id)} does not exist`);
    }

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx (and OpenShift's HAProxy with buffering) would otherwise hold events back.
      'x-accel-buffering': 'no',
    });

    let finished = false;
    let heartbeat: NodeJS.Timeout | undefined;
    const finish = () => {
      if (finished) return;
      finished = true;
      unsubscribe();
      clearInterval(heartbeat);
      open.delete(finish);
      if (!res.writableEnded) res.end();
    };
    open.add(finish);
    res.on('close', finish);

    const write = (text: string) => {
      if (finished) return;
      res.write(text);
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        request.log.warn({ promotionId: id }, 'event stream client too slow; closing the stream');
        finish();
      }
    };
    // The last status sent: a notification of a state the client already has is dropped. With several
    // replicas one can arrive after the stream read that state (PostgreSQL NOTIFY from the replica that
    // made the change reaches this one later than the read does), and the client would see it twice.
    let lastStatus: Promotion | undefined;
    let written: Promise<void> = Promise.resolve();
    const send = (update: PromotionUpdate) => {
      if (update.type === 'status') {
        const last = lastStatus;
        if (
          last !== undefined &&
          (timeOf(update.promotion) < timeOf(last) ||
            (timeOf(update.promotion) === timeOf(last) && update.promotion.status === last.status))
        ) {
          return;
        }
        lastStatus = update.promotion;
      }
      // A status event's view reads the approvals: events are chained so they stay in order.
      written = written
        .then(async () => {
          if (finished) return;
          write(formatEvent(update.type, await dataOf(update, options.views)));
          if (update.type === 'status' && isTerminal(update.promotion)) finish();
        })
        .catch((err: unknown) => {
          request.log.warn({ promotionId: id, err }, 'event stream update failed; closing the stream');
          finish();
        });
    };

    const current = found.promotion;
    send({ type: 'status', promotion: current });
    // Updates that arrived while the current state was read: a status change older than what was just
    // sent would make the client step back, so only newer ones are replayed.
    for (const update of pending) {
      if (update.type === 'status' && timeOf(update.promotion) <= timeOf(current)) {
        continue;
      }
      send(update);
    }
    pending.length = 0;
    deliver = send;
    if (finished) return;
    heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
  }

  return {
    handle,
    closeAll() {
      for (const finish of [...open]) finish();
    },
    get size() {
      return open.size;
    },
  };
}
