/**
 * Migration 5: indexes for the dashboard's reads (issue 14). The audit trail is searched newest first
 * by actor or kind (`GET /api/v1/audit`), each paired with `id` so a filtered page is a backward range
 * scan that stops after `limit` rows, whatever the table's size (1,000,000 events in the benchmark);
 * `promotion` uses audit_events_promotion (migration 1) and the time bounds audit_events_at. The
 * promotion list gains filters by trigger and kind, paired with `seq` like those of migration 3.
 *
 * Text search (`q`, `requester`) has no index: substrings cannot use a B-tree, and pg_trgm is an
 * extension neither every managed PostgreSQL nor PGlite's default build offers. Those filters walk the
 * newest-first order and stop at a full page (see docs/api.md for measured times).
 */
import type { Migration } from './migration-list.ts';

export const migration005: Migration = {
  version: 5,
  name: 'dashboard-filters',
  sql: `
CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_kind ON audit_events (kind, id);
CREATE INDEX promotions_trigger_kind ON promotions (trigger_kind, seq);
CREATE INDEX promotions_kind ON promotions (kind, seq);
`,
};
