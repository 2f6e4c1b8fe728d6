/**
 * Live promotion updates as server-sent events (WHATWG HTML §9.2), for the dashboard and
 * `ferry trigger --wait`. Two kinds of stream:
 *
 * `GET /api/v1/promotions/:id/events`, one promotion:
 *   event: status      data: <Promotion>          first the current state, then every change (the
 *                                                  contract's view, with approvals: promotion-view.ts)
 *   event: audit       data: <AuditEvent>         each step recorded while the stream is open
 *   event: progress    data: <PromotionProgress>  bytes done, and every blob's state (api/blob-progress.ts)
 *   It ends after a terminal status. The subscription is made *before* the current state is read, so no
 *   update can fall between the two.
 *
 * `GET /api/v1/events`, every promotion (the dashboard's live list):
 *   event: status      data: <Promotion>          each creation and status change
 *   Nothing is replayed: the subscription is in place before the response headers are sent, so a client
 *   that reads the list once the headers arrived misses nothing. All list streams share one
 *   subscription, and each change is turned into its view once, whatever the number of clients.
 *
 * Both: `: heartbeat` comments every 15 s, so proxies (OpenShift routes time out idle connections after
 * 30 s) keep the stream open; a client that reads slower than MAX_BUFFERED_BYTES is cut off (it
 * reconnects); streams end when the client leaves or the server shuts down.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PromotionService, PromotionUpdate } from '../promote/promotion-service.ts';
import { type Promotion, TERMINAL_STATUSES } from '../store/promotion.ts';
import { notFound } from './errors.ts';
import { type PromotionViews, toAuditEventView, toBlobProgressView } from './promotion-view.ts';

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
      return {
        promotionId: update.promotionId,
        bytes: update.bytes,
        totalBytes: update.totalBytes,
        blobs: update.blobs.map(toBlobProgressView),
      };
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
  /** Serves GET /api/v1/events: every promotion's status changes. */
  handleAll(request: FastifyRequest, reply: FastifyReply): void;
  /** Ends every open stream (server shutdown: otherwise close would wait for clients to leave). */
  closeAll(): void;
  /** Streams currently open. */
  readonly size: number;
}

/** An open text/event-stream response. */
interface OpenStream {
  /** Writes `text` unless finished; a client that lets too much pile up is cut off. */
  write(text: string): void;
  finish(): void;
  readonly finished: boolean;
}

/** Promotions whose last streamed status the list stream remembers (to drop late duplicates). */
const MAX_REMEMBERED = 10_000;

/**
 * Whether `promotion` is a state older than, or the same as, `last`: with several replicas a
 * notification can arrive after a read (or another notification) already delivered that state.
 */
function isStale(promotion: Promotion, last: Promotion | undefined): boolean {
  return (
    last !== undefined &&
    (timeOf(promotion) < timeOf(last) ||
      (timeOf(promotion) === timeOf(last) && promotion.status === last.status))
  );
}

export function createEventStreams(options: EventStreamsOptions): EventStreams {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const open = new Set<() => void>();

  /** Takes over the response and starts the stream; `onFinish` runs once when it ends, for any reason. */
  function openStream(
    request: FastifyRequest,
    reply: FastifyReply,
    what: Record<string, unknown>,
    onFinish: () => void,
  ): OpenStream {
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
    const finish = () => {
      if (finished) return;
      finished = true;
      onFinish();
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
        request.log.warn(what, 'event stream client too slow; closing the stream');
        finish();
      }
    };
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    return {
      write,
      finish,
      get finished() {
        return finished;
      },
    };
  }

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
    const stream = openStream(request, reply, { promotionId: id }, unsubscribe);

    // The last status sent: a notification of a state the client already has is dropped. With several
    // replicas one can arrive after the stream read that state (PostgreSQL NOTIFY from the replica that
    // made the change reaches this one later than the read does), and the client would see it twice.
    let lastStatus: Promotion | undefined;
    let written: Promise<void> = Promise.resolve();
    const send = (update: PromotionUpdate) => {
      if (update.type === 'status') {
        if (isStale(update.promotion, lastStatus)) return;
        lastStatus = update.promotion;
      }
      // A status event's view reads the approvals: events are chained so they stay in order.
      written = written
        .then(async () => {
          if (stream.finished) return;
          stream.write(formatEvent(update.type, await dataOf(update, options.views)));
          if (update.type === 'status' && isTerminal(update.promotion)) stream.finish();
        })
        .catch((err: unknown) => {
          request.log.warn({ promotionId: id, err }, 'event stream update failed; closing the stream');
          stream.finish();
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
  }

  // The list streams' shared subscription: taken when the first client arrives, dropped with the last.
  const listClients = new Set<OpenStream>();
  const lastListed = new Map<string, Promotion>();
  let unsubscribeAll: (() => void) | undefined;
  let listWritten: Promise<void> = Promise.resolve();

  function onAnyUpdate(update: PromotionUpdate, log: FastifyRequest['log']): void {
    if (update.type !== 'status') return;
    const { promotion } = update;
    if (isStale(promotion, lastListed.get(promotion.id))) return;
    lastListed.delete(promotion.id); // re-inserted last: the map forgets the least recently changed
    lastListed.set(promotion.id, promotion);
    if (lastListed.size > MAX_REMEMBERED) lastListed.delete(lastListed.keys().next().value as string);
    listWritten = listWritten
      .then(async () => {
        if (listClients.size === 0) return;
        const text = formatEvent('status', await options.views.one(promotion));
        for (const client of listClients) client.write(text);
      })
      .catch((err: unknown) => {
        // The view could not be read (the database): the clients reconnect and read the list again,
        // rather than keep a list with a change missing.
        log.warn({ err }, 'promotion list stream update failed; closing the list streams');
        for (const client of [...listClients]) client.finish();
      });
  }

  function handleAll(request: FastifyRequest, reply: FastifyReply): void {
    if (unsubscribeAll === undefined) {
      unsubscribeAll = options.service.subscribe(undefined, (update) => onAnyUpdate(update, request.log));
    }
    const stream = openStream(request, reply, { stream: 'promotions' }, () => {
      listClients.delete(stream);
      if (listClients.size === 0) {
        unsubscribeAll?.();
        unsubscribeAll = undefined;
        lastListed.clear();
      }
    });
    listClients.add(stream);
  }

  return {
    handle,
    handleAll,
    closeAll() {
      for (const finish of [...open]) finish();
    },
    get size() {
      return open.size;
    },
  };
}
