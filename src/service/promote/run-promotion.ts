/**
 * One attempt at one promotion, as the worker runs it for a claimed `promote` job:
 *
 *   queued → running (audit `started`) → policy (signature gate, immutable tag) → copy by digest
 *   (signatures along when the rule says so) → HEAD the destination tag: it must name the digest →
 *   the rule's release tag → promotion attestation when the rule has `attest` (audit `attested` or
 *   `attestation_failed`) → succeeded (audit `copied`, `succeeded`), settled in one transaction with the job.
 *
 * Delivery is at-least-once, so the run re-reads the promotion first: a cancelled, finished or unknown
 * one only completes its job; one still `running` was interrupted (crash, lost lease) and is taken over.
 * Temporary failures go back to the queue with an exponential backoff; permanent ones fail the promotion
 * with the error's message as the reason.
 *
 * Aborting (API cancel, shutdown, lost lease) is honoured until the copy has finished; from then on the
 * tag has moved and the run records that, whatever arrives.
 */
import { type CopyResult, copyImage } from '../../copy/execute.ts';
import { FerryError, hasCode } from '../../errors/ferry-error.ts';
import type { Repository } from '../../registry/repository.ts';
import type { AttestationKeyCache } from '../config/attestation-key-cache.ts';
import type { ReadFile } from '../config/read-small-file.ts';
import type { Env } from '../config/resolve-secret.ts';
import type { Job } from '../queue/job-queue.ts';
import type { NewAuditEvent } from '../store/audit-event.ts';
import { appendAudit } from '../store/audit-store.ts';
import { type Promotion, TERMINAL_STATUSES } from '../store/promotion.ts';
import { getPromotion } from '../store/promotion-query.ts';
import { StoreErrorCode } from '../store/store-error.ts';
import { abortReasonOf } from './abort-reasons.ts';
import { attestPromotion } from './attest-promotion.ts';
import { AuditKind, SYSTEM_ACTOR } from './audit-kinds.ts';
import { BlobProgressRecorder } from './blob-progress-recorder.ts';
import { describeError } from './describe-error.ts';
import { type EngineContext, ruleNamed } from './engine-context.ts';
import { type PointTagResult, pointTag } from './point-tag.ts';
import { ProgressMeter } from './progress-meter.ts';
import type { PromoteJobPayload } from './promote-job.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import { checkPolicies } from './promotion-policy.ts';
import { repositoryFor } from './promotion-repositories.ts';
import { freeSlot, type SlotOptions, waitForSlot } from './registry-slot.ts';
import { type RetryBackoff, retryDelayMs } from './retry-backoff.ts';
import { startHeartbeat } from './run-heartbeat.ts';
import {
  type RunState,
  settleCancelled,
  settleFailed,
  settleInterrupted,
  settleRetry,
  settleSucceeded,
} from './settle-run.ts';
import { UpdateBatch } from './update-batch.ts';
import {
  forgetUploadSessions,
  type ResumableUploadSettings,
  type StoredCheckpoints,
  storeCheckpoints,
} from './upload-checkpoints.ts';

export interface RunOptions {
  readonly retryBackoff: RetryBackoff;
  /** How often the job's lease is renewed and the promotion's status re-read while copying. */
  readonly heartbeatMs: number;
  /** At most one progress update per promotion per this many ms. */
  readonly progressIntervalMs: number;
  /** At most one write of per-blob progress to the store per this many ms (default 2 s). */
  readonly blobSaveIntervalMs?: number | undefined;
  /** Blobs in flight per copy (the copy engine's default when undefined). */
  readonly copyParallel?: number | undefined;
  /** Reads the rules' public key files and attestation keys. Default: bounded reads from the file system. */
  readonly readFile?: ReadFile | undefined;
  /** Environment for `env:` references of attestation keys. */
  readonly env: Env;
  /** Attestation keys, decrypted once (shared with the start-up config check). */
  readonly attestationKeys: AttestationKeyCache;
  /** Slots of destination registries, counted across replicas. */
  readonly slots: SlotOptions;
  /** Large blobs are uploaded in checkpointed chunks a later run can resume; false: never. */
  readonly resumableUploads: ResumableUploadSettings | false;
}

export async function runPromotion(
  ctx: EngineContext,
  options: RunOptions,
  job: Job<PromoteJobPayload>,
  signal: AbortSignal,
): Promise<void> {
  const started = await start(ctx, job);
  if (started === undefined) return;
  const state: RunState = { ctx, job, promotion: started };
  const startedAt = ctx.now();

  // Aborts of our own (lost lease, a cancel seen in the database) join the pool's signal.
  const local = new AbortController();
  const runSignal = AbortSignal.any([signal, local.signal]);
  const heartbeat = startHeartbeat(ctx, job, started.id, local, options.heartbeatMs);
  const checkpoints =
    options.resumableUploads === false
      ? undefined
      : storeCheckpoints(ctx, started.id, options.resumableUploads);
  // What a run holds beyond its job: the registry slot, and the upload checkpoints once it has finished.
  const endRun = async () => {
    await freeSlot(ctx, started.id);
    // Only runs of this promotion write its checkpoints: a first run that recorded none (nearly every
    // run: they are for blobs of 64 MiB and up) has none to delete, and skips the statement.
    if (started.attempts > 1 || checkpoints?.recorded === true) await forgetUploadSessions(ctx, started.id);
  };
  let result: CopyResult;
  try {
    await waitForSlot(ctx, started, options.slots, runSignal);
    result = await execute(ctx, options, started, runSignal, checkpoints);
  } catch (err) {
    heartbeat.stop();
    await settleError(state, options, err, runSignal);
    await endRun();
    return;
  }
  heartbeat.stop();
  // Past the point of no return: the destination tag has moved. Verify and record, ignoring aborts.
  try {
    await verifyDestination(ctx, started, result);
    await pointReleaseTag(ctx, started, result);
    await attestPromotion(ctx, options, ruleNamed(ctx.config, started.rule), started, result.digest);
  } catch (err) {
    await settleError(state, options, err, undefined);
    await endRun();
    return;
  }
  await settleSucceeded(state, result, startedAt);
  await endRun();
  ctx.logger.info(
    {
      promotionId: started.id,
      digest: result.digest,
      bytes: result.bytes.copied,
      durationMs: ctx.now() - startedAt,
    },
    'promotion succeeded',
  );
}

/** queued → running (taking over an interrupted `running` one); undefined when there is nothing to run. */
async function start(ctx: EngineContext, job: Job<PromoteJobPayload>): Promise<Promotion | undefined> {
  const id = job.payload.promotionId;
  // Nearly every delivery finds its promotion queued: move it without reading it first (the
  // compare-and-set is the check). Anything else is read and sorted out below.
  const queued = await moveToRunning(ctx, job, undefined);
  if (queued !== undefined) return queued;
  const current = await getPromotion(ctx.db, id);
  if (
    current === undefined ||
    current.status === 'awaiting_approval' ||
    TERMINAL_STATUSES.includes(current.status)
  ) {
    // Cancelled or rejected while queued, or finished by an earlier delivery of this job: nothing to do.
    await ctx.queue.complete(job);
    return undefined;
  }
  const running = await moveToRunning(ctx, job, current.status === 'running' ? current : undefined);
  if (running === undefined) {
    // Cancelled between the read and the transition.
    await ctx.queue.complete(job);
  }
  return running;
}

/**
 * The transaction that starts a run: queued → running with its `started` event, preceded for an
 * `interrupted` run (one still `running`, taken over) by running → queued and a `resumed` event.
 * Undefined when the promotion was not in the state expected (a StoreError Conflict).
 */
async function moveToRunning(
  ctx: EngineContext,
  job: Job<PromoteJobPayload>,
  interrupted: Promotion | undefined,
): Promise<Promotion | undefined> {
  const id = job.payload.promotionId;
  const batch = new UpdateBatch();
  try {
    const running = await ctx.db.transaction(async (tx) => {
      if (interrupted !== undefined) {
        await batch.transition(tx, id, ['running'], 'queued', { reason: 'resuming an interrupted run' });
        await batch.audit(tx, {
          promotionId: id,
          actor: SYSTEM_ACTOR,
          kind: AuditKind.Resumed,
          digest: interrupted.source.digest,
          outcome: 'ok',
          detail: { attempt: job.attempt, replica: ctx.replica },
        });
      }
      const moved = await batch.transition(tx, id, ['queued'], 'running', {
        reason: null,
        incrementAttempts: true,
      });
      await batch.audit(tx, {
        promotionId: id,
        actor: SYSTEM_ACTOR,
        kind: AuditKind.Started,
        digest: moved.source.digest,
        outcome: 'ok',
        detail: { attempt: moved.attempts, jobAttempt: job.attempt, replica: ctx.replica },
      });
      return moved;
    });
    batch.publish(ctx.events);
    const resumed = interrupted !== undefined;
    ctx.logger.info(
      {
        promotionId: id,
        rule: running.rule,
        attempt: running.attempts,
        replica: ctx.replica,
        ...(resumed ? { resumed: true } : {}),
      },
      resumed ? 'promotion resumed' : 'promotion started',
    );
    return running;
  } catch (err) {
    if (!hasCode(err, StoreErrorCode.Conflict) && !hasCode(err, StoreErrorCode.NotFound)) throw err;
    return undefined;
  }
}

async function execute(
  ctx: EngineContext,
  options: RunOptions,
  promotion: Promotion,
  signal: AbortSignal,
  checkpoints: StoredCheckpoints | undefined,
): Promise<CopyResult> {
  const rule = ruleNamed(ctx.config, promotion.rule);
  if (rule === undefined) {
    throw new PromotionError(PromotionErrorCode.NoRule, `rule "${promotion.rule}" is no longer configured`);
  }
  const destination = await repositoryFor(ctx, promotion.destination, true);
  // A rollback points a tag at a digest the destination already has: no source, no copy. Its policy was
  // checked when the digest was first promoted (the signature gate reads the *source* repository,
  // which may be gone by now); immutable tags are never the tag a rollback moves (see rollbackTag).
  if (promotion.kind === 'rollback') return pointRollbackTag(ctx, promotion, destination, signal);
  const source = await repositoryFor(ctx, promotion.source, false);
  const policy = await checkPolicies({
    rule,
    promotion,
    source,
    destination,
    readFile: options.readFile,
    signal,
  });
  if (policy.signature) {
    ctx.events.publish({
      type: 'audit',
      event: await appendAudit(ctx.db, {
        promotionId: promotion.id,
        actor: SYSTEM_ACTOR,
        kind: AuditKind.SignatureVerified,
        digest: promotion.source.digest,
        outcome: 'ok',
        detail: policy.signature,
      }),
    });
  }
  const recorder = new BlobProgressRecorder({
    db: ctx.db,
    promotionId: promotion.id,
    logger: ctx.logger,
    now: ctx.now,
    intervalMs: options.blobSaveIntervalMs,
  });
  const meter = new ProgressMeter({
    intervalMs: options.progressIntervalMs,
    now: ctx.now,
    emit: (progress) => {
      ctx.events.publish({ type: 'progress', promotionId: promotion.id, ...progress });
      recorder.offer(progress.blobs);
    },
  });
  try {
    return await copyImage({
      source,
      // By digest: what was pinned at acceptance, whatever the source tag points at now.
      sourceReference: promotion.source.digest,
      destination,
      destinationTag: promotion.destination.tag,
      // The immutable-tag check just asked the destination; the copy need not ask again.
      destinationHead: policy.destinationHead,
      signatures: rule.copySignatures,
      parallel: options.copyParallel,
      onEvent: (event) => meter.onEvent(event),
      onBytes: (bytes) => meter.addBytes(bytes),
      signal,
      checkpoints,
    });
  } finally {
    meter.flush();
    await recorder.flush();
  }
}

/** A rollback's whole work: the destination tag pointed back at the digest, timed like a copy. */
async function pointRollbackTag(
  ctx: EngineContext,
  promotion: Promotion,
  destination: Repository,
  signal: AbortSignal,
): Promise<CopyResult> {
  const started = ctx.now();
  const { digest } = promotion.source;
  const pointed = await pointTag(destination, digest, promotion.destination.tag, signal);
  await audit(ctx, tagPointedEvent(promotion, promotion.destination.tag, digest, pointed));
  return {
    digest,
    sourceDigest: digest,
    mediaType: pointed.mediaType,
    upToDate: !pointed.moved,
    blobs: { copied: 0, mounted: 0, skipped: 0 },
    bytes: { copied: 0, mounted: 0, skipped: 0 },
    manifestsPushed: pointed.moved ? 1 : 0,
    artifacts: 0,
    durationMs: ctx.now() - started,
  };
}

/**
 * After the destination tag was written and verified, the rule's release tag follows it. A failure here
 * is settled like a copy failure: a temporary one retries the promotion (the copy is then up to date and
 * costs a HEAD), a permanent one fails it with the reason, the destination tag having been written.
 */
async function pointReleaseTag(ctx: EngineContext, promotion: Promotion, result: CopyResult): Promise<void> {
  const tag = promotion.releaseTag;
  if (tag === null) return;
  const destination = await repositoryFor(ctx, promotion.destination, true);
  const pointed = await pointTag(destination, result.digest, tag);
  await audit(ctx, tagPointedEvent(promotion, tag, result.digest, pointed));
}

function tagPointedEvent(
  promotion: Promotion,
  tag: string,
  digest: string,
  pointed: PointTagResult,
): NewAuditEvent {
  const { registry, repository } = promotion.destination;
  return {
    promotionId: promotion.id,
    actor: SYSTEM_ACTOR,
    kind: AuditKind.TagPointed,
    digest,
    outcome: pointed.moved ? 'ok' : 'up_to_date',
    detail: { tag: `${registry}/${repository}:${tag}`, before: pointed.before ?? null },
  };
}

async function audit(ctx: EngineContext, event: NewAuditEvent): Promise<void> {
  ctx.events.publish({ type: 'audit', event: await appendAudit(ctx.db, event) });
}

async function verifyDestination(
  ctx: EngineContext,
  promotion: Promotion,
  result: CopyResult,
): Promise<void> {
  const destination = await repositoryFor(ctx, promotion.destination, true);
  const { tag } = promotion.destination;
  const head = await destination.headManifest(tag);
  const where = `${destination.registry}/${destination.name}:${tag}`;
  if (result.digest !== promotion.source.digest) {
    throw new PromotionError(
      PromotionErrorCode.VerifyFailed,
      `the copy produced ${result.digest}, not the promoted ${promotion.source.digest}`,
    );
  }
  if (head?.digest !== result.digest) {
    throw new PromotionError(
      PromotionErrorCode.VerifyFailed,
      `after the copy ${where} points at ${head?.digest ?? 'nothing'}, not ${result.digest}`,
    );
  }
}

async function settleError(
  state: RunState,
  options: RunOptions,
  err: unknown,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { ctx, job, promotion } = state;
  const reason = signal === undefined ? undefined : abortReasonOf(signal);
  if (reason !== undefined) {
    ctx.logger.info({ promotionId: promotion.id, abort: reason.kind }, 'promotion run aborted');
    switch (reason.kind) {
      case 'cancel':
        return settleCancelled(state, reason.actor);
      case 'shutdown':
        return settleInterrupted(state);
      case 'status-changed':
        // Settled by whoever changed it (a cancel on another replica); the job is done.
        await ctx.queue.complete(job).catch(() => undefined);
        return;
      case 'lease-lost':
        // The job belongs to another claim now; touching the promotion would race with it.
        return;
    }
  }
  const { message, code } = describeError(err);
  if (err instanceof FerryError && err.temporary) {
    const retryInMs = retryDelayMs(job.attempt, options.retryBackoff);
    ctx.logger.warn(
      { promotionId: promotion.id, error: message, code, attempt: job.attempt, retryInMs },
      'promotion attempt failed; retrying',
    );
    return settleRetry(state, err, retryInMs);
  }
  ctx.logger.warn({ promotionId: promotion.id, error: message, code }, 'promotion failed');
  return settleFailed(state, err);
}
