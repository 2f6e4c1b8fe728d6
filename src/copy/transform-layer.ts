/**
 * One layer re-encoded: source bytes (already digest-verified by the reader as they stream) →
 * decompress → compress → a spool file, hashing the output on the way. The spool is complete only
 * after the source reader has checked its size and digest (the reader fails before signalling its
 * end), so a converted blob of corrupt source bytes is never uploaded. Spooling, rather than streaming
 * straight into an upload, gives the converted blob a known digest before it is sent: the destination
 * can skip it when present, every destination (registry, layout) takes it through its ordinary upload,
 * and a failed upload is retried from the file instead of converting again. Memory stays bounded by
 * the zlib windows; disk holds the layers in flight.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { constants, createGunzip, createGzip, createZstdCompress, createZstdDecompress } from 'node:zlib';
import { ConversionError } from '../oci/conversion-error.ts';
import { type Compression, detectCompression } from '../oci/layer-compression.ts';

export interface SpooledLayer {
  readonly path: string;
  readonly digest: string;
  readonly size: number;
  /** Compression of the source content as detected from its bytes. */
  readonly detected: Compression;
}

/** Bytes to look at before deciding how the content is compressed (the longest magic, xz's, is 6). */
const MAGIC_BYTES = 6;

/**
 * Compressors are fed pieces of exactly this size (the last one shorter). zstd's streaming output
 * depends on how its input is cut (how much it buffers before compressing a block), not only on the
 * content, and a decompressor's output is cut by its own input. Fixed pieces make the output a function
 * of the content alone: converting the same layer twice gives the same digest, and a second copy finds
 * the blob already there.
 */
const PIECE = 64 * 1024;

function fixedPieces(): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= PIECE) {
        const all = Buffer.concat(pending, pendingBytes);
        let offset = 0;
        for (; all.length - offset >= PIECE; offset += PIECE) this.push(all.subarray(offset, offset + PIECE));
        pending = offset < all.length ? [all.subarray(offset)] : [];
        pendingBytes = all.length - offset;
      }
      cb();
    },
    flush(cb: TransformCallback) {
      if (pendingBytes > 0) this.push(Buffer.concat(pending, pendingBytes));
      cb();
    },
  });
}

/** A directory for spool files, removed by `dispose`. */
export async function createSpoolDir(parent?: string): Promise<{ path: string; dispose(): Promise<void> }> {
  const path = await mkdtemp(join(parent ?? tmpdir(), 'ferry-convert-'));
  return { path, dispose: () => rm(path, { recursive: true, force: true }) };
}

export async function transformLayer(
  source: AsyncIterable<Buffer>,
  target: Compression,
  level: number | undefined,
  path: string,
  signal?: AbortSignal,
): Promise<SpooledLayer> {
  const iterator = source[Symbol.asyncIterator]();
  // Peek at the first bytes: containers/image decides by content, not by media type.
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < MAGIC_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.length;
  }
  const detected = detectCompression(Buffer.concat(head, headBytes));
  if (detected === 'bzip2' || detected === 'xz') {
    await iterator.return?.();
    throw new ConversionError(`layer is ${detected}-compressed, which ferry cannot decompress`);
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* head;
    if (ended) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }

  const stages: NodeJS.ReadWriteStream[] = [];
  if (detected !== target) {
    if (detected === 'gzip') stages.push(createGunzip());
    else if (detected === 'zstd') stages.push(createZstdDecompress());
    if (target !== 'none') stages.push(fixedPieces());
    if (target === 'gzip') stages.push(createGzip(level === undefined ? {} : { level }));
    else if (target === 'zstd') {
      stages.push(
        createZstdCompress({
          params: {
            ...(level === undefined ? {} : { [constants.ZSTD_c_compressionLevel]: level }),
            // A content checksum, as klauspost/compress (skopeo's zstd) writes by default.
            [constants.ZSTD_c_checksumFlag]: 1,
          },
        }),
      );
    }
  }
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    await pipeline(
      [
        Readable.from(all(), { objectMode: false }),
        ...stages,
        counter,
        createWriteStream(path, { flags: 'wx' }),
      ],
      { signal },
    );
  } catch (err) {
    await iterator.return?.().catch(() => undefined);
    await rm(path, { force: true });
    // zlib's own codes (Z_DATA_ERROR, ZSTD_error_*): the content is not what it claims to be.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ZSTD_'))) {
      throw new ConversionError(`layer content is not valid ${detected} data (${(err as Error).message})`);
    }
    throw err;
  }
  return { path, digest: `sha256:${hash.digest('hex')}`, size, detected };
}
