/**
 * The dashboard's reads, as TanStack Query hooks over the public API (src/api/ declares every shape).
 * Lists and details are cached by query key (query-keys.ts); live updates patch those caches
 * (live-updates.ts), so every view showing a promotion changes at once.
 */
import {
  type InfiniteData,
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useQuery,
} from '@tanstack/react-query';
import type { AuditPageBody } from '../../../src/api/audit-query.ts';
import type { MeBody } from '../../../src/api/identity.ts';
import { PATHS, promotionPath } from '../../../src/api/paths.ts';
import type { PromotionDetailBody, PromotionPageBody } from '../../../src/api/promotion-responses.ts';
import type { ReleaseDetailBody, ReleaseListBody } from '../../../src/api/release.ts';
import type { RuleListBody } from '../../../src/api/rule.ts';
import { filtersToSearch, type PromotionFilters } from '../lib/promotion-filters.ts';
import type { ApiClient } from './api-client.ts';
import { useApi } from './api-context.tsx';
import { isUnauthenticated } from './api-error.ts';
import { queryKeys } from './query-keys.ts';

/** Rows per request: enough to fill a tall screen twice; the list asks for more near its end. */
export const PROMOTION_PAGE_SIZE = 100;

/** `/api/v1/me`; also started by main.tsx before the first render. */
export function meQuery(api: ApiClient) {
  return queryOptions({
    queryKey: queryKeys.me,
    queryFn: ({ signal }) => api.get<MeBody>(PATHS.me, signal),
    staleTime: 60_000,
    retry: (count, err) => !isUnauthenticated(err) && count < 2,
  });
}

export function useMe() {
  return useQuery(meQuery(useApi()));
}

export type PromotionPages = InfiniteData<PromotionPageBody, string | null>;

/** The promotions list for `filters`, page by page; also started by main.tsx on the list's page. */
export function promotionsQuery(api: ApiClient, filters: PromotionFilters) {
  return infiniteQueryOptions({
    queryKey: queryKeys.promotions(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const query = filtersToSearch(filters);
      query.set('limit', String(PROMOTION_PAGE_SIZE));
      if (pageParam !== null) query.set('cursor', pageParam);
      return api.get<PromotionPageBody>(`${PATHS.promotions}?${query}`, signal);
    },
    getNextPageParam: (last: PromotionPageBody) => last.nextCursor,
  });
}

export function usePromotions(filters: PromotionFilters, options: { refetchInterval: number | false }) {
  // Without the live stream (an older server), the first page is polled.
  return useInfiniteQuery({
    ...promotionsQuery(useApi(), filters),
    refetchInterval: options.refetchInterval,
  });
}

export function usePromotion(id: string) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.promotion(id),
    queryFn: ({ signal }) => api.get<PromotionDetailBody>(promotionPath(id), signal),
  });
}

export function useReleases() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.releases,
    queryFn: ({ signal }) => api.get<ReleaseListBody>(PATHS.releases, signal),
  });
}

/** `path`: the API path of the release (`/api/v1/releases/<env>/<repo>/<tag>`); null: not needed. */
export function useRelease(path: string | null) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.release(path ?? ''),
    queryFn: ({ signal }) => api.get<ReleaseDetailBody>(path ?? '', signal),
    enabled: path !== null,
  });
}

export function useRules() {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.rules,
    queryFn: ({ signal }) => api.get<RuleListBody>(PATHS.rules, signal),
  });
}

/** `query`: the audit search's query string (without `?`), also the export links' base. */
export function useAudit(query: string) {
  const api = useApi();
  return useInfiniteQuery({
    queryKey: queryKeys.audit(query),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) => {
      const params = new URLSearchParams(query);
      if (pageParam !== null) params.set('cursor', pageParam);
      const text = params.toString();
      return api.get<AuditPageBody>(text === '' ? PATHS.audit : `${PATHS.audit}?${text}`, signal);
    },
    getNextPageParam: (last) => last.nextCursor,
  });
}
