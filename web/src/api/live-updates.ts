/**
 * Live updates: every promotion change the server streams (`GET /api/v1/events`, event `status`, data:
 * a Promotion) is merged into each cached list and into the promotion's detail, so the lists and the
 * detail view move without a reload. Without the stream (a server that does not have it), the list
 * polls instead (promotions-page.tsx).
 */
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { PATHS } from '../../../src/api/paths.ts';
import type { PromotionView } from '../../../src/api/promotion.ts';
import type { PromotionDetailBody } from '../../../src/api/promotion-responses.ts';
import { mergePromotion } from '../lib/merge-promotion.ts';
import type { PromotionFilters } from '../lib/promotion-filters.ts';
import type { PromotionPages } from './queries.ts';
import { queryKeys } from './query-keys.ts';
import { type StreamState, useEventSource } from './use-event-source.ts';

export function applyPromotionUpdate(client: QueryClient, promotion: PromotionView): void {
  for (const query of client.getQueryCache().findAll({ queryKey: queryKeys.allPromotionLists })) {
    const filters = query.queryKey[1] as PromotionFilters;
    client.setQueryData<PromotionPages>(query.queryKey, (data) =>
      data === undefined ? data : mergePromotion(data, promotion, filters),
    );
  }
  client.setQueryData<PromotionDetailBody>(queryKeys.promotion(promotion.id), (data) =>
    data === undefined || Date.parse(data.promotion.updatedAt) > Date.parse(promotion.updatedAt)
      ? data
      : { ...data, promotion },
  );
}

/** Opens the all-promotions stream while mounted; its state tells the list whether to poll. */
export function useLivePromotions(): StreamState {
  const client = useQueryClient();
  const handlers = useMemo(
    () => ({ status: (data: unknown) => applyPromotionUpdate(client, data as PromotionView) }),
    [client],
  );
  return useEventSource(PATHS.events, handlers);
}
