/**
 * Migration 5: approvals count distinct *identities*, not distinct names. A person signed in with
 * OpenID Connect is shown as `alice@example.com (oidc)`, but an address can change while the person
 * (the provider's `sub`) stays the same; so each decision is keyed by `approver_key` (the token name
 * for tokens — unchanged for existing rows — or `oidc:<sub>`), and `approver` keeps the name shown.
 */
import type { Migration } from './migration-list.ts';

export const migration005: Migration = {
  version: 5,
  name: 'approver-identity',
  sql: `
ALTER TABLE approvals ADD COLUMN approver_key text;
UPDATE approvals SET approver_key = approver;
ALTER TABLE approvals ALTER COLUMN approver_key SET NOT NULL;
ALTER TABLE approvals DROP CONSTRAINT approvals_pkey;
ALTER TABLE approvals ADD PRIMARY KEY (promotion_id, approver_key);
`,
};
