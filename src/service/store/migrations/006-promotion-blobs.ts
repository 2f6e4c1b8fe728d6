/**
 * Migration 6: per-blob copy progress of each promotion's last attempt, so the dashboard's detail view
 * shows it after a reload and on any replica (the live view is the event stream). One row per blob,
 * overwritten while the copy runs (a few times a minute, not per chunk) and once more when it ends;
 * `position` keeps the copy plan's order.
 */
import type { Migration } from './migration-list.ts';

export const migration006: Migration = {
  version: 6,
  name: 'promotion-blobs',
  sql: `
CREATE TABLE promotion_blobs (
  promotion_id text NOT NULL REFERENCES promotions (id),
  digest text NOT NULL,
  position integer NOT NULL CHECK (position >= 0),
  size bigint NOT NULL CHECK (size >= 0),
  media_type text,
  state text NOT NULL CHECK (state IN ('pending', 'copying', 'copied', 'mounted', 'skipped')),
  bytes bigint NOT NULL CHECK (bytes >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (promotion_id, digest)
);
`,
};
