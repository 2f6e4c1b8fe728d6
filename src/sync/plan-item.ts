/**
 * Dry run of one image: the same HEADs and manifest reads as a real sync, then per blob the decision
 * the executor would take (skip, mount, transfer), using HEAD on the destination and the blobs this
 * run has already planned. Nothing is written; only manifests and HEADs are read.
 */
import type { BlobLocations } from '../copy/blob-locations.ts';
import { planCopy } from '../copy/plan.ts';
import { fetchSourceTree } from '../copy/source-tree.ts';
import { admitItem, type SyncAdmit } from './admit-item.ts';
import { headBoth } from './head-both.ts';
import type { ByteCounts, SyncImageResult, SyncItem } from './sync-types.ts';

export async function planSyncItem(
  item: SyncItem,
  planned: BlobLocations,
  options: {
    readonly skipExisting?: boolean | undefined;
    readonly admit?: SyncAdmit | undefined;
    readonly signal?: AbortSignal | undefined;
    /** A conversion's result is unknown until converted: the source digest at the destination says nothing. */
    readonly conversion?: object | undefined;
  },
): Promise<Omit<SyncImageResult, 'durationMs'>> {
  const base = { source: item.sourceLabel, destination: item.destinationLabel };
  const bytes: ByteCounts = { copied: 0, mounted: 0, skipped: 0 };
  const { sourceDigest, destinationDigest } = await headBoth(item, options.signal);
  if (options.skipExisting && destinationDigest !== undefined) {
    return { ...base, status: 'skipped', digest: destinationDigest, bytes };
  }
  await admitItem(item, sourceDigest, options);
  if (!item.platforms?.length && !options.conversion && destinationDigest === sourceDigest) {
    return { ...base, status: 'up-to-date', digest: sourceDigest, bytes };
  }
  const tree = await fetchSourceTree(item.source, sourceDigest, options.signal);
  const plan = planCopy(tree, { platforms: item.platforms });
  const { source, destination } = item;
  const present = await Promise.all(
    plan.blobs.map((b) =>
      planned.has(destination.registry, destination.name, b.digest)
        ? true
        : destination.headBlob(b.digest, options.signal).then((size) => size !== undefined),
    ),
  );
  plan.blobs.forEach((blob, i) => {
    const sameRegistry = source.registry === destination.registry && source.name !== destination.name;
    // Re-checked here, not only before the HEADs: an image of the same repository planned meanwhile.
    if (present[i] || planned.has(destination.registry, destination.name, blob.digest))
      bytes.skipped += blob.size;
    else if (sameRegistry || planned.find(destination.registry, blob.digest, destination.name))
      bytes.mounted += blob.size;
    else bytes.copied += blob.size;
    planned.add(destination.registry, destination.name, blob.digest);
  });
  return { ...base, status: 'planned', digest: plan.top.digest, bytes };
}
