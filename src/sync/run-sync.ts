/**
 * The sync executor: many images at once, one shared view of where blobs are.
 *
 * - Images run `parallelImages` at a time. Connections are not multiplied by that: all images share
 *   the same per-registry pools (Registries), which is the global per-registry budget.
 * - One BlobLocations for the run: a blob sent for one image is mounted into the other repositories
 *   of the same destination registry, and a blob being sent right now is waited for instead of sent
 *   twice (see copy/execute.ts).
 * - Skipping spends no pulls: both manifests are HEADed (registries such as Docker Hub count GETs,
 *   not HEADs); equal digests ⇒ nothing else is asked. The copy then runs *by the digest the HEAD
 *   saw*, so a tag moved meanwhile cannot slip a different image in under the same run.
 * - Without keep-going the first failure stops new images from starting; images in flight finish
 *   (an upload is never abandoned half-way). With it, every image is tried and all failures reported.
 */
import { BlobLocations } from '../copy/blob-locations.ts';
import type { ConversionOptions } from '../copy/conversion-plan.ts';
import type { CopyEventListener } from '../copy/events.ts';
import { copyImage } from '../copy/execute.ts';
import { forEachLimit } from '../copy/limit.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { admitItem, type SyncAdmit } from './admit-item.ts';
import { headBoth } from './head-both.ts';
import { planSyncItem } from './plan-item.ts';
import type {
  ByteCounts,
  SyncEvent,
  SyncImageResult,
  SyncItem,
  SyncStatus,
  SyncSummary,
} from './sync-types.ts';

export interface RunSyncOptions {
  readonly items: readonly SyncItem[];
  /** Failures found before copying (a repository whose tags could not be listed), reported as is. */
  readonly failures?: readonly { source: string; destination: string; error: unknown }[] | undefined;
  /** Images in flight at once (default 8). */
  readonly parallelImages?: number | undefined;
  /** Blobs in flight per image (default 6). */
  readonly blobParallel?: number | undefined;
  readonly keepGoing?: boolean | undefined;
  /** A destination tag that exists is left alone, whatever it points at (immutable-tag registries). */
  readonly skipExisting?: boolean | undefined;
  /** Report what would happen; write nothing. */
  readonly dryRun?: boolean | undefined;
  /** Copy cosign signatures and referrers with each image (default true). */
  readonly signatures?: boolean | undefined;
  /**
   * Asked for every image before it is copied (or planned), even when the destination already has it,
   * as skopeo sync evaluates its policy on every copy; throwing fails that image. Not asked for images
   * left alone by skipExisting, which are neither read nor written.
   */
  readonly admit?: SyncAdmit | undefined;
  /**
   * Called for every image now at its destination (copied or already up to date, not skipped or
   * planned), before it counts as done: `sync --sign-by-sigstore-private-key` signs it there.
   */
  readonly afterCopy?: ((item: SyncItem, digest: string, signal?: AbortSignal) => Promise<void>) | undefined;
  /** `--format`: every image converted (see copy/convert-image.ts); absent: copied byte for byte. */
  readonly conversion?: ConversionOptions | undefined;
  readonly onEvent?: ((event: SyncEvent) => void) | undefined;
  /** Per-image copy events (blob progress), tagged with the image's index. */
  readonly onCopyEvent?: ((index: number) => CopyEventListener | undefined) | undefined;
  readonly onBytes?: ((bytes: number) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

const zero = (): ByteCounts => ({ copied: 0, mounted: 0, skipped: 0 });

export async function runSync(options: RunSyncOptions): Promise<SyncSummary> {
  const started = performance.now();
  const { items } = options;
  const locations = new BlobLocations();
  const results: (SyncImageResult | undefined)[] = items.map(() => undefined);
  const indexes = items.map((_, i) => i);

  const one = async (index: number): Promise<void> => {
    const item = items[index]!;
    options.onEvent?.({ type: 'image-start', index, item });
    const t0 = performance.now();
    let result: SyncImageResult;
    try {
      const outcome = options.dryRun
        ? await planSyncItem(item, locations, options)
        : await syncItem(item, locations, options, options.onCopyEvent?.(index));
      result = { ...outcome, durationMs: Math.round(performance.now() - t0) };
    } catch (err) {
      result = {
        source: item.sourceLabel,
        destination: item.destinationLabel,
        status: 'failed',
        bytes: zero(),
        durationMs: Math.round(performance.now() - t0),
        error: describeError(err),
      };
    }
    results[index] = result;
    options.onEvent?.({ type: 'image-done', index, result });
    if (result.status === 'failed' && !options.keepGoing) throw STOP_AFTER_FAILURE;
  };

  try {
    await forEachLimit(indexes, Math.max(1, options.parallelImages ?? 8), one);
  } catch (err) {
    if (err !== STOP_AFTER_FAILURE) throw err;
  }

  const earlier = (options.failures ?? []).map(
    (f): SyncImageResult => ({
      source: f.source,
      destination: f.destination,
      status: 'failed',
      bytes: zero(),
      durationMs: 0,
      error: describeError(f.error),
    }),
  );
  const copiedImages = items.map(
    (item, i): SyncImageResult =>
      results[i] ?? {
        source: item.sourceLabel,
        destination: item.destinationLabel,
        status: 'not-started',
        bytes: zero(),
        durationMs: 0,
      },
  );
  const images = [...earlier, ...copiedImages];
  const counts: Record<SyncStatus, number> = {
    copied: 0,
    'up-to-date': 0,
    skipped: 0,
    planned: 0,
    failed: 0,
    'not-started': 0,
  };
  const bytes = zero();
  for (const r of images) {
    counts[r.status] += 1;
    bytes.copied += r.bytes.copied;
    bytes.mounted += r.bytes.mounted;
    bytes.skipped += r.bytes.skipped;
  }
  return {
    images,
    counts,
    bytes,
    durationMs: Math.round(performance.now() - started),
    dryRun: options.dryRun === true,
  };
}

/** Thrown inside the pool to stop new images after a failure (the failure itself is in the results). */
const STOP_AFTER_FAILURE = new Error('sync stopped after a failure');

async function syncItem(
  item: SyncItem,
  locations: BlobLocations,
  options: RunSyncOptions,
  onEvent: CopyEventListener | undefined,
): Promise<Omit<SyncImageResult, 'durationMs'>> {
  const base = { source: item.sourceLabel, destination: item.destinationLabel };
  const { sourceDigest, destinationDigest } = await headBoth(item, options.signal);
  if (options.skipExisting && destinationDigest !== undefined) {
    return { ...base, status: 'skipped', digest: destinationDigest, bytes: zero() };
  }
  await admitItem(item, sourceDigest, options);
  if (!item.platforms?.length && !options.conversion && destinationDigest === sourceDigest) {
    await options.afterCopy?.(item, sourceDigest, options.signal);
    return { ...base, status: 'up-to-date', digest: sourceDigest, bytes: zero() };
  }
  const copied = await copyImage({
    conversion: options.conversion,
    source: item.source,
    sourceReference: sourceDigest,
    destination: item.destination,
    destinationTag: item.destinationTag,
    platforms: item.platforms,
    signatures: options.signatures ?? true,
    parallel: options.blobParallel ?? 6,
    locations,
    onEvent,
    onBytes: options.onBytes,
    signal: options.signal,
  });
  await options.afterCopy?.(item, copied.digest, options.signal);
  return {
    ...base,
    status: copied.upToDate ? 'up-to-date' : 'copied',
    digest: copied.digest,
    bytes: { ...copied.bytes },
  };
}

function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof FerryError) {
    const causes: string[] = [];
    let cause: unknown = err.cause;
    for (let i = 0; i < 3 && cause instanceof FerryError; i++) {
      causes.push(cause.message);
      cause = cause.cause;
    }
    return { code: err.code, message: [err.message, ...causes].join(': ') };
  }
  return { code: 'FERRY_E_INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
