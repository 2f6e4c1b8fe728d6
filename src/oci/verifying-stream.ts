import { Transform, type TransformCallback } from 'node:stream';
import { DigestVerifier } from './digest-verifier.ts';

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
  readonly #verifier: DigestVerifier;
  /** Called with the running byte count as chunks pass; used for progress, must be cheap. */
  onProgress: ((bytes: number) => void) | undefined;

  constructor(expectedDigest: string, expectedSize: number | undefined, what: string) {
    // 1 MiB buffer on the readable side: fewer, larger writes to the socket, still bounded memory.
    super({ readableHighWaterMark: 1024 * 1024 });
    this.expectedDigest = expectedDigest;
    this.expectedSize = expectedSize;
    this.what = what;
    this.#verifier = new DigestVerifier(expectedDigest, expectedSize, what);
  }

  get bytes(): number {
    return this.#verifier.bytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.#verifier.update(chunk);
    } catch (err) {
      cb(err as Error);
      return;
    }
    this.onProgress?.(this.#verifier.bytes);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.#verifier.finish();
    } catch (err) {
      cb(err as Error);
      return;
    }
    cb();
  }
}
