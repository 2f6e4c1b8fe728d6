/**
 * The three ways a containers policy stops a copy, each with its own stable code:
 *
 * - PolicyConfigError (exit 2): the policy file cannot be used (missing, unreadable, not JSON, an
 *   unknown key or requirement type). skopeo reports these as `Error loading trust policy: …` and exits
 *   1; ferry treats them as bad input, names the file and the key, and exits 2.
 * - PolicyUnsupportedError (exit 2): a valid requirement ferry cannot evaluate (GPG `signedBy`) applies
 *   to the image. Refusing loudly beats both silently accepting and pretending to verify.
 * - PolicyRejectedError (exit 1): the policy refused the source image. The message starts with
 *   skopeo's `Source image rejected: ` and continues with containers/image's reason, so scripts that
 *   look for it keep working.
 */
import { ErrorCode } from '../errors/codes.ts';
import { FerryError, type FerryErrorOptions } from '../errors/ferry-error.ts';
import { formatJsonPath, type JsonPath } from '../signature/strict-json.ts';

export class PolicyConfigError extends FerryError {
  readonly file: string;
  /** Where in the document the problem is (empty: the file itself, or it could not be read). */
  readonly path: string;
  private constructor(file: string, path: string, message: string, options: FerryErrorOptions) {
    super(ErrorCode.PolicyConfig, message, options);
    this.file = file;
    this.path = path;
  }

  /** The file's content is not a valid policy; `path` locates the offending key. */
  static invalid(file: string, path: JsonPath, reason: string): PolicyConfigError {
    const where = formatJsonPath(path);
    return new PolicyConfigError(
      file,
      where,
      `invalid policy in ${file}: ${where === '' ? '' : `${where}: `}${reason}`,
      {},
    );
  }

  /** The file could not be read at all. */
  static unreadable(file: string, why: string, options: FerryErrorOptions = {}): PolicyConfigError {
    return new PolicyConfigError(file, '', `cannot read policy file ${file}: ${why}`, options);
  }
}

export class PolicyUnsupportedError extends FerryError {
  constructor(message: string, options: FerryErrorOptions = {}) {
    super(ErrorCode.PolicyUnsupported, message, options);
  }
}

export class PolicyRejectedError extends FerryError {
  /** containers/image's reason, without the `Source image rejected: ` prefix. */
  readonly reason: string;
  constructor(reason: string, options: FerryErrorOptions = {}) {
    super(ErrorCode.PolicyRejected, `Source image rejected: ${reason}`, options);
    this.reason = reason;
  }
}
