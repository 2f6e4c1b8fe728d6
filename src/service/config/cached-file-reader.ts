/**
 * Reads secret files (webhook secrets, registry tokens, notification keys) at most once per
 * `maxAgeMs`: every webhook re-reading its secret cost an open, a read and a close (~11% of the
 * server's CPU in a burst of signed webhooks). After `maxAgeMs` the file is stat'ed and read again
 * only if it changed (inode, size or mtime: a rotated Kubernetes Secret is a new file behind the
 * `..data` symlink), so a rotation is seen within `maxAgeMs` (default 1 s), as the docs promise
 * ("re-read when it rotates").
 *
 * Failures are never cached: a missing file is retried on the next call.
 */
import { stat } from 'node:fs/promises';
import { type ReadFile, readSmallFile } from './read-small-file.ts';

interface Entry {
  readonly bytes: Uint8Array;
  readonly signature: string;
  checkedAt: number;
}

export interface CachedFileReaderOptions {
  readonly maxAgeMs?: number | undefined;
  readonly now?: (() => number) | undefined;
  readonly read?: ReadFile | undefined;
}

export function createCachedFileReader(options: CachedFileReaderOptions = {}): ReadFile {
  const maxAgeMs = options.maxAgeMs ?? 1000;
  const now = options.now ?? Date.now;
  const read = options.read ?? ((path: string) => readSmallFile(path));
  const cache = new Map<string, Entry>();
  return async (path) => {
    const cached = cache.get(path);
    if (cached && now() - cached.checkedAt < maxAgeMs) return cached.bytes;
    const info = await stat(path).catch(() => undefined);
    const signature = info ? `${info.ino}:${info.size}:${info.mtimeMs}` : '';
    if (cached && info && cached.signature === signature) {
      cached.checkedAt = now();
      return cached.bytes;
    }
    cache.delete(path);
    const bytes = await read(path);
    if (info) cache.set(path, { bytes, signature, checkedAt: now() });
    return bytes;
  };
}
