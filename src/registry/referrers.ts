import { digestToTagPrefix } from '../oci/digest.ts';
import { type Descriptor, parseManifest } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import { nextLink } from './link-header.ts';
import { getManifest } from './manifests.ts';
import { headerValue } from './registry-transport.ts';
import { encodePath, type RepositoryContext, toRegistryError } from './repository-context.ts';

/**
 * Manifests whose `subject` is `digest` (spec "Listing Referrers"). Registries without the API (404,
 * or 400/405 from older ones) are asked for the fallback tag `sha256-<hex>`, an index maintained by
 * clients (spec "Referrers Tag Schema").
 */
export async function listReferrers(
  ctx: RepositoryContext,
  digest: string,
  signal?: AbortSignal,
): Promise<Descriptor[]> {
  const viaApi = await listReferrersApi(ctx, digest, signal);
  return viaApi ?? fallbackTag(ctx, digest, signal);
}

/** The referrers API alone: undefined when the registry does not implement it. */
export async function listReferrersApi(
  ctx: RepositoryContext,
  digest: string,
  signal?: AbortSignal,
): Promise<Descriptor[] | undefined> {
  const out: Descriptor[] = [];
  let url: string | undefined = `/v2/${encodePath(ctx.name)}/referrers/${digest}`;
  let first = true;
  while (url) {
    const res = await ctx.transport.request({
      method: 'GET',
      url,
      headers: { accept: MediaType.OciIndex },
      scopes: ctx.scopes,
      signal,
    });
    if (first && (res.status === 404 || res.status === 400 || res.status === 405 || res.status === 501)) {
      await res.body.dump();
      return undefined;
    }
    if (res.status !== 200) throw await toRegistryError('GET', res);
    const contentType = headerValue(res.headers['content-type']) ?? '';
    const bytes = new Uint8Array(await res.body.arrayBuffer());
    // A registry that routes unknown paths to an HTML page or similar: treat as unsupported.
    if (!contentType.startsWith(MediaType.OciIndex) && first) return undefined;
    const parsed = parseManifest(bytes, MediaType.OciIndex, `referrers of ${digest}`);
    if (parsed.kind === 'index') out.push(...parsed.manifest.manifests);
    first = false;
    const next = nextLink(res.headers.link);
    url = next ? new URL(next, res.url).href : undefined;
  }
  return out;
}

async function fallbackTag(
  ctx: RepositoryContext,
  digest: string,
  signal?: AbortSignal,
): Promise<Descriptor[]> {
  const fetched = await getManifest(ctx, digestToTagPrefix(digest), signal);
  if (fetched?.parsed.kind !== 'index') return [];
  return fetched.parsed.manifest.manifests;
}
