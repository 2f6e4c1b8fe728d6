import { statfs } from 'node:fs/promises';
import type { Profile } from './profile.ts';

const GiB = 1024 ** 3;

/**
 * Bytes the copy scenarios need on the temp filesystem at their peak: the fixture files and their copy
 * in the source registry, plus the largest destination registry (each scenario gets a new one, so only
 * one lives at a time; every run pushes to a repository of its own, so it keeps every copy), plus room
 * for the tools' own temp files. big-layer dominates: 2 tools × 5 runs × 1 GiB.
 *
 * Why check at all: a full disk makes the destination registry answer 500 mid-upload, and the run
 * reports failed copies for both tools instead of saying what is wrong (seen: a /tmp filled by
 * fixtures of aborted experiments left 4.3 GiB, and every big-layer run failed).
 */
export function diskNeeded(profile: Profile, scenarios: readonly string[]): number {
  const has = (id: string) => scenarios.includes(id);
  const main = profile.mainLayerCount * profile.mainLayerBytes;
  const multiArch =
    profile.multiArchPlatforms.length * profile.multiArchLayersPerPlatform * profile.multiArchLayerBytes;
  const sync =
    profile.syncBaseLayers * profile.syncBaseLayerBytes + profile.syncImages * profile.syncUniqueLayerBytes;
  const fixtures =
    (['fresh-loopback', 'fresh-rtt50', 'incremental', 'noop'].some(has) ? main : 0) +
    (has('multi-arch') ? multiArch : 0) +
    (has('big-layer') ? profile.bigLayerBytes : 0) +
    (has('sync-40') ? sync : 0);
  // Both tools, every measured run, plus the warm-up run; a fresh copy writes the whole image.
  const runs = 2 * profile.iterations + 1;
  const destination = Math.max(
    ['fresh-loopback', 'fresh-rtt50'].some(has) ? runs * main : 0,
    has('multi-arch') ? runs * multiArch : 0,
    has('big-layer') ? (2 * profile.bigLayerIterations + 1) * profile.bigLayerBytes : 0,
    has('sync-40') ? 2 * sync : 0,
  );
  return 2 * fixtures + destination + GiB;
}

/** Why the run cannot start for lack of space in `dir`, or undefined when there is enough. */
export async function diskShortfall(
  dir: string,
  needed: number,
  free: (dir: string) => Promise<number> = freeBytes,
): Promise<string | undefined> {
  const available = await free(dir);
  if (available >= needed) return undefined;
  const gib = (n: number) => `${(n / GiB).toFixed(1)} GiB`;
  return (
    `the selected scenarios need about ${gib(needed)} free in ${dir} (registries and fixtures live there), ` +
    `and it has ${gib(available)}: free some space (leftover ferry-rig-* directories of interrupted runs ` +
    'are safe to delete) or select fewer scenarios with --only'
  );
}

async function freeBytes(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return stats.bavail * stats.bsize;
}
