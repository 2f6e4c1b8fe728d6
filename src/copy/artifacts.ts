import { digestToTagPrefix } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { RegistryError } from '../registry/registry-error.ts';
import type { CopySource } from './endpoints.ts';

/** cosign's tag suffixes: signatures, attestations, SBOMs (sigstore/cosign pkg/oci/remote). */
export const COSIGN_SUFFIXES = ['.sig', '.att', '.sbom'] as const;

export interface DiscoveredArtifacts {
  /** Tags on the source that belong to the digest (cosign tags, referrers fallback tag). */
  readonly tags: readonly string[];
  /** Referrers found through the referrers API, copied by digest. */
  readonly referrers: readonly Descriptor[];
}

/** What can be learnt about a repository's artifacts before the image digest is known. */
export interface ArtifactHints {
  /** All tags, when the first page of the tag list held them all. */
  readonly tags: ReadonlySet<string> | undefined;
  /** Whether the registry implements the referrers API; undefined if the probe failed. */
  readonly referrersApi: boolean | undefined;
}

/** Any digest works for the probe: a registry with the API answers 200 (an empty index) even for unknown subjects. */
const PROBE_DIGEST = `sha256:${'0'.repeat(64)}`;

/**
 * Started together with the source manifest request, so artifact discovery usually costs no round
 * trip of its own: the tag list (one page) shows cosign and fallback tags, and a referrers request for
 * a dummy digest shows whether the API exists (OCI distribution spec 1.1: a registry that supports it
 * "MUST NOT return a 404" for a referrers request).
 */
export async function prefetchArtifactHints(
  source: CopySource,
  signal?: AbortSignal,
): Promise<ArtifactHints> {
  const [page, probe] = await Promise.all([
    source.listTagsPage(undefined, signal).catch(ignoreProbeError),
    source.listReferrersApi(PROBE_DIGEST, signal).catch(ignoreProbeError),
  ]);
  return {
    tags: page && !page.next ? new Set(page.tags) : undefined,
    referrersApi: probe !== undefined,
  };
}

/**
 * Find what travels with a manifest: cosign's `sha256-<hex>.sig/.att/.sbom` tags, the referrers fallback
 * tag `sha256-<hex>`, and referrers from the API. With hints, only what they could not answer is asked
 * (all at once). A registry that rejects a probe (auth on a tag we may not read) does not fail the copy.
 */
export async function discoverArtifacts(
  source: CopySource,
  digest: string,
  hints: ArtifactHints | undefined,
  signal?: AbortSignal,
): Promise<DiscoveredArtifacts> {
  const prefix = digestToTagPrefix(digest);
  const candidates = [...COSIGN_SUFFIXES.map((s) => `${prefix}${s}`), prefix];
  const known = hints?.tags;
  const [heads, referrers] = await Promise.all([
    known
      ? candidates.map((tag) => (known.has(tag) ? true : undefined))
      : Promise.all(candidates.map((tag) => source.headManifest(tag, signal).catch(ignoreProbeError))),
    hints?.referrersApi === false
      ? undefined
      : source.listReferrersApi(digest, signal).catch(ignoreProbeError),
  ]);
  const tags = candidates.filter((_, i) => heads[i] !== undefined);
  return { tags, referrers: referrers ?? [] };
}

function ignoreProbeError(err: unknown): undefined {
  if (err instanceof RegistryError && err.status >= 400 && err.status < 500) return undefined;
  throw err;
}
