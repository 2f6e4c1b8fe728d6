/**
 * How a run ends: each outcome is one transaction that settles the job, moves the promotion out of
 * `running` and appends its audit events, so the three never disagree (a crash in between leaves all of
 * them as they were, and the job's lease brings the run back). Updates are published after commit.
 *
 * If the promotion is no longer `running` when the run ends (a cancel on another replica won the race),
 * the transition's compare-and-set fails with StoreError Conflict: the job is completed and the
 * promotion left as the other actor set it. If the database itself fails, the promotion is put back to
 * `queued` as a last resort, so no promotion stays `running` after its worker returned.
 */

import type { CopyResult } from '../../copy/execute.ts';
import { hasCode } from '../../errors/ferry-error.ts';
import type { Job } from '../queue/job-queue.ts';
import { appendAudit } from '../store/audit-store.ts';
import type { Database } from '../store/database.ts';
import type { Promotion } from '../store/promotion.ts';
import { transition } from '../store/promotion-transition.ts';
import { type RecordReleasesInput, recordReleases } from '../store/release-store.ts';
import { StoreErrorCode } from '../store/store-error.ts';
import { AuditKind, SYSTEM_ACTOR } from './audit-kinds.ts';
import { describeError } from './describe-error.ts';
import type { EngineContext } from './engine-context.ts';
import { PROMOTE_JOB, type PromoteJobPayload, promoteDedupeKey } from './promote-job.ts';
import { UpdateBatch } from './update-batch.ts';

export interface RunState {
  readonly ctx: EngineContext;
  readonly job: Job<PromoteJobPayload>;
  /** The promotion as the run moved it to `running`. */
  readonly promotion: Promotion;
}

async function settle(
  state: RunState,
  what: string,
  fn: (tx: Database, batch: UpdateBatch) => Promise<void>,
  onConflict?: () => Promise<void>,
): Promise<void> {
  const { ctx, job, promotion } = state;
  const batch = new UpdateBatch();
  try {
    await ctx.db.transaction((tx) => fn(tx, batch));
    batch.publish(ctx.events);
    return;
  } catch (err) {
    if (hasCode(err, StoreErrorCode.Conflict)) {
      ctx.logger.warn(
        { promotionId: promotion.id, outcome: what, error: describeError(err).message },
        'promotion changed state while it ran; leaving it as it is',
      );
      await ctx.queue.complete(job).catch(() => undefined);
      await onConflict?.().catch(() => undefined);
      return;
    }
    ctx.logger.error(
      { promotionId: promotion.id, outcome: what, error: describeError(err).message },
      'cannot record the outcome of a promotion run',
    );
  }
  // Last resort: the job stays claimed (its lease or the next start gives it back); the promotion must
  // not claim to be running meanwhile.
  try {
    const queued = await transition(ctx.db, promotion.id, ['running'], 'queued', {
      reason: `interrupted: the outcome of attempt ${job.attempt} could not be recorded; it runs again`,
    });
    ctx.events.publish({ type: 'status', promotion: queued, previous: 'running' });
  } catch (err) {
    ctx.logger.error(
      { promotionId: promotion.id, error: describeError(err).message },
      'promotion left running',
    );
  }
}

export function settleSucceeded(state: RunState, result: CopyResult, startedAt: number): Promise<void> {
  const { ctx, job, promotion } = state;
  const copied = {
    promotionId: promotion.id,
    actor: SYSTEM_ACTOR,
    kind: AuditKind.Copied,
    digest: result.digest,
    outcome: result.upToDate ? 'up_to_date' : 'ok',
    bytes: result.bytes.copied,
    detail: {
      bytes: result.bytes,
      blobs: result.blobs,
      manifestsPushed: result.manifestsPushed,
      artifacts: result.artifacts,
      durationMs: result.durationMs,
    },
  };
  return settle(
    state,
    'succeeded',
    async (tx, batch) => {
      const { registry, repository, tag } = promotion.destination;
      // Both events in one statement (they share the transaction's time anyway), published before the
      // status: whoever waits for `succeeded` has seen them.
      await batch.audits(tx, [
        copied,
        {
          promotionId: promotion.id,
          actor: SYSTEM_ACTOR,
          kind: AuditKind.Succeeded,
          digest: result.digest,
          outcome: 'ok',
          bytes: result.bytes.copied,
          detail: {
            destination: `${registry}/${repository}:${tag}`,
            attempt: job.attempt,
            durationMs: ctx.now() - startedAt,
          },
        },
      ]);
      await batch.transition(tx, promotion.id, ['running'], 'succeeded', {
        reason: null,
        resultDigest: result.digest,
        bytes: result.bytes,
        // recordReleases below supersedes the earlier promotions of the tags it moves.
        supersede: false,
      });
      // The releases view changes in the same transaction as the promotion's status: it cannot miss a
      // promotion that succeeded.
      await recordReleases(tx, releasesMoved(promotion, result));
      await ctx.queue.complete(job, { tx });
    },
    // The copy happened even though someone else settled the promotion: the trail must say the tag moved.
    async () => {
      // Production changed whatever the promotion's status says: the releases view follows production.
      await recordReleases(ctx.db, releasesMoved(promotion, result));
      ctx.events.publish({
        type: 'audit',
        event: await appendAudit(ctx.db, { ...copied, outcome: 'after_state_change' }),
      });
    },
  );
}

/** The tags a finished run pointed at its digest: the destination tag, and the rule's release tag. */
function releasesMoved(promotion: Promotion, result: CopyResult): RecordReleasesInput {
  const { environment, registry, repository, tag } = promotion.destination;
  return {
    promotionId: promotion.id,
    environment,
    registry,
    repository,
    tags: promotion.releaseTag === null ? [tag] : [tag, promotion.releaseTag],
    digest: result.digest,
  };
}

export function settleRetry(state: RunState, err: unknown, retryInMs: number): Promise<void> {
  const { ctx, job, promotion } = state;
  const { message, code } = describeError(err);
  return settle(state, 'retry', async (tx, batch) => {
    const outcome = await ctx.queue.fail(job, err, { retryable: true, backoffMs: retryInMs, tx });
    if (outcome === 'lost') return;
    if (outcome === 'failed') {
      const reason = `${message} (gave up after ${job.attempt} attempts)`;
      await batch.transition(tx, promotion.id, ['running'], 'failed', { reason });
      await batch.audit(tx, {
        promotionId: promotion.id,
        actor: SYSTEM_ACTOR,
        kind: AuditKind.Failed,
        digest: promotion.source.digest,
        outcome: 'error',
        detail: { reason, code, attempt: job.attempt, retriesExhausted: true },
      });
      return;
    }
    const seconds = Math.ceil(retryInMs / 1000);
    await batch.transition(tx, promotion.id, ['running'], 'queued', {
      reason: `attempt ${job.attempt} failed, retrying in ${seconds} s: ${message}`,
    });
    await batch.audit(tx, {
      promotionId: promotion.id,
      actor: SYSTEM_ACTOR,
      kind: AuditKind.RetryScheduled,
      digest: promotion.source.digest,
      outcome: 'retry',
      detail: { reason: message, code, attempt: job.attempt, retryInMs },
    });
  });
}

export function settleFailed(state: RunState, err: unknown): Promise<void> {
  const { ctx, job, promotion } = state;
  const { message, code } = describeError(err);
  return settle(state, 'failed', async (tx, batch) => {
    if ((await ctx.queue.fail(job, err, { retryable: false, tx })) === 'lost') return;
    await batch.transition(tx, promotion.id, ['running'], 'failed', { reason: message });
    await batch.audit(tx, {
      promotionId: promotion.id,
      actor: SYSTEM_ACTOR,
      kind: AuditKind.Failed,
      digest: promotion.source.digest,
      outcome: 'error',
      detail: { reason: message, code, attempt: job.attempt },
    });
  });
}

export function settleCancelled(state: RunState, actor: string): Promise<void> {
  const { ctx, job, promotion } = state;
  return settle(state, 'cancelled', async (tx, batch) => {
    await batch.transition(tx, promotion.id, ['running'], 'cancelled', { reason: `cancelled by ${actor}` });
    await batch.audit(tx, {
      promotionId: promotion.id,
      actor,
      kind: AuditKind.Cancelled,
      digest: promotion.source.digest,
      outcome: 'cancelled',
      detail: { while: 'running', attempt: job.attempt },
    });
    await ctx.queue.complete(job, { tx });
  });
}

/**
 * ferry is stopping: the job is completed and a fresh one enqueued in its place, rather than failed into
 * a retry, so a shutdown never uses up a promotion's retries (nor kills one whose retries are spent).
 */
export function settleInterrupted(state: RunState): Promise<void> {
  const { ctx, job, promotion } = state;
  return settle(state, 'interrupted', async (tx, batch) => {
    if (!(await ctx.queue.complete(job, { tx }))) return;
    await batch.transition(tx, promotion.id, ['running'], 'queued', {
      reason: 'interrupted: ferry stopped during the copy; it resumes when ferry runs again',
    });
    await batch.audit(tx, {
      promotionId: promotion.id,
      actor: SYSTEM_ACTOR,
      kind: AuditKind.Interrupted,
      digest: promotion.source.digest,
      outcome: 'interrupted',
      detail: { attempt: job.attempt, replica: ctx.replica },
    });
    await ctx.queue.enqueue<PromoteJobPayload>(
      PROMOTE_JOB,
      { promotionId: promotion.id },
      { tx, dedupeKey: promoteDedupeKey(promotion.id) },
    );
  });
}
