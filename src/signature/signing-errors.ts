/**
 * Why signing an image failed, each with its own stable code:
 *
 * - SigningKeyError (exit 2): the private key or passphrase file cannot be used (unreadable, not a cosign
 *   key, wrong passphrase). Raised before anything is copied, so a bad key writes nothing. The message
 *   names the file and the reason, never key bytes or the passphrase.
 * - SignatureStoreError (exit 1): the signature could not be stored at the destination (an existing
 *   `.sig` tag of another kind); registry failures keep their own errors.
 */
import { ErrorCode } from '../errors/codes.ts';
import { FerryError, type FerryErrorOptions } from '../errors/ferry-error.ts';

export class SigningKeyError extends FerryError {
  readonly file: string;
  constructor(file: string, reason: string, options: FerryErrorOptions = {}) {
    super(ErrorCode.SigningKey, `${file}: ${reason}`, options);
    this.file = file;
  }
}

export class SignatureStoreError extends FerryError {
  constructor(message: string, options: FerryErrorOptions = {}) {
    super(ErrorCode.SignatureStore, message, options);
  }
}
