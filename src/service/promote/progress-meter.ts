import type { CopyEvent } from '../../copy/events.ts';

/**
 * Turns the copy engine's events into throttled `{bytes, totalBytes}` progress: a copy streams thousands
 * of chunks per second, and every update goes to each server-sent-events subscriber, so at most one per
 * `intervalMs` is emitted (plus a final one). Blobs the destination already had or mounted count as done
 * the moment they are known, so the bar reaches 100 % even when nothing had to be streamed.
 */
export class ProgressMeter {
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #emit: (bytes: number, totalBytes: number) => void;
  #bytes = 0;
  #total = 0;
  #lastEmit = Number.NEGATIVE_INFINITY;
  #dirty = false;

  constructor(options: {
    intervalMs: number;
    now: () => number;
    emit: (bytes: number, totalBytes: number) => void;
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
    if (event.type === 'plan') {
      this.#total += event.totalBytes;
      this.#changed();
    } else if (event.type === 'blob-done' && event.action !== 'copied') {
      this.#bytes += event.size;
      this.#changed();
    }
  }

  /** Emits the last state if anything changed since the previous emit. */
  flush(): void {
    if (!this.#dirty) return;
    this.#dirty = false;
    this.#lastEmit = this.#now();
    this.#emit(this.#bytes, Math.max(this.#total, this.#bytes));
  }

  #changed(): void {
    this.#dirty = true;
    if (this.#now() - this.#lastEmit >= this.#intervalMs) this.flush();
  }
}
