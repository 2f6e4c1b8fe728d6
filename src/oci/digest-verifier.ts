import { createHash, type Hash } from 'node:crypto';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { DigestMismatchError } from '../errors/kinds.ts';
import { digestAlgorithm } from './digest.ts';

/**
 * Incremental check of content against its descriptor: `update` per chunk (fails as soon as the size
 * is exceeded), `finish` at the end (size and digest). Shared by every streaming path so they agree on
 * what "verified" means.
 */
export class DigestVerifier {
  readonly expectedDigest: string;
  readonly expectedSize: number | undefined;
  readonly what: string;
  readonly #hash: Hash;
  bytes = 0;

  constructor(expectedDigest: string, expectedSize: number | undefined, what: string) {
    this.expectedDigest = expectedDigest;
    this.expectedSize = expectedSize;
    this.what = what;
    this.#hash = createHash(digestAlgorithm(expectedDigest));
  }

  update(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    if (this.expectedSize !== undefined && this.bytes > this.expectedSize) {
      throw new FerryError(
        ErrorCode.DigestMismatch,
        `${this.what} is larger than its descriptor size ${this.expectedSize}`,
      );
    }
    this.#hash.update(chunk);
  }

  finish(): void {
    if (this.expectedSize !== undefined && this.bytes !== this.expectedSize) {
      throw new FerryError(
        ErrorCode.DigestMismatch,
        `${this.what} is ${this.bytes} bytes, descriptor says ${this.expectedSize}`,
      );
    }
    const actual = `${digestAlgorithm(this.expectedDigest)}:${this.#hash.digest('hex')}`;
    if (actual !== this.expectedDigest) throw new DigestMismatchError(this.expectedDigest, actual, this.what);
  }
}
