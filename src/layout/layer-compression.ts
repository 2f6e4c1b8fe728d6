/**
 * Recognising a compressed layer or archive by its first bytes, as containers/image
 * `compression.AutoDecompress` does for docker-archive content (which may hold layers either
 * compressed or not, and may itself be `docker save | xz`: skopeo's own tests read a .tar.xz). gzip and
 * zstd are decompressed with node:zlib, xz with xz-decompress (xz-embedded compiled to WebAssembly,
 * loaded only when an xz stream is met); bzip2, which containers/image also recognises, is refused by
 * name rather than passed on as if it were a tar.
 */
import { createRequire } from 'node:module';
import { Duplex, type Readable } from 'node:stream';
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
export function decompressorFor(kind: LayerCompression, what: string): Duplex | undefined {
  switch (kind) {
    case 'none':
      return undefined;
    case 'gzip':
      return createGunzip();
    case 'zstd':
      return createZstdDecompress();
    case 'xz':
      return xzDecompressor();
    default:
      throw new LayoutError(
        LayoutErrorCode.UnsupportedCompression,
        what,
        `${what} is ${kind}-compressed, which ferry cannot decompress (gzip, zstd and xz are supported)`,
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

/** xz through a web stream pair: bytes written to the duplex are fed to the decoder, output read back. */
function xzDecompressor(): Duplex {
  const { XzReadableStream } = createRequire(import.meta.url)(
    'xz-decompress',
  ) as typeof import('xz-decompress');
  const input = new TransformStream<Uint8Array, Uint8Array>();
  return Duplex.fromWeb({ readable: new XzReadableStream(input.readable), writable: input.writable });
}
