import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { DigestMismatchError } from '../errors/kinds.ts';
import { digestAlgorithm } from './digest.ts';

/**
 * Pass-through that hashes bytes as they stream and fails *before* signalling end-of-stream when the
 * content does not match its descriptor. Because `flush` errors before 'end', a consumer uploading the
 * stream (undici request body) sees an error instead of a complete body, so the registry never commits
 * a corrupt blob. Size overruns fail as soon as they happen instead of after the whole (possibly huge)
 * body has been read.
 */
export class VerifyingStream extends Transform {
  readonly expectedDigest: string;
  readonly expectedSize: number | undefined;
  readonly what: string;
  #hash: Hash;
  #bytes = 0;
  /** Called with the running byte count as chunks pass; used for progress, must be cheap. */
  onProgress: ((bytes: number) => void) | undefined;

  constructor(expectedDigest: string, expectedSize: number | undefined, what: string) {
    // 1 MiB buffer on the readable side: fewer, larger writes to the socket, still bounded memory.
    super({ readableHighWaterMark: 1024 * 1024 });
    this.expectedDigest = expectedDigest;
    this.expectedSize = expectedSize;
    this.what = what;
    this.#hash = createHash(digestAlgorithm(expectedDigest));
  }

  get bytes(): number {
    return this.#bytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#bytes += chunk.length;
    if (this.expectedSize !== undefined && this.#bytes > this.expectedSize) {
      cb(
        new FerryError(
          ErrorCode.DigestMismatch,
          `${this.what} is larger than its descriptor size ${this.expectedSize}`,
        ),
      );
      return;
    }
    this.#hash.update(chunk);
    this.onProgress?.(this.#bytes);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.expectedSize !== undefined && this.#bytes !== this.expectedSize) {
      cb(
        new FerryError(
          ErrorCode.DigestMismatch,
          `${this.what} is ${this.#bytes} bytes, descriptor says ${this.expectedSize}`,
        ),
      );
      return;
    }
    const actual = `${digestAlgorithm(this.expectedDigest)}:${this.#hash.digest('hex')}`;
    if (actual !== this.expectedDigest) {
      cb(new DigestMismatchError(this.expectedDigest, actual, this.what));
      return;
    }
    cb();
  }
}
