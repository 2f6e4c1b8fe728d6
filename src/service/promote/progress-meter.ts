import type { CopyEvent } from '../../copy/events.ts';
import type { BlobProgress } from '../store/promotion-blobs.ts';
import { BlobTracker } from './blob-tracker.ts';

/** What one progress update says: bytes done over all blobs, and each blob's state. */
export interface ProgressSnapshot {
  readonly bytes: number;
  readonly totalBytes: number;
  /** In plan order (blob-tracker.ts). */
  readonly blobs: BlobProgress[];
}

/**
 * Turns the copy engine's events into throttled progress: a copy streams thousands of chunks per
 * second, and every update goes to each server-sent-events subscriber, so at most one per `intervalMs`
 * is emitted (plus a final one). Blobs the destination already had or mounted count as done the moment
 * they are known, so the bar reaches 100 % even when nothing had to be streamed. Each update carries
 * every blob's state (blob-tracker.ts): a client that missed some simply takes the latest.
 */
export class ProgressMeter {
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #emit: (progress: ProgressSnapshot) => void;
  readonly #blobs = new BlobTracker();
  #bytes = 0;
  #total = 0;
  #lastEmit = Number.NEGATIVE_INFINITY;
  #dirty = false;

  constructor(options: {
    intervalMs: number;
    now: () => number;
    emit: (progress: ProgressSnapshot) => void;
  }) {
    this.#intervalMs = options.intervalMs;
    this.#now = options.now;
    this.#emit = options.emit;
  }

  /** Streamed bytes (the copy's `onBytes`). */
  addBytes(bytes: number): void {
    this.#bytes += bytes;
    this.#changed();
  }

  /** The copy's `onEvent`. */
  onEvent(event: CopyEvent): void {
    let changed = this.#blobs.onEvent(event);
    if (event.type === 'plan') {
      this.#total += event.totalBytes;
      changed = true;
    } else if (event.type === 'blob-done' && event.action !== 'copied') {
      this.#bytes += event.size;
    }
    if (changed) this.#changed();
  }

  /** Emits the last state if anything changed since the previous emit. */
  flush(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#lastEmit = this.#now();
    this.#emit({
      bytes: this.#bytes,
      totalBytes: Math.max(this.#total, this.#bytes),
      blobs: this.#blobs.snapshot(),
    });
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#now() - this.#lastEmit >= this.#intervalMs) this.flush();
  }
}
