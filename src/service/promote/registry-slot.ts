/**
 * Waiting for a slot of the destination registry before copying (see store/registry-slot-store.ts):
 * `environments.<name>.maxConcurrentPromotions` promotions per registry at once, across replicas. The
 * wait holds the job (its lease is renewed by the run's heartbeat) and polls; a cancel or a shutdown
 * ends it through the run's signal.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { FerryConfig } from '../config/schema.ts';
import type { Promotion } from '../store/promotion.ts';
import { acquireSlot, releaseSlot } from '../store/registry-slot-store.ts';
import { describeError } from './describe-error.ts';
import type { EngineContext } from './engine-context.ts';

export interface SlotOptions {
  /** A slot whose heartbeat is older than this is free again (the replica holding it died). */
  readonly leaseSeconds: number;
  /** How often a waiting run asks again. */
  readonly pollMs: number;
}

/** The limit of a destination registry: the smallest of the environments that name it. */
export function registryLimit(config: Pick<FerryConfig, 'environments'>, registry: string): number {
  const limits = Object.values(config.environments)
    .filter((environment) => environment.registry === registry)
    .map((environment) => environment.maxConcurrentPromotions);
  return limits.length === 0 ? 4 : Math.min(...limits);
}

export async function waitForSlot(
  ctx: EngineContext,
  promotion: Promotion,
  options: SlotOptions,
  signal: AbortSignal,
): Promise<void> {
  const { registry } = promotion.destination;
  const limit = registryLimit(ctx.config, registry);
  let waitedSince: number | undefined;
  for (;;) {
    signal.throwIfAborted();
    const held = await acquireSlot(ctx.db, {
      registry,
      promotionId: promotion.id,
      replica: ctx.replica,
      limit,
      leaseSeconds: options.leaseSeconds,
    });
    if (held) {
      if (waitedSince !== undefined) {
        ctx.logger.info(
          { promotionId: promotion.id, registry, waitedMs: ctx.now() - waitedSince },
          'registry slot taken',
        );
      }
      return;
    }
    if (waitedSince === undefined) {
      waitedSince = ctx.now();
      ctx.logger.info(
        { promotionId: promotion.id, registry, limit },
        'waiting for a registry slot: as many promotions as allowed are copying to this registry',
      );
    }
    await sleep(options.pollMs, undefined, { signal });
  }
}

/** Gives the slot back; a failure only delays the slot's reuse until its lease lapses. */
export async function freeSlot(ctx: EngineContext, promotionId: string): Promise<void> {
  await releaseSlot(ctx.db, promotionId, ctx.replica).catch((err: unknown) =>
    ctx.logger.warn({ promotionId, error: describeError(err).message }, 'could not free the registry slot'),
  );
}
