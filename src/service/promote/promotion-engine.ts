/**
 * The promotion service of `ferry serve`: the PromotionService the HTTP API and the triggers call, and
 * the worker loop that carries promotions out. Composition only — each step lives in its own module:
 *
 *   accept:   a ResolvedRequest (resolve-request: rule, trigger, tag policy, decided before the service
 *             is called) → source-digest (pin the digest) → record-promotion
 *   worker:   worker-pool (claims) → run-promotion (policy, copy, verify) → settle-run (outcome)
 *   decide:   approval-decision, cancel-promotion, repeat-promotion (rerun, rollback)
 *   observe:  promotion-events (subscribe), audit trail in the store
 *
 * Nothing here is a module-level singleton: the composition root creates one engine per process with
 * the database, queue and registries it owns, and closes those after stop().
 */

import { FerryError, hasCode } from '../../errors/ferry-error.ts';
import type { Registries } from '../../registry/registries.ts';
import { AttestationKeyCache } from '../config/attestation-key-cache.ts';
import type { ReadFile } from '../config/read-small-file.ts';
import type { Env } from '../config/resolve-secret.ts';
import type { FerryConfig } from '../config/schema.ts';
import type { Job, JobQueue } from '../queue/job-queue.ts';
import { listApprovals } from '../store/approval-store.ts';
import { listAudit, searchAudit } from '../store/audit-store.ts';
import type { Database } from '../store/database.ts';
import type { NewPromotion, Promotion } from '../store/promotion.ts';
import { listBlobProgress } from '../store/promotion-blob-store.ts';
import { getPromotion, listPromotions } from '../store/promotion-query.ts';
import { getRelease, listReleases, releaseHistory } from '../store/release-store.ts';
import { StoreErrorCode } from '../store/store-error.ts';
import { AcceptPressure } from './accept-pressure.ts';
import { decideApproval } from './approval-decision.ts';
import { cancelPromotion } from './cancel-promotion.ts';
import { promotionCreatedByDelivery, promotionForDelivery } from './delivery-lookup.ts';
import { environmentEndpoints } from './endpoints.ts';
import {
  defaultReplicaName,
  type EngineContext,
  type PromotionLogger,
  silentLogger,
} from './engine-context.ts';
import { GroupCommit } from './group-commit.ts';
import { PROMOTE_JOB, type PromoteJobPayload } from './promote-job.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import { PromotionEvents } from './promotion-events.ts';
import { repositoryFor } from './promotion-repositories.ts';
import {
  type AcceptResult,
  type Actor,
  actorKeyOf,
  type PromotionQuery,
  type PromotionService,
  type PromotionUpdate,
} from './promotion-service.ts';
import { RecentDeliveries } from './recent-deliveries.ts';
import {
  type RecordOptions,
  type RecordOutcome,
  type RecordRequest,
  recordPromotions,
} from './record-promotion.ts';
import { planRerun, planRollback } from './repeat-promotion.ts';
import type { ResolvedRequest } from './resolve-request.ts';
import { DEFAULT_RETRY_BACKOFF, type RetryBackoff } from './retry-backoff.ts';
import { runPromotion } from './run-promotion.ts';
import { resolveSourceDigest } from './source-digest.ts';
import { asPromotionError } from './store-errors.ts';
import { DEFAULT_RESUMABLE_UPLOADS, type ResumableUploadSettings } from './upload-checkpoints.ts';
import { WorkerPool } from './worker-pool.ts';

export interface PromotionEngineOptions {
  readonly config: FerryConfig;
  readonly db: Database;
  /** Must know the `promote` kind (promote-job.ts promoteJobKind). */
  readonly queue: JobQueue;
  readonly registries: Registries;
  /** Milliseconds clock for throttling and durations. Default Date.now. */
  readonly now?: (() => number) | undefined;
  readonly logger?: PromotionLogger | undefined;
  /** Environment for `env:` secret references. Default process.env. */
  readonly env?: Env | undefined;
  /** Reads `file:` secrets and public key files. Default: bounded reads from the file system. */
  readonly readFile?: ReadFile | undefined;
  /**
   * The attestation keys loadConfig decrypted at start (pass the same cache to both, so a cosign key is
   * decrypted once). Default: a new cache, which decrypts at the first attestation.
   */
  readonly attestationKeys?: AttestationKeyCache | undefined;
  /** Promotions copied at once by this process. Default 2. */
  readonly concurrency?: number | undefined;
  /** How often idle workers look for jobs enqueued by other replicas. Default 1000 ms. */
  readonly pollIntervalMs?: number | undefined;
  /** Lease renewal and status re-check while copying. Default 15 s (a third of the default lease). */
  readonly heartbeatMs?: number | undefined;
  /** Progress updates per running promotion at most every … Default 250 ms. */
  readonly progressIntervalMs?: number | undefined;
  /** Backoff between attempts after temporary failures. Default 5 s doubling to 5 min. */
  readonly retryBackoff?: Partial<RetryBackoff> | undefined;
  /** Blobs in flight per copy. Default: the copy engine's (6). */
  readonly copyParallel?: number | undefined;
  /**
   * At start(), give back jobs still claimed by a previous run of this process. Only safe when this
   * process owns the database exclusively. Default: true on the embedded database, false on PostgreSQL
   * (leases recover jobs of dead replicas there).
   */
  readonly requeueInterruptedOnStart?: boolean | undefined;
  /** The promote job's lease (ferry.yaml `server.leaseSeconds`): also how long a dead run's registry slot stays taken. Default 15. */
  readonly leaseSeconds?: number | undefined;
  /** How often a run waiting for a registry slot asks again. Default 1000. */
  readonly slotPollMs?: number | undefined;
  /** How events and logs name this replica. Default `<host name>/<pid>` (defaultReplicaName). */
  readonly replica?: string | undefined;
  /**
   * Large blobs uploaded in checkpointed chunks, resumed by the next run after a crash or failover
   * (ferry.yaml `server.resumableUploads`). Default 64 MiB and up, 16 MiB chunks; false: never.
   */
  readonly resumableUploads?: ResumableUploadSettings | false | undefined;
}

export interface PromotionEngine extends PromotionService {
  /** Starts the worker loop (after giving back interrupted jobs on the embedded database). */
  start(): Promise<void>;
  /**
   * Stops claiming; running copies get `graceMs` (default: unlimited) to finish, then are aborted and
   * their promotions (and jobs) go back to the queue, to resume at the next start.
   */
  stop(options?: { graceMs?: number | undefined }): Promise<void>;
}

export function createPromotionEngine(options: PromotionEngineOptions): PromotionEngine {
  const logger = options.logger ?? silentLogger;
  const events = new PromotionEvents({
    onListenerError: (err) =>
      logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'promotion listener failed'),
  });
  const ctx: EngineContext = {
    config: options.config,
    db: options.db,
    queue: options.queue,
    registries: options.registries,
    endpoint: environmentEndpoints(options.config, {
      env: options.env ?? process.env,
      readFile: options.readFile,
    }),
    events,
    logger,
    now: options.now ?? Date.now,
    replica: options.replica ?? defaultReplicaName(),
  };
  const runOptions = {
    retryBackoff: { ...DEFAULT_RETRY_BACKOFF, ...options.retryBackoff },
    heartbeatMs: options.heartbeatMs ?? 15_000,
    progressIntervalMs: options.progressIntervalMs ?? 250,
    copyParallel: options.copyParallel,
    readFile: options.readFile,
    env: options.env ?? process.env,
    attestationKeys: options.attestationKeys ?? new AttestationKeyCache(),
    slots: { leaseSeconds: options.leaseSeconds ?? 15, pollMs: options.slotPollMs ?? 1000 },
    resumableUploads: options.resumableUploads ?? DEFAULT_RESUMABLE_UPLOADS,
  };
  const pressure = new AcceptPressure();
  const pool = new WorkerPool<PromoteJobPayload>({
    concurrency: options.concurrency ?? 2,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    // Workers are background work: on the embedded store their statements yield to API requests.
    claim: async () => {
      await pressure.settle();
      return ctx.db.background(() => ctx.queue.claim<PromoteJobPayload>([PROMOTE_JOB]));
    },
    run: (job: Job<PromoteJobPayload>, signal) =>
      ctx.db.background(() => runPromotion(ctx, runOptions, job, signal)),
    keyOf: (job) => job.payload.promotionId,
    onError: (err) =>
      logger.error({ error: err instanceof Error ? err.message : String(err) }, 'promotion worker error'),
  });

  const recentDeliveries = new RecentDeliveries(10_000);
  // Accepts (and reruns, rollbacks) that arrive together are recorded in one transaction.
  const recorder = new GroupCommit<RecordRequest, RecordOutcome>({
    write: (requests) => recordPromotions(ctx, requests),
    // PostgreSQL has a pool: a few batches may be written at once there.
    concurrency: ctx.db.kind === 'pglite' ? 1 : 4,
  });

  async function required(id: string): Promise<Promotion> {
    const promotion = await getPromotion(ctx.db, id);
    if (promotion === undefined)
      throw new PromotionError(PromotionErrorCode.NotFound, `promotion ${id} not found`);
    return promotion;
  }

  async function record(input: NewPromotion, recordOptions: RecordOptions): Promise<AcceptResult> {
    const outcome = await recorder.submit({ input, options: recordOptions });
    const { deliveryId, kind } = recordOptions.trigger;
    if (outcome.kind === 'replayed-delivery') {
      // The first delivery got there first (or raced us): answer as it was answered.
      const earlier =
        deliveryId === undefined ? undefined : await promotionForDelivery(ctx.db, kind, deliveryId);
      if (earlier === undefined) {
        throw new PromotionError(
          PromotionErrorCode.DuplicateDelivery,
          `delivery ${deliveryId} was already received and created no promotion`,
        );
      }
      return { promotion: earlier, created: false, replayed: true };
    }
    if (outcome.enqueued) pool.wake();
    if (deliveryId !== undefined) recentDeliveries.add(kind, deliveryId);
    const { promotion, created } = outcome.result;
    logger.info(
      {
        promotionId: promotion.id,
        rule: promotion.rule,
        digest: promotion.source.digest,
        status: promotion.status,
        created,
      },
      created ? 'promotion accepted' : 'promotion already exists',
    );
    return outcome.result;
  }

  /** Pin the digest of the resolved request (network), then record (one transaction, shared with others). */
  async function acceptRequest(request: ResolvedRequest, actor: Actor): Promise<AcceptResult> {
    const { trigger, match, tag, digest: pinned } = request;
    if (trigger.deliveryId !== undefined && recentDeliveries.has(trigger.kind, trigger.deliveryId)) {
      // A redelivery of what this replica accepted is answered at once, without touching a registry.
      // Any other redelivery is caught durably by recordPromotions (the delivery id is unique in the
      // store) and answered the same way, after one wasted tag resolution: cheaper than a lookup on
      // every fresh delivery.
      const earlier = await promotionCreatedByDelivery(ctx.db, trigger.kind, trigger.deliveryId);
      if (earlier !== undefined) return { promotion: earlier, created: false, replayed: true };
    }
    const sourceRepository = await repositoryFor(ctx, match.source, false).catch((err: unknown) => {
      throw err instanceof FerryError && !(err instanceof PromotionError)
        ? new PromotionError(PromotionErrorCode.SourceUnreachable, err.message, {
            cause: err,
            temporary: err.temporary,
          })
        : err;
    });
    const digest = await resolveSourceDigest(sourceRepository, tag, pinned);
    const approvals = match.rule.approvals.required;
    return record(
      {
        rule: match.rule.name,
        source: { ...match.source, tag, digest },
        destination: { ...match.destination, tag },
        releaseTag: match.rule.releaseTag ?? null,
        requestedBy: actor.name,
        requesterKey: actorKeyOf(actor),
        triggerKind: trigger.kind,
        deliveryId: trigger.deliveryId,
        approvalsRequired: approvals,
        status: approvals > 0 ? 'awaiting_approval' : 'queued',
        gitCommit: request.gitCommit,
        labels: request.labels,
      },
      {
        actor,
        trigger,
        detail: {
          ...(pinned === undefined ? {} : { requestedDigest: pinned }),
          ...(request.gitCommit === undefined ? {} : { gitCommit: request.gitCommit }),
          ...(request.labels === undefined ? {} : { labels: request.labels }),
        },
      },
    );
  }

  return {
    async start() {
      const requeue = options.requeueInterruptedOnStart ?? ctx.db.kind === 'pglite';
      if (requeue) {
        const count = await ctx.queue.requeueInterrupted();
        if (count > 0) logger.info({ count }, 'interrupted promotion jobs given back to the queue');
      }
      pool.start();
    },

    stop: (stopOptions = {}) => pool.stop(stopOptions),

    async accept(request: ResolvedRequest, actor: Actor): Promise<AcceptResult> {
      const leave = pressure.enter();
      try {
        return await acceptRequest(request, actor);
      } finally {
        leave();
      }
    },

    async get(id) {
      const promotion = await getPromotion(ctx.db, id);
      if (promotion === undefined) return undefined;
      return { promotion, timeline: await listAudit(ctx.db, id) };
    },

    blobs(id) {
      return listBlobProgress(ctx.db, id);
    },

    async searchAudit(search) {
      try {
        return await searchAudit(ctx.db, search);
      } catch (err) {
        // A bad cursor is the caller's mistake, not a database failure.
        if (hasCode(err, StoreErrorCode.Query) && !(err as FerryError).cause) {
          throw new PromotionError(PromotionErrorCode.InvalidRequest, (err as Error).message, { cause: err });
        }
        throw err;
      }
    },

    async list(query: PromotionQuery) {
      try {
        return await listPromotions(ctx.db, query);
      } catch (err) {
        // A bad cursor or status is the caller's mistake, not a database failure.
        if (hasCode(err, StoreErrorCode.Query) && !(err as FerryError).cause) {
          throw new PromotionError(PromotionErrorCode.InvalidRequest, (err as Error).message, { cause: err });
        }
        throw err;
      }
    },

    approvals(ids) {
      return listApprovals(ctx.db, ids);
    },

    async approve(id, actor, comment) {
      const { promotion, enqueued } = await decideApproval(ctx, id, actor, 'approve', comment);
      if (enqueued) pool.wake();
      return promotion;
    },

    async reject(id, actor, comment) {
      return (await decideApproval(ctx, id, actor, 'reject', comment)).promotion;
    },

    async cancel(id, actor) {
      return cancelPromotion(ctx, (key) => pool.running(key), id, actor);
    },

    async rerun(id, actor) {
      const promotion = await required(id);
      const input = planRerun(ctx, promotion, actor);
      return record(input, { actor, trigger: { kind: 'api' }, detail: { rerunOf: promotion.id } }).catch(
        (err) => {
          throw asPromotionError(err);
        },
      );
    },

    async rollback(id, actor) {
      const promotion = await required(id);
      const destination = await repositoryFor(ctx, promotion.destination, true);
      const plan = await planRollback(ctx, promotion, actor, destination);
      return record(plan.input, {
        actor,
        trigger: { kind: 'api' },
        detail: {
          rollbackOf: promotion.id,
          tag: plan.input.destination.tag,
          ...(plan.replaces === undefined ? {} : { replaces: plan.replaces }),
        },
      });
    },

    releases(filter) {
      return listReleases(ctx.db, filter);
    },

    async release(environment, repository, tag) {
      const release = await getRelease(ctx.db, environment, repository, tag);
      if (release === undefined) return undefined;
      return { release, history: await releaseHistory(ctx.db, release) };
    },

    subscribe(id: string | undefined, listener: (update: PromotionUpdate) => void) {
      return events.subscribe(id, listener);
    },
  };
}
