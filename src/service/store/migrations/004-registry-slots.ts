/**
 * Migration 4: registry slots. A limit on promotions copying to one destination registry at once,
 * held in the shared store so that it counts across replicas (ten replicas must not run twenty copies
 * against one registry because each allows two). A slot is held by one promotion and kept alive by the
 * run's heartbeat; a slot whose heartbeat stopped (its replica died) is free again after the lease.
 */
import type { Migration } from './migration-list.ts';

export const migration004: Migration = {
  version: 4,
  name: 'registry-slots',
  sql: `
CREATE TABLE registry_slots (
  registry text NOT NULL,
  promotion_id text NOT NULL REFERENCES promotions (id),
  replica text NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (promotion_id)
);
CREATE INDEX registry_slots_registry ON registry_slots (registry, heartbeat_at);
`,
};
