/**
 * Upload sessions (migration 006): where each large blob of a running promotion got to in its upload to
 * the destination, so the run that takes the promotion over (after a crash, a kill, a failover or a
 * temporary failure) continues the upload instead of sending the blob again. One row per promotion and
 * blob, overwritten after every acknowledged chunk; deleted when the blob is committed, and with every
 * row of the promotion once it has finished.
 */

import type { Database } from './database.ts';
import { TERMINAL_STATUSES } from './promotion.ts';

/** One blob on its way to one destination repository, for one promotion. */
export interface UploadSessionKey {
  readonly promotionId: string;
  readonly registry: string;
  readonly repository: string;
  readonly digest: string;
}

export interface UploadSessionRecord {
  /** The Location to continue with (the registry's URL for the session). */
  readonly location: string;
  /** Bytes the registry acknowledged. */
  readonly uploadedBytes: number;
  /** `sha256:<hex>` of those bytes as they were sent. */
  readonly prefixDigest: string;
}

/** Records (or moves forward) a blob's session; `replica` says who sent the chunks. */
export async function saveUploadSession(
  db: Database,
  key: UploadSessionKey,
  record: UploadSessionRecord,
  replica: string,
): Promise<void> {
  await db.query(
    `INSERT INTO upload_sessions
       (promotion_id, registry, repository, digest, location, uploaded_bytes, prefix_digest, replica)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (promotion_id, registry, repository, digest) DO UPDATE SET
       location = EXCLUDED.location, uploaded_bytes = EXCLUDED.uploaded_bytes,
       prefix_digest = EXCLUDED.prefix_digest, replica = EXCLUDED.replica, updated_at = now()`,
    [
      key.promotionId,
      key.registry,
      key.repository,
      key.digest,
      record.location,
      record.uploadedBytes,
      record.prefixDigest,
      replica,
    ],
  );
}

export async function findUploadSession(
  db: Database,
  key: UploadSessionKey,
): Promise<UploadSessionRecord | undefined> {
  const { rows } = await db.query<{ location: string; uploaded_bytes: number; prefix_digest: string }>(
    `SELECT location, uploaded_bytes, prefix_digest FROM upload_sessions
      WHERE promotion_id = $1 AND registry = $2 AND repository = $3 AND digest = $4`,
    [key.promotionId, key.registry, key.repository, key.digest],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    location: row.location,
    uploadedBytes: Number(row.uploaded_bytes),
    prefixDigest: row.prefix_digest,
  };
}

export async function deleteUploadSession(db: Database, key: UploadSessionKey): Promise<void> {
  await db.query(
    `DELETE FROM upload_sessions
      WHERE promotion_id = $1 AND registry = $2 AND repository = $3 AND digest = $4`,
    [key.promotionId, key.registry, key.repository, key.digest],
  );
}

/**
 * Forgets the sessions of the promotion if it has finished (succeeded, failed, rejected, cancelled);
 * those of a promotion that will run again (a retry, an interrupted run) stay. Returns how many went.
 */
export async function forgetFinishedUploadSessions(db: Database, promotionId: string): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM upload_sessions u USING promotions p
      WHERE u.promotion_id = $1 AND p.id = u.promotion_id AND p.status = ANY($2::text[])`,
    [promotionId, [...TERMINAL_STATUSES]],
  );
  return rowCount;
}

/** The recorded sessions of a promotion (tests, diagnostics). */
export async function uploadSessionsOf(
  db: Database,
  promotionId: string,
): Promise<Array<UploadSessionKey & UploadSessionRecord>> {
  const { rows } = await db.query<{
    registry: string;
    repository: string;
    digest: string;
    location: string;
    uploaded_bytes: number;
    prefix_digest: string;
  }>(
    `SELECT registry, repository, digest, location, uploaded_bytes, prefix_digest FROM upload_sessions
      WHERE promotion_id = $1 ORDER BY registry, repository, digest`,
    [promotionId],
  );
  return rows.map((row) => ({
    promotionId,
    registry: row.registry,
    repository: row.repository,
    digest: row.digest,
    location: row.location,
    uploadedBytes: Number(row.uploaded_bytes),
    prefixDigest: row.prefix_digest,
  }));
}
