/**
 * Migration 3: indexes for the filters of `GET /api/v1/promotions` added in issue 13 (rule, requestedBy,
 * tag, created time). Each pairs with `seq` because the list is ordered by it, newest first, so a
 * filtered page is an index range scan rather than a walk of the whole table.
 *
 * Numbered 3: migration 2 is the releases table, developed alongside; the migrator applies any missing
 * version in order, so the two land in either order.
 */
import type { Migration } from './migration-list.ts';

export const migration003: Migration = {
  version: 3,
  name: 'list-filters',
  sql: `
CREATE INDEX promotions_rule ON promotions (rule, seq);
CREATE INDEX promotions_requested_by ON promotions (requested_by, seq);
CREATE INDEX promotions_source_tag ON promotions (source_tag, seq);
CREATE INDEX promotions_destination_tag ON promotions (destination_tag, seq);
CREATE INDEX promotions_created_at ON promotions (created_at);
`,
};
