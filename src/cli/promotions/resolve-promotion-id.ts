/**
 * The ID argument of `ferry promotions show|approve|…`: the full id, or the short form `list` prints
 * (its last 8 characters: UUID v7 ids begin with a shared timestamp, they end at random). A short form
 * is looked up among the newest promotions, a page of 500 at a time, at most RESOLVE_PAGES pages; an
 * ambiguous one is refused naming the candidates (exit 2), an unknown one says how far it looked.
 */
import { PATHS } from '../../api/paths.ts';
import { MAX_PAGE_SIZE } from '../../api/promotion-query.ts';
import { promotionPageSchema } from '../../api/promotion-responses.ts';
import { BadUsageError, NotFoundError } from '../../errors/kinds.ts';
import type { ApiClient } from '../api-client/api-client.ts';
import { quoteValue } from '../flags/quote-value.ts';
import { SHORT_ID_LENGTH } from './promotion-text.ts';

const RESOLVE_PAGES = 4;
/** What the server accepts as an id (service/http/promotion-routes.ts): anything else cannot exist. */
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
/** A full UUID: used as is, no lookup. */
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkIdArgument(value: string): void {
  if (!ID_RE.test(value)) throw new BadUsageError(`ID ${quoteValue(value)} is not a promotion id`);
  if (!UUID_RE.test(value) && value.length < SHORT_ID_LENGTH) {
    throw new BadUsageError(
      `ID ${quoteValue(value)} is too short: give the full id or the ${SHORT_ID_LENGTH} characters ferry promotions list shows`,
    );
  }
}

export async function resolvePromotionId(client: ApiClient, value: string): Promise<string> {
  if (UUID_RE.test(value)) return value;
  const wanted = value.toLowerCase();
  const found = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await client.read(PATHS.promotions, promotionPageSchema, { limit: MAX_PAGE_SIZE, cursor });
    for (const p of page.promotions)
      if (p.id.toLowerCase().endsWith(wanted) || p.id === value) found.add(p.id);
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor !== undefined && pages < RESOLVE_PAGES && found.size === 0);
  const [first, ...others] = found;
  if (first === undefined) {
    throw new NotFoundError(
      `no promotion ${quoteValue(value)} among the newest ${pages * MAX_PAGE_SIZE}; give its full id (ferry promotions list --json)`,
    );
  }
  if (others.length > 0) {
    throw new BadUsageError(`ID ${quoteValue(value)} is ambiguous: ${[first, ...others].join(', ')}`);
  }
  return first;
}
