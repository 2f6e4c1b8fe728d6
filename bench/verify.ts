import { blobExists, getManifest, type RigTarget } from '../test/rig/rig-client.ts';
import type { SourceImage } from './fixture-library.ts';

/**
 * A run only counts when the destination tag resolves to the source digest (so the digest was
 * preserved and the manifest is really there) and, for an index, every child manifest is present.
 * Asked directly, never through the latency proxy: verification is not part of the timing.
 */
export async function verifyCopy(
  destination: RigTarget,
  repo: string,
  tag: string,
  source: SourceImage,
): Promise<string | undefined> {
  const top = await getManifest(destination, repo, tag);
  if (top.status !== 200) return `destination ${repo}:${tag}: HTTP ${top.status}`;
  if (top.digest !== source.digest) {
    return `destination ${repo}:${tag} is ${top.digest ?? '(no digest header)'}, source is ${source.digest}`;
  }
  for (const child of source.childDigests) {
    const res = await getManifest(destination, repo, child);
    if (res.status !== 200) return `destination ${repo}@${child} (index child): HTTP ${res.status}`;
  }
  return undefined;
}

export interface FreshRepoCheck {
  readonly digest: string;
  readonly presentIn: string;
  readonly visibleInPopulatedRepo: boolean;
  readonly visibleInNewRepo: boolean;
}

/**
 * distribution links blobs per repository: a blob stored for one repository answers 404 to a HEAD
 * through another until it is uploaded or mounted there. This checks that, so "a fresh repository
 * name" really means a fresh copy.
 */
export async function checkFreshRepoAssumption(
  destination: RigTarget,
  populatedRepo: string,
  digest: string,
): Promise<FreshRepoCheck> {
  return {
    digest,
    presentIn: populatedRepo,
    visibleInPopulatedRepo: await blobExists(destination, populatedRepo, digest),
    visibleInNewRepo: await blobExists(destination, 'bench-probe/never-written', digest),
  };
}
