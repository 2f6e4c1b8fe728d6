import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { nextLink } from './link-header.ts';
import { encodePath, type RepositoryContext, toRegistryError } from './repository-context.ts';

const PAGE_SIZE = 1000;
const MAX_PAGES = 10_000;

/** All tags of a repository, following `Link: <…>; rel="next"` pagination (spec "Listing Tags"). */
export async function listTags(ctx: RepositoryContext, signal?: AbortSignal): Promise<string[]> {
  const tags: string[] = [];
  let url: string | undefined = `/v2/${encodePath(ctx.name)}/tags/list?n=${PAGE_SIZE}`;
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const res = await ctx.transport.request({ method: 'GET', url, scopes: ctx.scopes, signal });
    if (res.status !== 200) throw await toRegistryError('GET', res);
    const body = (await res.body.json()) as { tags?: unknown };
    if (body.tags !== null && body.tags !== undefined && !Array.isArray(body.tags)) {
      throw new FerryError(ErrorCode.Registry, `tags list of ${ctx.name} is malformed`);
    }
    for (const tag of (body.tags as unknown[] | null | undefined) ?? [])
      if (typeof tag === 'string') tags.push(tag);
    const next = nextLink(res.headers.link);
    url = next ? new URL(next, res.url).href : undefined;
  }
  return tags;
}
