/**
 * Live promotion updates across replicas. Each replica's engine publishes its updates in-process
 * (promotion-events.ts); this relays them to every other replica sharing the database with
 * PostgreSQL's NOTIFY, and hands what the others relayed to this replica's event streams, so a client
 * following a promotion sees every step whichever replica runs it or is asked to approve or cancel it.
 *
 * One code path for both stores: PGlite implements LISTEN/NOTIFY in-process, where the only listener is
 * the replica itself and its own messages are skipped. A replica's own updates never take the detour
 * through the database: its engine delivers them at once, and they keep flowing if the database is slow.
 *
 * Guarantees are those of a live view, not of a log: an update sent while a replica's listening
 * connection is down is lost for that replica's streams (the promotion itself, its timeline and
 * `GET /api/v1/promotions/:id` are unaffected). Order is kept per sending replica: its NOTIFYs are sent
 * one after another, and PostgreSQL delivers notifications in commit order.
 */
import { randomUUID } from 'node:crypto';
import { safeError } from '../safe-error.ts';
import { listAudit } from '../store/audit-store.ts';
import type { Database, Notifications } from '../store/database.ts';
import { listBlobProgress } from '../store/promotion-blob-store.ts';
import { getPromotion } from '../store/promotion-query.ts';
import { type PromotionLogger, silentLogger } from './engine-context.ts';
import { PromotionEvents, type PromotionListener } from './promotion-events.ts';
import type { PromotionService, PromotionUpdate } from './promotion-service.ts';
import { decodeUpdate, encodeUpdate, type UpdateRef, type WireMessage } from './update-wire.ts';

export const UPDATE_CHANNEL = 'ferry_promotion_updates';

/** Updates waiting to be sent or delivered; beyond this (a database that stopped answering) they are dropped. */
const MAX_PENDING = 1000;

export interface UpdateRelayOptions {
  readonly db: Database & Notifications;
  /** This replica's engine: what it publishes is sent to the other replicas. */
  readonly local: Pick<PromotionService, 'subscribe'>;
  readonly logger?: PromotionLogger | undefined;
  /** Default UPDATE_CHANNEL. */
  readonly channel?: string | undefined;
  /** Names this replica in its messages. Default: a random UUID per start. */
  readonly replicaId?: string | undefined;
  /**
   * How long the first update of a batch waits for others before it is sent. Default 50 ms: a live
   * view that is 50 ms later on the other replicas, for one statement per batch rather than per update.
   */
  readonly batchMs?: number | undefined;
}

export interface UpdateRelay {
  /** Updates made by other replicas (never this replica's own: its engine delivers those). */
  subscribe(id: string | undefined, listener: PromotionListener): () => void;
  /** Stops relaying: no new updates are taken, pending ones are sent, listening ends. */
  stop(): Promise<void>;
}

/** Starts listening (resolves once the LISTEN is in place) and relaying this replica's updates. */
export async function startUpdateRelay(options: UpdateRelayOptions): Promise<UpdateRelay> {
  const { db } = options;
  const replicaId = options.replicaId ?? randomUUID();
  const channel = options.channel ?? UPDATE_CHANNEL;
  const logger = options.logger ?? silentLogger;
  const remote = new PromotionEvents({
    onListenerError: (err) => logger.warn({ error: safeError(err) }, 'promotion listener failed'),
  });

  async function resolveRef(ref: UpdateRef): Promise<PromotionUpdate | undefined> {
    if (ref.type === 'status') {
      const promotion = await getPromotion(db, ref.promotionId);
      return promotion === undefined ? undefined : { type: 'status', promotion, previous: ref.previous };
    }
    if (ref.type === 'progress') return { ...ref, blobs: await listBlobProgress(db, ref.promotionId) };
    const event = (await listAudit(db, ref.promotionId)).find((e) => e.id === ref.eventId);
    return event === undefined ? undefined : { type: 'audit', event };
  }

  async function deliver(message: WireMessage): Promise<void> {
    const update = 'update' in message ? message.update : await resolveRef(message.ref);
    if (update !== undefined) remote.publish(update);
  }

  // Inbound: one after another, so an update read back from the database cannot overtake a later one.
  let inbound: Promise<void> = Promise.resolve();
  let inboundPending = 0;
  const unlisten = await db.listen(
    channel,
    (payload) => {
      // Relayed updates only feed this replica's event streams: with none open, there is nothing to do
      // (a replica nobody watches pays nothing for the others' updates but receiving them).
      if (remote.listenerCount === 0) return;
      const message = decodeUpdate(payload);
      if (message === undefined || message.from === replicaId) return;
      if (inboundPending >= MAX_PENDING) return;
      inboundPending++;
      inbound = inbound
        .then(() => deliver(message))
        .catch((err: unknown) =>
          logger.warn({ error: safeError(err) }, 'could not read a relayed promotion update'),
        )
        .finally(() => {
          inboundPending--;
        });
    },
    {
      onError: (err) =>
        logger.warn(
          { error: safeError(err) },
          'live updates from other replicas interrupted; reconnecting (updates sent meanwhile are not streamed)',
        ),
    },
  );

  // Outbound: one statement at a time keeps this replica's updates in order for every listener. What
  // is published within `batchMs` of a first update or while a statement is out (the status and audit
  // events of one transaction, progress of the other running copies) goes together in the next one: a
  // NOTIFY per payload, in array order, in
  // one statement (so one transaction, whose notifications PostgreSQL delivers in the order sent). One
  // statement per update cost ~11 round trips per promotion on a busy replica.
  const batchMs = options.batchMs ?? 50;
  let outbound: Promise<void> = Promise.resolve();
  let pending: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let failing = false;
  let dropping = false;
  const flush = async () => {
    const payloads = pending;
    pending = [];
    if (payloads.length === 0) return;
    try {
      await db.query(
        `SELECT pg_notify($1, u.payload)
           FROM unnest($2::text[]) WITH ORDINALITY AS u(payload, n) ORDER BY u.n`,
        [channel, payloads],
      );
      if (failing) logger.info({}, 'relaying live promotion updates again');
      failing = false;
    } catch (err) {
      if (!failing) logger.warn({ error: safeError(err) }, 'cannot relay live promotion updates');
      failing = true;
    }
  };
  const unsubscribe = options.local.subscribe(undefined, (update) => {
    const payload = encodeUpdate(replicaId, update);
    if (payload === undefined) return;
    if (pending.length >= MAX_PENDING) {
      if (!dropping)
        logger.warn({ pending: pending.length }, 'live update relay is backed up; dropping updates');
      dropping = true;
      return;
    }
    dropping = false;
    pending.push(payload);
    // The first update of a batch schedules its sending; later ones join it until it goes out.
    if (pending.length === 1 && timer === undefined) {
      timer = setTimeout(() => {
        timer = undefined;
        outbound = outbound.then(flush);
      }, batchMs);
      timer.unref();
    }
  });

  let stopped: Promise<void> | undefined;
  return {
    subscribe: (id, listener) => remote.subscribe(id, listener),
    stop() {
      stopped ??= (async () => {
        unsubscribe();
        clearTimeout(timer);
        timer = undefined;
        outbound = outbound.then(flush);
        await outbound;
        await unlisten().catch(() => undefined);
        await inbound;
      })();
      return stopped;
    },
  };
}

/**
 * `service` with `subscribe` extended to the updates other replicas relayed: what the HTTP API's event
 * streams use. Everything else is the service itself.
 */
export function withRelayedUpdates(
  service: PromotionService,
  relay: Pick<UpdateRelay, 'subscribe'>,
): PromotionService {
  return {
    accept: (request, actor) => service.accept(request, actor),
    get: (id) => service.get(id),
    blobs: (id) => service.blobs(id),
    searchAudit: (search) => service.searchAudit(search),
    list: (query) => service.list(query),
    approvals: (ids) => service.approvals(ids),
    approve: (id, actor, comment) => service.approve(id, actor, comment),
    reject: (id, actor, comment) => service.reject(id, actor, comment),
    cancel: (id, actor) => service.cancel(id, actor),
    rerun: (id, actor) => service.rerun(id, actor),
    rollback: (id, actor) => service.rollback(id, actor),
    releases: (filter) => service.releases(filter),
    release: (environment, repository, tag) => service.release(environment, repository, tag),
    subscribe(id, listener) {
      const local = service.subscribe(id, listener);
      const relayed = relay.subscribe(id, listener);
      return () => {
        local();
        relayed();
      };
    },
  };
}
