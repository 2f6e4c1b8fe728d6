/**
 * Migration 10: the four-eyes check compares identities, not names. Each promotion records the key of
 * the identity that requested it (`requested_by_key`: the token name for tokens, `oidc:<sub>` for a
 * person, as approvals.approver_key since migration 5), beside the name shown (`requested_by`). Two
 * people with the same display name are then two requesters, and a person whose address changed is
 * still the one who asked. Null for promotions recorded before: those are compared by name, as they
 * were (approver-policy.ts), rather than guessing a key.
 */
import type { Migration } from './migration-list.ts';

export const migration010: Migration = {
  version: 10,
  name: 'requester-identity',
  sql: `
ALTER TABLE promotions ADD COLUMN requested_by_key text;
`,
};
