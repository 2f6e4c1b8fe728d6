/**
 * A promotion that arrived live (event stream), merged into a list already shown, newest first: a known
 * one is replaced in place (or dropped once it no longer matches the filters, e.g. a status filter), a
 * new one that matches goes on top. Pure: the live-update hook applies it to the query cache.
 */
import type { PromotionView } from '../../../src/api/promotion.ts';
import { matchesFilters, type PromotionFilters } from './promotion-filters.ts';

export interface Pages {
  readonly pages: readonly {
    readonly promotions: readonly PromotionView[];
    readonly nextCursor: string | null;
  }[];
}

export function mergePromotion<T extends Pages>(
  data: T,
  promotion: PromotionView,
  filters: PromotionFilters,
): T {
  const matches = matchesFilters(promotion, filters);
  let found = false;
  const pages = data.pages.map((page) => {
    const index = page.promotions.findIndex((p) => p.id === promotion.id);
    if (index < 0) return page;
    found = true;
    const existing = page.promotions[index]!;
    // Events can arrive out of order across replicas: an older state never replaces a newer one.
    if (Date.parse(existing.updatedAt) > Date.parse(promotion.updatedAt)) return page;
    const promotions = [...page.promotions];
    if (matches) promotions[index] = promotion;
    else promotions.splice(index, 1);
    return { ...page, promotions };
  });
  if (found) return { ...data, pages };
  if (!matches) return data;
  const first = pages[0];
  if (first === undefined) return data;
  // Promotion ids are UUID v7, so newest-first order is creation order; a promotion older than the top
  // of the list belongs further down, where the server puts it when that page is read.
  const top = first.promotions[0];
  if (top !== undefined && Date.parse(promotion.createdAt) < Date.parse(top.createdAt)) return data;
  pages[0] = { ...first, promotions: [promotion, ...first.promotions] };
  return { ...data, pages };
}
