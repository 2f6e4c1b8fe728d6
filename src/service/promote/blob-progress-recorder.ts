/**
 * Keeps the per-blob progress of a running copy in the store (store/promotion-blob-store.ts), so the
 * dashboard's detail view shows it after a reload or from another replica. The event stream carries
 * every update live; the store gets at most one write per `intervalMs` (default 2 s, not one per
 * chunk), the first one too (counted from the start of the copy: a copy shorter than that, most of
 * them, is written once, when it ends), a state held back by that limit is written once the interval
 * has passed even if nothing changes afterwards (a copy stalled on one blob still shows what
 * finished), and the final state when the copy ends, however it ends.
 *
 * Progress is a view: a failed write is logged and the copy goes on. Writes never overlap, and the
 * latest state wins (an older snapshot waiting for its turn is replaced by a newer one).
 */
import { safeError } from '../safe-error.ts';
import type { Database } from '../store/database.ts';
import { type BlobProgress, saveBlobProgress } from '../store/promotion-blob-store.ts';
import type { PromotionLogger } from './engine-context.ts';

export const DEFAULT_BLOB_SAVE_INTERVAL_MS = 2000;

export class BlobProgressRecorder {
  readonly #db: Database;
  readonly #promotionId: string;
  readonly #logger: PromotionLogger;
  readonly #now: () => number;
  readonly #intervalMs: number;
  #latest: readonly BlobProgress[] | undefined;
  #lastWrite: number;
  #writing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #flushing = false;
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
    this.#lastWrite = this.#now();
  }

  /** The copy's current blobs; written now if the last write is old enough, else at a later offer or at flush. */
  offer(blobs: readonly BlobProgress[]): void {
    if (blobs.length === 0) return;
    this.#latest = blobs;
    this.#writeWhenDue();
  }

  /** Writes the latest state if it was not written yet, after any write in flight. Never throws. */
  async flush(): Promise<void> {
    this.#flushing = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      await this.#writing;
      if (this.#latest !== undefined) this.#write();
      await this.#writing;
    } finally {
      this.#flushing = false;
    }
  }

  /** Writes now if the interval has passed and no write is in flight, else once it has. */
  #writeWhenDue(): void {
    if (this.#latest === undefined || this.#writing !== undefined) return;
    const wait = this.#lastWrite + this.#intervalMs - this.#now();
    if (wait <= 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#write();
      return;
    }
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#writeWhenDue();
    }, wait);
    this.#timer.unref();
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
        // What was offered while this write ran waits for its turn.
        if (!this.#flushing) this.#writeWhenDue();
      });
  }
}
