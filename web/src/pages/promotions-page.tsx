/**
 * Promotions, newest first, live: the all-promotions event stream patches the list as promotions are
 * requested and move on (live-updates.ts); without that stream the first page is polled. The list is
 * virtualised against the window's scroll (only the rows in view are in the DOM), so 10,000 promotions
 * scroll like 50, and the next page is fetched as the end comes into view.
 */
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { dashboardPromotionPath } from '../../../src/api/dashboard-paths.ts';
import type { PromotionView } from '../../../src/api/promotion.ts';
import { useLivePromotions } from '../api/live-updates.ts';
import { usePromotions, useRules } from '../api/queries.ts';
import { ErrorBox } from '../components/error-box.tsx';
import { PromotionFiltersForm } from '../components/promotion-filters-form.tsx';
import { TimeAgo, useNow } from '../components/relative-time.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { shortDigest } from '../lib/format.ts';
import { filtersFromSearch, filtersToSearch, hasFilters } from '../lib/promotion-filters.ts';

/** Polling interval when the server has no live stream. */
const POLL_MS = 5_000;

export function PromotionsPage() {
  const [search, setSearch] = useSearchParams();
  const filters = useMemo(() => filtersFromSearch(search), [search]);
  const live = useLivePromotions();
  const list = usePromotions(filters, { refetchInterval: live === 'unavailable' ? POLL_MS : false });
  const rules = useRules();
  const promotions = useMemo(() => list.data?.pages.flatMap((page) => page.promotions) ?? [], [list.data]);

  return (
    <section aria-labelledby="promotions-title">
      <div className="page-head">
        <h1 id="promotions-title">Promotions</h1>
        <p className="live" aria-live="polite">
          {live === 'open'
            ? 'Live'
            : live === 'connecting'
              ? 'Connecting…'
              : `Refreshing every ${POLL_MS / 1000} s`}
        </p>
      </div>
      <PromotionFiltersForm
        filters={filters}
        rules={rules.data?.rules.map((rule) => rule.name) ?? []}
        onChange={(next) => setSearch(filtersToSearch(next))}
      />
      {list.isError && <ErrorBox error={list.error} title="The promotions could not be listed" />}
      {list.isPending && <p>Loading…</p>}
      {list.isSuccess && promotions.length === 0 && (
        <p className="empty">
          {hasFilters(filters) ? 'No promotion matches these filters.' : 'No promotions yet.'}
        </p>
      )}
      {promotions.length > 0 && (
        <PromotionList
          promotions={promotions}
          hasMore={list.hasNextPage}
          loadMore={() => {
            if (!list.isFetchingNextPage) void list.fetchNextPage();
          }}
        />
      )}
      {list.isFetchingNextPage && <p>Loading more…</p>}
    </section>
  );
}

function PromotionList({
  promotions,
  hasMore,
  loadMore,
}: {
  promotions: readonly PromotionView[];
  hasMore: boolean;
  loadMore: () => void;
}) {
  // The window scrolls, and the list starts below the filters: item offsets are counted from the
  // document's top, so the list's own offset is the virtualizer's scroll margin.
  const listRef = useRef<HTMLOListElement>(null);
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const list = listRef.current;
    if (list === null) return;
    const measure = () => setOffset(list.getBoundingClientRect().top + window.scrollY);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  const virtualizer = useWindowVirtualizer({
    count: promotions.length,
    scrollMargin: offset,
    // The window's size is known now: rows render in the first pass instead of after a measuring one.
    initialRect: { width: window.innerWidth, height: window.innerHeight },
    estimateSize: () => 72,
    overscan: 8,
    getItemKey: (index) => promotions[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  // One clock for every row (rows are memoised: only a new time or a changed promotion re-renders one).
  const now = useNow();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (hasMore && last >= promotions.length - 20) loadMore();
  }, [hasMore, last, promotions.length, loadMore]);

  return (
    <ol
      ref={listRef}
      className="promotion-list"
      aria-label="Promotions, newest first"
      style={{ height: virtualizer.getTotalSize() }}
    >
      {items.map((item) => {
        const p = promotions[item.index]!;
        return (
          <li
            key={item.key}
            data-index={item.index}
            ref={virtualizer.measureElement}
            aria-setsize={hasMore ? -1 : promotions.length}
            aria-posinset={item.index + 1}
            style={{ transform: `translateY(${item.start - offset}px)` }}
          >
            <PromotionRow promotion={p} now={now} />
          </li>
        );
      })}
    </ol>
  );
}

const PromotionRow = memo(function PromotionRow({
  promotion: p,
  now,
}: {
  promotion: PromotionView;
  now: number;
}) {
  return (
    <Link to={dashboardPromotionPath(p.id)} className="row" data-promotion={p.id}>
      <span className="row-main">
        <span className="image">
          {p.destination.repository}:{p.destination.tag}
        </span>
        <StatusBadge status={p.status} />
        {p.kind !== 'promotion' && <span className="kind">{p.kind}</span>}
      </span>
      <span className="row-meta">
        <span>
          {p.source.environment ?? p.source.registry} → {p.destination.environment ?? p.destination.registry}
        </span>
        <span>rule {p.rule}</span>
        <span>
          by {p.requestedBy} ({p.triggerKind})
        </span>
        <code>{shortDigest(p.source.digest)}</code>
        <TimeAgo at={p.createdAt} now={now} />
      </span>
    </Link>
  );
});
