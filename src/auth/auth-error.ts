/**
 * Errors raised while working out *which* credentials to use (as opposed to a registry refusing them).
 * Messages name files, registries and helpers, never a secret: they end up in logs and JSON reports.
 */
import { ErrorCode } from '../errors/codes.ts';
import { FerryError, type FerryErrorOptions } from '../errors/ferry-error.ts';

/** A credential source is misconfigured: unreadable/empty token file, malformed auth file or flag value. */
export class AuthConfigError extends FerryError {
  /** File the problem is in, when there is one. */
  readonly path: string | undefined;
  constructor(message: string, options: FerryErrorOptions & { path?: string | undefined } = {}) {
    super(ErrorCode.AuthConfig, message, options);
    this.path = options.path;
  }
}

/** A `docker-credential-<name>` helper could not be run or did not answer sensibly. */
export class CredentialHelperError extends FerryError {
  /** Full program name, e.g. `docker-credential-ecr-login`. */
  readonly helper: string;
  constructor(helper: string, message: string, options: FerryErrorOptions = {}) {
    super(ErrorCode.CredentialHelper, message, options);
    this.helper = helper;
  }
}

/** Several sources of a ChainKeychain failed and none produced a credential. */
export class AuthLookupError extends FerryError {
  readonly errors: readonly unknown[];
  constructor(registry: string, errors: readonly unknown[]) {
    const reasons = errors.map((e) => (e instanceof Error ? e.message : String(e)));
    super(ErrorCode.AuthConfig, `errors looking up credentials for ${registry}: ${reasons.join('; ')}`, {
      cause: new AggregateError(errors),
    });
    this.errors = errors;
  }
}
