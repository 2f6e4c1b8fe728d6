/**
 * Keeps the per-blob progress of a running copy in the store (store/promotion-blobs.ts), so the
 * dashboard's detail view shows it after a reload or from another replica. The event stream carries
 * every update live; the store gets at most one write per `intervalMs` (default 2 s: a 10 GB copy
 * writes a few dozen times, not once per chunk) and the final state when the copy ends, however it ends.
 *
 * Progress is a view: a failed write is logged and the copy goes on. Writes never overlap, and the
 * latest state wins (an older snapshot waiting for its turn is replaced by a newer one).
 */
import { safeError } from '../safe-error.ts';
import type { Database } from '../store/database.ts';
import { type BlobProgress, saveBlobProgress } from '../store/promotion-blobs.ts';
import type { PromotionLogger } from './engine-context.ts';

export const DEFAULT_BLOB_SAVE_INTERVAL_MS = 2000;

export class BlobProgressRecorder {
  readonly #db: Database;
  readonly #promotionId: string;
  readonly #logger: PromotionLogger;
  readonly #now: () => number;
  readonly #intervalMs: number;
  #latest: readonly BlobProgress[] | undefined;
  #lastWrite = Number.NEGATIVE_INFINITY;
  #writing: Promise<void> | undefined;
  #failed = false;

  constructor(options: {
    db: Database;
    promotionId: string;
    logger: PromotionLogger;
    now: () => number;
    intervalMs?: number | undefined;
  }) {
    this.#db = options.db;
    this.#promotionId = options.promotionId;
    this.#logger = options.logger;
    this.#now = options.now;
    this.#intervalMs = options.intervalMs ?? DEFAULT_BLOB_SAVE_INTERVAL_MS;
  }

  /** The copy's current blobs; written now if the last write is old enough, else at a later offer or at flush. */
  offer(blobs: readonly BlobProgress[]): void {
    if (blobs.length === 0) return;
    this.#latest = blobs;
    if (this.#writing === undefined && this.#now() - this.#lastWrite >= this.#intervalMs) this.#write();
  }

  /** Writes the latest state if it was not written yet, after any write in flight. Never throws. */
  async flush(): Promise<void> {
    await this.#writing;
    if (this.#latest !== undefined) this.#write();
    await this.#writing;
  }

  #write(): void {
    const blobs = this.#latest;
    if (blobs === undefined) return;
    this.#latest = undefined;
    this.#lastWrite = this.#now();
    this.#writing = saveBlobProgress(this.#db, this.#promotionId, blobs)
      .then(() => {
        this.#failed = false;
      })
      .catch((err: unknown) => {
        // Once per run of failures: a database that is down fails every write the same way.
        if (!this.#failed) {
          this.#logger.warn(
            { promotionId: this.#promotionId, error: safeError(err) },
            'could not record blob progress; the copy goes on',
          );
        }
        this.#failed = true;
      })
      .finally(() => {
        this.#writing = undefined;
      });
  }
}
