/**
 * Resuming a large blob's upload in a later process (after a crash, a kill or a failover): the copy
 * engine uploads such a blob in chunks and hands a checkpoint (the session's Location, the bytes the
 * registry acknowledged and their digest) to this interface after every chunk; a later copy of the same
 * blob asks the registry whether that session still holds those bytes and, if so, sends only the rest.
 * The service keeps checkpoints in its store; the library knows nothing of where they go.
 */
import type { ResumePoint } from '../registry/uploads.ts';

/** The blob a checkpoint is for: one digest on its way to one repository. */
export interface CheckpointedBlob {
  readonly registry: string;
  readonly repository: string;
  readonly digest: string;
  readonly size: number;
}

/** What became of a checkpoint found for a blob. */
export type ResumeOutcome =
  | { readonly resumed: true; readonly offset: number }
  /** The recorded session is gone or holds other bytes: the blob is uploaded afresh. */
  | { readonly resumed: false; readonly offset: number; readonly reason: string };

export interface UploadCheckpoints {
  /** Blobs at least this large are uploaded in checkpointed chunks; smaller ones as usual. */
  readonly minBlobSize: number;
  /** Bytes per chunk (and so the most a crash can cost, plus the chunk on the wire). */
  readonly chunkSize: number;
  load(blob: CheckpointedBlob): Promise<ResumePoint | undefined>;
  /** After every chunk the registry acknowledged. Should not throw: a lost checkpoint costs only bytes. */
  save(blob: CheckpointedBlob, point: ResumePoint): Promise<void>;
  /** When the blob is in the destination, or its session is no use any more. Should not throw. */
  clear(blob: CheckpointedBlob): Promise<void>;
  /** Told whether a checkpoint found for `blob` was used (logs, metrics). */
  report(blob: CheckpointedBlob, outcome: ResumeOutcome): void;
}
