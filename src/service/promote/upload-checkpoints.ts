/**
 * The promotion engine's upload checkpoints (copy/upload-checkpoints.ts), kept in the store's
 * upload_sessions table: a promotion interrupted while sending a large blob (a crash, a kill, a failover,
 * a temporary failure) continues that blob's upload session in its next run, on whichever replica, if the
 * registry still holds it. Store failures never fail a copy: a checkpoint lost costs bytes, not
 * correctness (the registry verifies the digest at the end, and ferry the bytes it reads again).
 */
import type { CheckpointedBlob, UploadCheckpoints } from '../../copy/upload-checkpoints.ts';
import type { ResumePoint } from '../../registry/uploads.ts';
import {
  deleteUploadSession,
  findUploadSession,
  forgetFinishedUploadSessions,
  saveUploadSession,
  type UploadSessionKey,
} from '../store/upload-session-store.ts';
import { describeError } from './describe-error.ts';
import type { EngineContext } from './engine-context.ts';

export interface ResumableUploadSettings {
  /** Blobs at least this large are uploaded in checkpointed chunks. */
  readonly minBlobBytes: number;
  /** Bytes per chunk. */
  readonly chunkBytes: number;
}

/** ferry.yaml's defaults (`server.resumableUploads`): 64 MiB blobs and up, 16 MiB chunks. */
export const DEFAULT_RESUMABLE_UPLOADS: ResumableUploadSettings = {
  minBlobBytes: 64 * 1024 * 1024,
  chunkBytes: 16 * 1024 * 1024,
};

/** ferry.yaml's `server.resumableUploads` as the engine takes it; false when turned off. */
export function resumableUploadSettings(section: {
  readonly enabled: boolean;
  readonly minBlobMiB: number;
  readonly chunkMiB: number;
}): ResumableUploadSettings | false {
  const MiB = 1024 * 1024;
  return section.enabled
    ? { minBlobBytes: section.minBlobMiB * MiB, chunkBytes: section.chunkMiB * MiB }
    : false;
}

/** The store's checkpoints for one run; `recorded` tells whether the run wrote any. */
export interface StoredCheckpoints extends UploadCheckpoints {
  readonly recorded: boolean;
}

export function storeCheckpoints(
  ctx: EngineContext,
  promotionId: string,
  settings: ResumableUploadSettings,
): StoredCheckpoints {
  let recorded = false;
  const key = (blob: CheckpointedBlob): UploadSessionKey => ({
    promotionId,
    registry: blob.registry,
    repository: blob.repository,
    digest: blob.digest,
  });
  const warn = (blob: CheckpointedBlob, what: string, err: unknown) =>
    ctx.logger.warn(
      { promotionId, digest: blob.digest, error: describeError(err).message },
      `could not ${what} the upload checkpoint`,
    );
  return {
    get recorded() {
      return recorded;
    },
    minBlobSize: settings.minBlobBytes,
    chunkSize: settings.chunkBytes,
    async load(blob): Promise<ResumePoint | undefined> {
      try {
        const found = await findUploadSession(ctx.db, key(blob));
        return (
          found && { location: found.location, offset: found.uploadedBytes, prefixDigest: found.prefixDigest }
        );
      } catch (err) {
        warn(blob, 'read', err);
        return undefined;
      }
    },
    async save(blob, point) {
      const record = {
        location: point.location,
        uploadedBytes: point.offset,
        prefixDigest: point.prefixDigest,
      };
      recorded = true;
      try {
        await saveUploadSession(ctx.db, key(blob), record, ctx.replica);
        ctx.logger.debug?.(
          { promotionId, digest: blob.digest, offset: point.offset },
          'upload checkpoint recorded',
        );
      } catch (err) {
        warn(blob, 'record', err);
      }
    },
    async clear(blob) {
      await deleteUploadSession(ctx.db, key(blob)).catch((err: unknown) => warn(blob, 'delete', err));
    },
    report(blob, outcome) {
      const fields = {
        promotionId,
        digest: blob.digest,
        size: blob.size,
        offset: outcome.offset,
        replica: ctx.replica,
      };
      if (outcome.resumed) ctx.logger.info(fields, 'upload resumed from its checkpoint');
      else
        ctx.logger.info(
          { ...fields, reason: outcome.reason },
          'recorded upload session is no longer usable; uploading the blob afresh',
        );
    },
  };
}

/** After a run: the promotion's checkpoints go if it has finished (a retry or a successor keeps them). */
export async function forgetUploadSessions(ctx: EngineContext, promotionId: string): Promise<void> {
  await forgetFinishedUploadSessions(ctx.db, promotionId).catch((err: unknown) =>
    ctx.logger.warn(
      { promotionId, error: describeError(err).message },
      'could not delete the upload checkpoints of a finished promotion',
    ),
  );
}
