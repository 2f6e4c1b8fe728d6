/**
 * Per-blob copy progress of a promotion's last attempt (table promotion_blobs, migration 6): what the
 * dashboard's detail view shows after a reload. Written by the run (promote/blob-progress-recorder.ts)
 * as a whole list each time, read back in the copy plan's order.
 */
import type { BlobState } from '../../api/blob-progress.ts';
import type { Database } from './database.ts';

export type { BlobState };

export interface BlobProgress {
  readonly digest: string;
  /** As the manifest declares. */
  readonly size: number;
  readonly mediaType: string | null;
  readonly state: BlobState;
  /** Bytes done: streamed so far while copying, `size` once copied, mounted or skipped. */
  readonly bytes: number;
}

interface BlobRow {
  digest: string;
  size: number;
  media_type: string | null;
  state: BlobState;
  bytes: number;
}

/**
 * Stores `blobs` (in order) as the promotion's progress, replacing what an earlier write (or attempt)
 * stored for the same digests. One statement whatever the number of blobs.
 */
export async function saveBlobProgress(
  db: Database,
  promotionId: string,
  blobs: readonly BlobProgress[],
): Promise<void> {
  if (blobs.length === 0) return;
  const rows = blobs.map((blob, position) => ({
    promotion_id: promotionId,
    digest: blob.digest,
    position,
    size: blob.size,
    media_type: blob.mediaType,
    state: blob.state,
    bytes: blob.bytes,
  }));
  await db.query(
    `INSERT INTO promotion_blobs (promotion_id, digest, position, size, media_type, state, bytes)
     SELECT promotion_id, digest, position, size, media_type, state, bytes
       FROM jsonb_populate_recordset(NULL::promotion_blobs, $1::jsonb)
     ON CONFLICT (promotion_id, digest) DO UPDATE SET
       position = EXCLUDED.position, size = EXCLUDED.size, media_type = EXCLUDED.media_type,
       state = EXCLUDED.state, bytes = EXCLUDED.bytes, updated_at = now()`,
    [JSON.stringify(rows)],
  );
}

/** The promotion's blobs in plan order; empty when no copy was planned (yet, or at all). */
export async function listBlobProgress(db: Database, promotionId: string): Promise<BlobProgress[]> {
  const { rows } = await db.query<BlobRow>(
    `SELECT digest, size, media_type, state, bytes FROM promotion_blobs
      WHERE promotion_id = $1 ORDER BY position, digest`,
    [promotionId],
  );
  return rows.map((row) => ({
    digest: row.digest,
    size: row.size,
    mediaType: row.media_type,
    state: row.state,
    bytes: row.bytes,
  }));
}
