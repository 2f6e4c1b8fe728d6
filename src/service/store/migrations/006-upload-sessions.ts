/**
 * Migration 6: upload sessions. A large blob is uploaded to the destination in chunks, and after every
 * chunk the registry acknowledged, the session's Location, the bytes it holds and their SHA-256 are
 * recorded here; a run that takes the promotion over after a crash or a failover continues that session
 * instead of sending the blob again, if the registry still holds it. Rows go when the blob is in the
 * destination or the promotion has finished. The Location is the registry's URL for the session and may
 * carry state the registry signed (distribution's `_state`): like every upload URL it is never logged
 * (errors show it redacted), and it stays in the store only while its blob is in flight.
 */
import type { Migration } from './migration-list.ts';

export const migration006: Migration = {
  version: 6,
  name: 'upload-sessions',
  sql: `
CREATE TABLE upload_sessions (
  promotion_id text NOT NULL REFERENCES promotions (id) ON DELETE CASCADE,
  registry text NOT NULL,
  repository text NOT NULL,
  digest text NOT NULL,
  location text NOT NULL,
  uploaded_bytes bigint NOT NULL CHECK (uploaded_bytes >= 0),
  prefix_digest text NOT NULL,
  replica text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (promotion_id, registry, repository, digest)
);
`,
};
