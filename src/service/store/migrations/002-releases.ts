/**
 * Migration 2: releases. What each destination tag points at now, which promotion put it there, and
 * every move of it, written in the same transaction that records a promotion's success — so "what is in
 * production?" is answered from ferry's own record, never by listing registries.
 *
 * Promotions gain a `kind` (promotion, rerun, rollback: rollbacks are promotions too, with their own
 * approvals and audit trail) and the release tag they moved (a rule's `releaseTag`, e.g. `prod`, the tag
 * an OpenShift ImageStream or a Deployment follows while the immutable tag stays put).
 */
export const migration002 = {
  version: 2,
  name: 'releases',
  sql: `
ALTER TABLE promotions ADD COLUMN kind text NOT NULL DEFAULT 'promotion'
  CHECK (kind IN ('promotion', 'rerun', 'rollback'));
UPDATE promotions SET kind = 'rollback' WHERE rollback_of IS NOT NULL;
UPDATE promotions SET kind = 'rerun' WHERE rerun_of IS NOT NULL;
ALTER TABLE promotions ADD COLUMN release_tag text;

-- One row per destination tag ferry has written: its digest now. Keyed like the idempotency index (by
-- registry, not environment: two environments may share a registry, a tag is a tag).
CREATE TABLE releases (
  registry text NOT NULL,
  repository text NOT NULL,
  tag text NOT NULL,
  environment text,
  digest text NOT NULL,
  promotion_id text NOT NULL REFERENCES promotions (id),
  previous_digest text,
  since timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (registry, repository, tag)
);
CREATE INDEX releases_environment ON releases (environment, repository);

-- Every move of a destination tag, oldest first by id; append-only like the audit trail.
CREATE TABLE release_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  registry text NOT NULL,
  repository text NOT NULL,
  tag text NOT NULL,
  digest text NOT NULL,
  previous_digest text,
  promotion_id text NOT NULL REFERENCES promotions (id),
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX release_history_tag ON release_history (registry, repository, tag, id);

CREATE FUNCTION ferry_release_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'release_history is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'FA001', HINT = 'release history is never updated or deleted';
END
$fn$;
CREATE TRIGGER release_history_no_update_delete BEFORE UPDATE OR DELETE ON release_history
  FOR EACH ROW EXECUTE FUNCTION ferry_release_history_append_only();
CREATE TRIGGER release_history_no_truncate BEFORE TRUNCATE ON release_history
  FOR EACH STATEMENT EXECUTE FUNCTION ferry_release_history_append_only();

-- Releases of promotions recorded before this migration: the current succeeded promotion of each tag.
INSERT INTO releases (registry, repository, tag, environment, digest, promotion_id, since)
SELECT destination_registry, destination_repository, destination_tag, destination_environment,
       COALESCE(result_digest, source_digest), id, COALESCE(finished_at, updated_at)
  FROM promotions WHERE status = 'succeeded' AND superseded_by IS NULL
ON CONFLICT DO NOTHING;
INSERT INTO release_history (registry, repository, tag, digest, promotion_id, at)
SELECT destination_registry, destination_repository, destination_tag,
       COALESCE(result_digest, source_digest), id, COALESCE(finished_at, updated_at)
  FROM promotions WHERE status = 'succeeded' ORDER BY finished_at, seq;
`,
} as const;
