/**
 * A BlobReader (what the copy executor streams from) over any verified async iterable of chunks:
 * local transports (layouts, dir:, docker-archive:) read files, not HTTP responses, but the executor
 * wants the same progress callback, error and release hooks.
 */
import type { BlobReader } from '../registry/blobs.ts';

export function iterableBlobReader(inner: AsyncIterable<Buffer>): BlobReader {
  let failure: unknown;
  let total = 0;
  let progress: ((bytes: number) => void) | undefined;
  const reader = (async function* read() {
    try {
      for await (const chunk of inner) {
        total += chunk.byteLength;
        progress?.(total);
        yield chunk;
      }
    } catch (err) {
      failure = err;
      throw err;
    }
  })() as unknown as BlobReader;
  Object.defineProperty(reader, 'error', { get: () => failure });
  Object.defineProperty(reader, 'onProgress', {
    get: () => progress,
    set: (fn: ((bytes: number) => void) | undefined) => {
      progress = fn;
    },
  });
  reader.release = async () => {
    await reader.return(undefined);
  };
  return reader;
}

/** Free a body the destination did not need to read (the blob was already there). */
export async function releaseUnread(body: AsyncIterable<Buffer>): Promise<void> {
  const release = (body as Partial<BlobReader>).release;
  if (typeof release === 'function') await release.call(body);
  else await body[Symbol.asyncIterator]().return?.();
}
