/**
 * The promotions list's filters: read from and written to the page URL (so a filtered view can be
 * shared and survives a reload) with the API's own parameter names (src/api/promotion-query.ts), and
 * applied to promotions that arrive live, so an event of a promotion the filters exclude never shows.
 * `matchesFilters` follows the server's meaning of each filter; the server stays the authority for what
 * a page lists.
 */
import type { PromotionView } from '../../../src/api/promotion.ts';
import { PROMOTION_STATUSES, type PromotionStatus } from '../../../src/api/statuses.ts';
import { TRIGGER_KINDS, type TriggerKind } from '../../../src/api/trigger-kinds.ts';

export interface PromotionFilters {
  readonly rule?: string | undefined;
  readonly repository?: string | undefined;
  readonly environment?: string | undefined;
  /** Any of these (none: every status). */
  readonly status: readonly PromotionStatus[];
  readonly trigger?: TriggerKind | undefined;
  /** Case-insensitive text in who requested it. */
  readonly requester?: string | undefined;
  /** Text in a tag (case-insensitive) or the start of a digest. */
  readonly q?: string | undefined;
}

const TEXT_FILTERS = ['rule', 'repository', 'environment', 'requester', 'q'] as const;

function isStatus(value: string): value is PromotionStatus {
  return (PROMOTION_STATUSES as readonly string[]).includes(value);
}

function isTrigger(value: string): value is TriggerKind {
  return (TRIGGER_KINDS as readonly string[]).includes(value);
}

/** Filters from a URL's query; unknown statuses and trigger kinds are dropped, blank text ignored. */
export function filtersFromSearch(params: URLSearchParams): PromotionFilters {
  const text = (name: string) => {
    const value = params.get(name)?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const trigger = params.get('trigger') ?? '';
  return {
    rule: text('rule'),
    repository: text('repository'),
    environment: text('environment'),
    requester: text('requester'),
    q: text('q'),
    status: [...new Set(params.getAll('status').filter(isStatus))],
    trigger: isTrigger(trigger) ? trigger : undefined,
  };
}

/** The query of both the page URL and `GET /api/v1/promotions` (same names); stable order. */
export function filtersToSearch(filters: PromotionFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of TEXT_FILTERS) {
    const value = filters[name];
    if (value !== undefined) params.set(name, value);
  }
  if (filters.trigger !== undefined) params.set('trigger', filters.trigger);
  for (const status of PROMOTION_STATUSES)
    if (filters.status.includes(status)) params.append('status', status);
  return params;
}

export function hasFilters(filters: PromotionFilters): boolean {
  return filtersToSearch(filters).size > 0;
}

function includesFolded(haystack: string | null, needle: string): boolean {
  return haystack?.toLowerCase().includes(needle.toLowerCase()) === true;
}

/** The start of a digest, with or without `sha256:` (`4f2a` finds `sha256:4f2a…`). */
function digestStarts(digest: string | null, prefix: string): boolean {
  if (digest === null) return false;
  const wanted = prefix.toLowerCase();
  return digest.startsWith(wanted) || digest.slice(digest.indexOf(':') + 1).startsWith(wanted);
}

export function matchesFilters(p: PromotionView, f: PromotionFilters): boolean {
  if (f.rule !== undefined && p.rule !== f.rule) return false;
  if (
    f.repository !== undefined &&
    p.source.repository !== f.repository &&
    p.destination.repository !== f.repository
  )
    return false;
  if (
    f.environment !== undefined &&
    p.source.environment !== f.environment &&
    p.destination.environment !== f.environment
  )
    return false;
  if (f.status.length > 0 && !f.status.includes(p.status)) return false;
  if (f.trigger !== undefined && p.triggerKind !== f.trigger) return false;
  if (f.requester !== undefined && !includesFolded(p.requestedBy, f.requester)) return false;
  if (f.q !== undefined) {
    const inTag = includesFolded(p.source.tag, f.q) || includesFolded(p.destination.tag, f.q);
    if (!inTag && !digestStarts(p.source.digest, f.q) && !digestStarts(p.resultDigest, f.q)) return false;
  }
  return true;
}
