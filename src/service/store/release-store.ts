/**
 * Releases: per destination tag, the digest it points at now, the promotion that put it there, and the
 * history of its moves. Written only by `recordReleases`, inside the transaction that records a
 * promotion's success, so the releases view can never disagree with the promotions it names.
 *
 * A tag is identified by registry, repository and tag (not by environment: an environment is a name for
 * a registry and prefix, and the tag lives in the registry). The environment is kept for filtering.
 */
import { atomically, type Database } from './database.ts';
import type { PromotionKind } from './promotion.ts';

export interface ReleaseTagRef {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
}

export interface Release extends ReleaseTagRef {
  readonly environment: string | null;
  readonly digest: string;
  readonly promotionId: string;
  readonly rule: string;
  readonly kind: PromotionKind;
  /** Who requested the promotion that put the digest there. */
  readonly promotedBy: string;
  /** Who approved that promotion, in the order they did. */
  readonly approvedBy: string[];
  readonly since: Date;
  /** What the tag pointed at before (null: ferry had not written it before). */
  readonly previousDigest: string | null;
}

export interface ReleaseEntry {
  readonly digest: string;
  readonly previousDigest: string | null;
  readonly promotionId: string;
  readonly kind: PromotionKind;
  readonly promotedBy: string;
  readonly at: Date;
}

export interface RecordReleasesInput {
  readonly promotionId: string;
  readonly environment: string | null;
  readonly registry: string;
  readonly repository: string;
  /** Every tag the promotion pointed at `digest` (its destination tag, and its release tag if any). */
  readonly tags: readonly string[];
  readonly digest: string;
}

/**
 * Moves the releases of `tags` to `digest` and appends one history entry per tag that changed (a tag
 * already at the digest keeps its row, its `since` and its promotion: a no-op re-promotion does not
 * rewrite who put it there). Also supersedes the earlier succeeded promotions that wrote these tags, so
 * that promoting their digest again counts as a change (see the promotions idempotency index): a
 * release tag moved by a promotion whose own destination tag is another one must free the rollback
 * that wrote it before.
 */
export async function recordReleases(db: Database, input: RecordReleasesInput): Promise<void> {
  const tags = [...new Set(input.tags)];
  if (tags.length === 0) return;
  await atomically(db, async (tx) => {
    if (tx.kind !== 'pglite') {
      // Two promotions moving one tag at once: the second waits and then sees the first's row, so the
      // history's previous digests chain. PGlite has one connection, its transactions never overlap.
      for (const tag of tags.toSorted()) {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 1))`, [
          `${input.registry}/${input.repository}:${tag}`,
        ]);
      }
    }
    // One statement: the releases moved, their history entries and the superseded promotions, against
    // the snapshot taken after the locks (every step used to be its own round trip, under the lock).
    await tx.query(
      `WITH target AS (
         SELECT unnest($4::text[]) AS tag
       ), before AS (
         SELECT r.tag, r.digest FROM releases r
          WHERE r.registry = $2 AND r.repository = $3 AND r.tag = ANY($4::text[])
       ), upserted AS (
         INSERT INTO releases AS r (registry, repository, tag, environment, digest, promotion_id, previous_digest)
         SELECT $2, $3, target.tag, $6, $5, $1, before.digest
           FROM target LEFT JOIN before USING (tag)
          WHERE before.digest IS DISTINCT FROM $5
         ON CONFLICT (registry, repository, tag) DO UPDATE SET
           environment = EXCLUDED.environment,
           digest = EXCLUDED.digest,
           promotion_id = EXCLUDED.promotion_id,
           previous_digest = r.digest,
           since = now()
         RETURNING r.tag, r.previous_digest
       ), history AS (
         INSERT INTO release_history (registry, repository, tag, digest, previous_digest, promotion_id)
         SELECT $2, $3, upserted.tag, $5, upserted.previous_digest, $1 FROM upserted
       )
       UPDATE promotions SET superseded_by = $1, updated_at = now()
        WHERE destination_registry = $2 AND destination_repository = $3
          AND destination_tag = ANY($4::text[])
          AND status = 'succeeded' AND superseded_by IS NULL AND id <> $1`,
      [input.promotionId, input.registry, input.repository, tags, input.digest, input.environment],
    );
  });
}

export interface ListReleasesFilter {
  readonly environment?: string | undefined;
  readonly repository?: string | undefined;
  /** The rule of the promotion that put the current digest there. */
  readonly rule?: string | undefined;
  /** At most this many (default 500, the maximum). */
  readonly limit?: number | undefined;
}

interface ReleaseRow {
  registry: string;
  repository: string;
  tag: string;
  environment: string | null;
  digest: string;
  promotion_id: string;
  previous_digest: string | null;
  since: Date;
  rule: string;
  kind: PromotionKind;
  requested_by: string;
  approved_by: string[] | null;
}

const RELEASE_SELECT = `
  SELECT r.registry, r.repository, r.tag, r.environment, r.digest, r.promotion_id, r.previous_digest,
         r.since, p.rule, p.kind, p.requested_by,
         (SELECT array_agg(a.approver ORDER BY a.at, a.approver) FROM approvals a
           WHERE a.promotion_id = p.id AND a.decision = 'approve') AS approved_by
    FROM releases r JOIN promotions p ON p.id = r.promotion_id`;

function toRelease(row: ReleaseRow): Release {
  return {
    registry: row.registry,
    repository: row.repository,
    tag: row.tag,
    environment: row.environment,
    digest: row.digest,
    promotionId: row.promotion_id,
    rule: row.rule,
    kind: row.kind,
    promotedBy: row.requested_by,
    approvedBy: row.approved_by ?? [],
    since: row.since,
    previousDigest: row.previous_digest,
  };
}

const MAX_RELEASES = 500;

/** Current releases, ordered by environment, repository and tag. */
export async function listReleases(db: Database, filter: ListReleasesFilter = {}): Promise<Release[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.environment !== undefined) where.push(`r.environment = ${param(filter.environment)}`);
  if (filter.repository !== undefined) where.push(`r.repository = ${param(filter.repository)}`);
  if (filter.rule !== undefined) where.push(`p.rule = ${param(filter.rule)}`);
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? MAX_RELEASES), 1), MAX_RELEASES);
  const { rows } = await db.query<ReleaseRow>(
    `${RELEASE_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY r.environment NULLS FIRST, r.repository, r.tag LIMIT ${param(limit)}`,
    params,
  );
  return rows.map(toRelease);
}

/**
 * The release of one tag, found by environment (null: a destination outside any environment),
 * repository and tag; undefined when ferry never wrote it.
 */
export async function getRelease(
  db: Database,
  environment: string | null,
  repository: string,
  tag: string,
): Promise<Release | undefined> {
  const { rows } = await db.query<ReleaseRow>(
    `${RELEASE_SELECT} WHERE r.environment IS NOT DISTINCT FROM $1 AND r.repository = $2 AND r.tag = $3
      ORDER BY r.registry LIMIT 1`,
    [environment, repository, tag],
  );
  return rows[0] ? toRelease(rows[0]) : undefined;
}

/** The tag's moves, newest first. */
export async function releaseHistory(
  db: Database,
  ref: ReleaseTagRef,
  limit = MAX_RELEASES,
): Promise<ReleaseEntry[]> {
  const { rows } = await db.query<{
    digest: string;
    previous_digest: string | null;
    promotion_id: string;
    kind: PromotionKind;
    requested_by: string;
    at: Date;
  }>(
    `SELECT h.digest, h.previous_digest, h.promotion_id, p.kind, p.requested_by, h.at
       FROM release_history h JOIN promotions p ON p.id = h.promotion_id
      WHERE h.registry = $1 AND h.repository = $2 AND h.tag = $3
      ORDER BY h.id DESC LIMIT $4`,
    [ref.registry, ref.repository, ref.tag, Math.min(Math.max(Math.trunc(limit), 1), MAX_RELEASES)],
  );
  return rows.map((row) => ({
    digest: row.digest,
    previousDigest: row.previous_digest,
    promotionId: row.promotion_id,
    kind: row.kind,
    promotedBy: row.requested_by,
    at: row.at,
  }));
}
