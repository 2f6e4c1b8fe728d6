/**
 * Recognising a compressed layer by its first bytes, as containers/image `compression.AutoDecompress`
 * does for docker-archive content (which may hold layers either compressed or not). gzip and zstd
 * are decompressed with node:zlib; bzip2 and xz, which containers/image also recognises, are refused
 * by name rather than passed on as if they were tars.
 */
import type { Readable, Transform } from 'node:stream';
import { createGunzip, createZstdDecompress } from 'node:zlib';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';

export type LayerCompression = 'none' | 'gzip' | 'zstd' | 'bzip2' | 'xz';

/** Bytes needed by `detectCompression`. */
export const COMPRESSION_MAGIC_BYTES = 6;

export function detectCompression(head: Uint8Array): LayerCompression {
  const starts = (...magic: number[]) => magic.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b, 0x08)) return 'gzip';
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd';
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2';
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz';
  return 'none';
}

/** A decompressing stream for `kind`, undefined for 'none'; throws for formats ferry cannot read. */
export function decompressorFor(kind: LayerCompression, what: string): Transform | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'gzip':
      return createGunzip();
    case 'zstd':
      return createZstdDecompress();
    default:
      throw new LayoutError(
        LayoutErrorCode.UnsupportedCompression,
        what,
        `${what} is ${kind}-compressed, which ferry cannot decompress (gzip and zstd are supported)`,
      );
  }
}

/** `raw` uncompressed: itself for 'none', else piped through the decompressor, read errors forwarded. */
export function decompressed(raw: Readable, kind: LayerCompression, what: string): Readable {
  const transform = decompressorFor(kind, what);
  if (!transform) return raw;
  raw.on('error', (err) => transform.destroy(err));
  transform.on('close', () => raw.destroy());
  return raw.pipe(transform);
}
