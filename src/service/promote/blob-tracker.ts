/**
 * Follows the copy engine's events blob by blob (what the dashboard draws as one bar per layer): the
 * plan lists the blobs (`pending`), `blob-start` marks one `copying`, `blob-progress` counts its bytes,
 * `blob-done` settles it as `copied`, `mounted` or `skipped`. A blob first heard of at its start (a
 * signature's layer, copied after the image) joins the list then. A retried transfer starts again
 * from zero, as the next `blob-progress` reports.
 */
import type { CopyEvent } from '../../copy/events.ts';
import type { BlobProgress, BlobState } from '../store/promotion-blobs.ts';

interface Entry {
  readonly digest: string;
  size: number;
  mediaType: string | null;
  state: BlobState;
  bytes: number;
}

export class BlobTracker {
  /** Insertion order is plan order. */
  readonly #blobs = new Map<string, Entry>();

  /** Applies `event`; true when it changed a blob. */
  onEvent(event: CopyEvent): boolean {
    switch (event.type) {
      case 'plan':
        for (const blob of event.descriptors ?? []) {
          if (this.#blobs.has(blob.digest)) continue;
          this.#blobs.set(blob.digest, {
            digest: blob.digest,
            size: blob.size,
            mediaType: blob.mediaType,
            state: 'pending',
            bytes: 0,
          });
        }
        return (event.descriptors?.length ?? 0) > 0;
      case 'blob-start': {
        const entry = this.#entry(event.digest, event.size, event.mediaType);
        if (entry.state !== 'pending') return false;
        entry.state = 'copying';
        return true;
      }
      case 'blob-progress': {
        const entry = this.#entry(event.digest, event.size, undefined);
        if (entry.state !== 'copying' && entry.state !== 'pending') return false;
        entry.state = 'copying';
        entry.bytes = Math.min(event.bytes, entry.size);
        return true;
      }
      case 'blob-done': {
        const entry = this.#entry(event.digest, event.size, undefined);
        entry.state = event.action;
        entry.bytes = entry.size;
        return true;
      }
      default:
        return false;
    }
  }

  /** Every blob's state, in plan order. */
  snapshot(): BlobProgress[] {
    return [...this.#blobs.values()].map((entry) => ({ ...entry }));
  }

  #entry(digest: string, size: number, mediaType: string | undefined): Entry {
    let entry = this.#blobs.get(digest);
    if (entry === undefined) {
      entry = { digest, size, mediaType: mediaType ?? null, state: 'pending', bytes: 0 };
      this.#blobs.set(digest, entry);
    } else if (entry.mediaType === null && mediaType !== undefined) {
      entry.mediaType = mediaType;
    }
    return entry;
  }
}
