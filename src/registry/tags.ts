import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { nextLink } from './link-header.ts';
import { encodePath, type RepositoryContext, toRegistryError } from './repository-context.ts';

const PAGE_SIZE = 1000;
const MAX_PAGES = 10_000;

export interface TagsPage {
  readonly tags: readonly string[];
  /** URL of the next page (`Link: <…>; rel="next"`), when there is one. */
  readonly next: string | undefined;
}

/** One page of `GET /v2/<name>/tags/list` (spec "Listing Tags"); `url` continues from a previous page. */
export async function listTagsPage(
  ctx: RepositoryContext,
  url?: string,
  signal?: AbortSignal,
  pageSize = PAGE_SIZE,
): Promise<TagsPage> {
  const res = await ctx.transport.request({
    method: 'GET',
    url: url ?? `/v2/${encodePath(ctx.name)}/tags/list?n=${pageSize}`,
    scopes: ctx.scopes,
    signal,
  });
  if (res.status !== 200) throw await toRegistryError('GET', res);
  const body = (await res.body.json()) as { tags?: unknown };
  if (body.tags !== null && body.tags !== undefined && !Array.isArray(body.tags)) {
    throw new FerryError(ErrorCode.Registry, `tags list of ${ctx.name} is malformed`);
  }
  const tags: string[] = [];
  for (const tag of (body.tags as unknown[] | null | undefined) ?? [])
    if (typeof tag === 'string') tags.push(tag);
  const next = nextLink(res.headers.link);
  return { tags, next: next ? new URL(next, res.url).href : undefined };
}

/**
 * All tags of a repository, following `Link: <…>; rel="next"` pagination (spec "Listing Tags"). The
 * registry may return fewer than `pageSize` per page, and the next URL is opaque (distribution puts the
 * last tag and `n` in it), so it is followed as given.
 */
export async function listTags(
  ctx: RepositoryContext,
  signal?: AbortSignal,
  pageSize = PAGE_SIZE,
): Promise<string[]> {
  const tags: string[] = [];
  let url: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await listTagsPage(ctx, url, signal, pageSize);
    tags.push(...result.tags);
    url = result.next;
    if (!url) break;
  }
  return tags;
}
