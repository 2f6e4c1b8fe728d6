/**
 * The byte plumbing of a chunked upload (uploads.ts): cut a stream into fixed-size chunks, read the next
 * chunk while the current one is sent, and pass over the prefix a registry already holds when an upload
 * is resumed, checking that it is the same prefix.
 */
import type { Hash } from 'node:crypto';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';

/**
 * The bytes read again to resume an upload are not the bytes sent before it was interrupted: the source
 * served something else (one of the two reads was corrupt). The session holds a prefix ferry cannot
 * vouch for, so the blob must start over in a fresh session. Temporary: a fresh upload may succeed.
 */
export class UploadPrefixMismatchError extends FerryError {
  constructor(offset: number, expected: string, actual: string) {
    super(
      ErrorCode.Registry,
      `cannot resume the upload at byte ${offset}: the source's first ${offset} bytes hash to ${actual}, the bytes sent before to ${expected}`,
      { temporary: true },
    );
  }
}

/** `size`-byte chunks of `body` (the last one shorter). */
export async function* fixedChunks(body: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const raw of body) {
    pending.push(raw);
    pendingBytes += raw.length;
    while (pendingBytes >= size) {
      const all = Buffer.concat(pending, pendingBytes);
      yield all.subarray(0, size);
      const rest = all.subarray(size);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
    }
  }
  if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
}

/**
 * Asks for item n+1 as soon as item n is handed out, so chunk n+1 is read from the source while chunk n
 * is PATCHed: the upload runs at the pace of the slower side instead of the sum of both. Costs one item
 * of memory. When the consumer stops early, the read under way is left to settle and the source closed
 * after it (the source's owner aborts a stalled read: BlobReader.release).
 */
export async function* readAhead<T>(items: AsyncIterable<T>): AsyncGenerator<T> {
  const it = items[Symbol.asyncIterator]();
  let next = it.next();
  next.catch(() => undefined); // awaited below; never an unhandled rejection while the consumer works
  let done = false;
  try {
    for (;;) {
      const result = await next;
      if (result.done) {
        done = true;
        return;
      }
      next = it.next();
      next.catch(() => undefined);
      yield result.value;
    }
  } finally {
    if (!done) {
      next.then(
        () => it.return?.(),
        () => undefined,
      );
    }
  }
}

/**
 * `body` without its first `offset` bytes, which are hashed into `hash` instead; once they are all seen
 * their digest must equal `expected` (`sha256:<hex>` of the bytes sent before the interruption), else
 * UploadPrefixMismatchError. Nothing after the prefix is passed on before the check.
 */
export async function* afterPrefix(
  body: AsyncIterable<Buffer>,
  offset: number,
  expected: string,
  hash: Hash,
): AsyncGenerator<Buffer> {
  let left = offset;
  const check = () => {
    const actual = `sha256:${hash.copy().digest('hex')}`;
    if (actual !== expected) throw new UploadPrefixMismatchError(offset, expected, actual);
  };
  if (left === 0) check();
  for await (const raw of body) {
    if (left === 0) {
      yield raw;
      continue;
    }
    const head = raw.length <= left ? raw : raw.subarray(0, left);
    hash.update(head);
    left -= head.length;
    if (left > 0) continue;
    check();
    if (raw.length > head.length) yield raw.subarray(head.length);
  }
  if (left > 0) {
    throw new FerryError(
      ErrorCode.Registry,
      `cannot resume the upload at byte ${offset}: the source ended ${left} bytes before it`,
      { temporary: true },
    );
  }
}
