import type { Job } from '../queue/job-queue.ts';
import { getPromotion } from '../store/promotion-query.ts';
import { renewSlot } from '../store/registry-slot-store.ts';
import type { AbortReason } from './abort-reasons.ts';
import { describeError } from './describe-error.ts';
import type { EngineContext } from './engine-context.ts';
import type { PromoteJobPayload } from './promote-job.ts';

/**
 * Keeps the job's lease alive while the copy runs and notices two things: the lease was lost (another
 * replica took the job over) and the promotion left `running` (cancelled on another replica).
 */
export function startHeartbeat(
  ctx: EngineContext,
  job: Job<PromoteJobPayload>,
  promotionId: string,
  controller: AbortController,
  intervalMs: number,
): { stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        if (!(await ctx.queue.heartbeat(job))) {
          controller.abort({ kind: 'lease-lost' } satisfies AbortReason);
          return;
        }
        // The registry slot (if the run holds one yet) lives as long as the job's lease.
        await renewSlot(ctx.db, promotionId);
        const current = await getPromotion(ctx.db, promotionId);
        if (current !== undefined && current.status !== 'running') {
          controller.abort({ kind: 'status-changed', status: current.status } satisfies AbortReason);
        }
      } catch (err) {
        // A database hiccup is not a reason to abort a copy; the next beat tries again.
        ctx.logger.warn({ promotionId, error: describeError(err).message }, 'heartbeat failed');
      } finally {
        busy = false;
      }
    })();
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}
