/**
 * The hook a copy asks before it writes anything: "may this source image be copied?" (containers/image
 * copy calls PolicyContext.IsRunningImageAllowed at the same point). The copy engine knows nothing of
 * policies; whoever passes an `Admit` decides and throws to refuse, and the copy then writes nothing.
 *
 * What is judged is what containers/image judges: each image (not index) that will be copied. For an
 * index that is every selected entry, so a signature of the index alone does not admit its images
 * (skopeo `--all` checks each instance, and without `--all` the one instance it copies).
 */
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import type { ParsedManifest } from '../oci/manifest.ts';
import { INDEX_MEDIA_TYPES } from '../oci/media-types.ts';
import { type PlatformSpec, platformMatches } from '../oci/platform.ts';
import type { CopySource } from './endpoints.ts';

export interface AdmissionCandidate {
  /** Digest the source reference resolved to (the copy reads exactly this). */
  readonly digest: string;
  /** Digests of the images that will be copied, in index order; manifests are fetched on first call. */
  images(signal?: AbortSignal): Promise<readonly string[]>;
}

/** Throws (with its own error) to refuse the image; resolves to admit it. */
export type Admit = (candidate: AdmissionCandidate, signal?: AbortSignal) => Promise<void>;

const MAX_DEPTH = 4;

export function admissionCandidate(
  source: CopySource,
  digest: string,
  manifest: ParsedManifest | undefined,
  platforms: readonly PlatformSpec[] | undefined,
): AdmissionCandidate {
  let images: Promise<readonly string[]> | undefined;
  return {
    digest,
    images: (signal) => {
      images ??= (async () => {
        const top = manifest ?? (await fetch(source, digest, signal));
        const out = new Set<string>();
        await collect(source, digest, top, platforms, out, 0, signal);
        return [...out];
      })();
      return images;
    },
  };
}

async function collect(
  source: CopySource,
  digest: string,
  manifest: ParsedManifest,
  platforms: readonly PlatformSpec[] | undefined,
  out: Set<string>,
  depth: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (manifest.kind === 'image') {
    out.add(digest);
    return;
  }
  if (depth >= MAX_DEPTH) throw new FerryError(ErrorCode.BadManifest, 'index nesting is too deep');
  for (const entry of manifest.manifest.manifests) {
    // Platform selection applies to the top index only, as in the copy plan.
    if (depth === 0 && platforms?.length && !platforms.some((p) => platformMatches(p, entry.platform)))
      continue;
    if (INDEX_MEDIA_TYPES.has(entry.mediaType)) {
      await collect(
        source,
        entry.digest,
        await fetch(source, entry.digest, signal),
        undefined,
        out,
        depth + 1,
        signal,
      );
    } else out.add(entry.digest);
  }
}

async function fetch(
  source: CopySource,
  digest: string,
  signal: AbortSignal | undefined,
): Promise<ParsedManifest> {
  const found = await source.getManifest(digest, signal);
  if (!found)
    throw new FerryError(ErrorCode.NotFound, `${source.registry}/${source.name}@${digest} not found`);
  return found.parsed;
}
