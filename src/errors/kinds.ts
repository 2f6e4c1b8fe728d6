import { ErrorCode } from './codes.ts';
import { FerryError, type FerryErrorOptions } from './ferry-error.ts';

/** A reference string that does not follow the distribution reference grammar. */
export class BadReferenceError extends FerryError {
  readonly value: string;
  constructor(value: string, reason: string, options: FerryErrorOptions = {}) {
    super(ErrorCode.BadReference, `invalid image reference ${JSON.stringify(value)}: ${reason}`, options);
    this.value = value;
  }
}

/** The user asked for something that cannot work (flag combination, bad value). */
export class BadUsageError extends FerryError {
  constructor(message: string, options: FerryErrorOptions = {}) {
    super(ErrorCode.BadUsage, message, options);
  }
}

/** Content did not hash to the digest it was addressed by. Never temporary: retrying the same bytes won't help. */
export class DigestMismatchError extends FerryError {
  readonly expected: string;
  readonly actual: string;
  constructor(expected: string, actual: string, what: string, options: FerryErrorOptions = {}) {
    super(
      ErrorCode.DigestMismatch,
      `digest mismatch for ${what}: expected ${expected}, got ${actual}`,
      options,
    );
    this.expected = expected;
    this.actual = actual;
  }
}

export class NotFoundError extends FerryError {
  constructor(message: string, options: FerryErrorOptions = {}) {
    super(ErrorCode.NotFound, message, options);
  }
}
