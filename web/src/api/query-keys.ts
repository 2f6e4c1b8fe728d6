/** TanStack Query keys, in one place so the live updates patch exactly what the views read. */
import type { PromotionFilters } from '../lib/promotion-filters.ts';

export const queryKeys = {
  me: ['me'] as const,
  promotions: (filters: PromotionFilters) => ['promotions', filters] as const,
  allPromotionLists: ['promotions'] as const,
  promotion: (id: string) => ['promotion', id] as const,
  releases: ['releases'] as const,
  release: (path: string) => ['release', path] as const,
  allReleases: ['release'] as const,
  rules: ['rules'] as const,
  audit: (query: string) => ['audit', query] as const,
};
