/**
 * Migration 9: browser sessions signed out, so every replica (and this one after a restart) refuses a
 * signed-out cookie. The session itself lives in the encrypted cookie (http/sessions.ts); only the ids
 * of sessions ended early are kept, each until the cookie would have expired anyway (`expires_at`),
 * after which the store maintenance deletes the row. The lookup on every cookie request is by primary
 * key; the expiry index serves the pruning.
 */
import type { Migration } from './migration-list.ts';

export const migration009: Migration = {
  version: 9,
  name: 'session-revocations',
  sql: `
CREATE TABLE session_revocations (
  session_id text PRIMARY KEY,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX session_revocations_expires_at ON session_revocations (expires_at);
`,
};
