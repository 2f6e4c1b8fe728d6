import { digestToTagPrefix } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { RegistryError } from '../registry/registry-error.ts';
import type { Repository } from '../registry/repository.ts';

/** cosign's tag suffixes: signatures, attestations, SBOMs (sigstore/cosign pkg/oci/remote). */
export const COSIGN_SUFFIXES = ['.sig', '.att', '.sbom'] as const;

export interface DiscoveredArtifacts {
  /** Tags on the source that belong to the digest (cosign tags, referrers fallback tag). */
  readonly tags: readonly string[];
  /** Referrers found through the referrers API, copied by digest. */
  readonly referrers: readonly Descriptor[];
}

/**
 * Find what travels with a manifest: cosign's `sha256-<hex>.sig/.att/.sbom` tags, the referrers fallback
 * tag `sha256-<hex>`, and referrers from the API. All requests go out at once so discovery costs one
 * round trip. A registry that rejects a probe (auth on a tag we may not read) does not fail the copy.
 */
export async function discoverArtifacts(
  source: Repository,
  digest: string,
  signal?: AbortSignal,
): Promise<DiscoveredArtifacts> {
  const prefix = digestToTagPrefix(digest);
  const candidates = [...COSIGN_SUFFIXES.map((s) => `${prefix}${s}`), prefix];
  const [heads, referrers] = await Promise.all([
    Promise.all(candidates.map((tag) => source.headManifest(tag, signal).catch(ignoreProbeError))),
    source.listReferrersApi(digest, signal).catch(ignoreProbeError),
  ]);
  const tags = candidates.filter((_, i) => heads[i] !== undefined);
  return { tags, referrers: referrers ?? [] };
}

function ignoreProbeError(err: unknown): undefined {
  if (err instanceof RegistryError && err.status >= 400 && err.status < 500) return undefined;
  throw err;
}
