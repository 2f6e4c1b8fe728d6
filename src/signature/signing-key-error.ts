/**
 * The private key or passphrase file given for signing cannot be used (unreadable, not a cosign key,
 * wrong passphrase): exit 2. Raised before anything is copied, so a bad key writes nothing. The message
 * names the file and the reason, never key bytes or the passphrase.
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
