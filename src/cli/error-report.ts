import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { RegistryError } from '../registry/registry-error.ts';
import { ExitCode } from './io.ts';

const USAGE_CODES = new Set<string>([
  ErrorCode.BadReference,
  ErrorCode.BadUsage,
  ErrorCode.AuthConfig,
  ErrorCode.Config,
  ErrorCode.PolicyConfig,
  ErrorCode.PolicyUnsupported,
  ErrorCode.SigningKey,
]);

/**
 * Map an error to an exit code and a one-paragraph message; never a stack trace. Three levels of
 * ferry's own causes are shown; with `--debug` every cause, including the platform's (socket errors,
 * errno codes).
 */
export function reportError(
  err: unknown,
  context: string,
  options: { debug?: boolean } = {},
): { exitCode: number; message: string } {
  if (err instanceof FerryError) {
    const causes: string[] = [];
    let cause: unknown = err.cause;
    const limit = options.debug ? 16 : 3;
    for (
      let i = 0;
      i < limit && (cause instanceof FerryError || (options.debug && cause instanceof Error));
      i++
    ) {
      const code = (cause as { code?: unknown }).code;
      causes.push(
        cause instanceof FerryError || typeof code !== 'string'
          ? cause.message
          : `${cause.message} (${code})`,
      );
      cause = cause.cause;
    }
    const detail = [messageOf(err), ...causes].join(': ');
    return {
      exitCode: exitCodeOf(err),
      message: `ferry: ${context}${detail} [${err.code}]`,
    };
  }
  const text = err instanceof Error ? err.message : String(err);
  return { exitCode: ExitCode.Failed, message: `ferry: ${context}${text}` };
}

/** An error that knows its exit code (the API client's: 3 for an unknown outcome) says so itself. */
function exitCodeOf(err: FerryError): number {
  const own = (err as { exitCode?: unknown }).exitCode;
  if (typeof own === 'number') return own;
  return USAGE_CODES.has(err.code) ? ExitCode.Usage : ExitCode.Failed;
}

const EMPTY_BODY_TEXT: Readonly<Record<number, string>> = {
  401: 'unauthorized: authentication required',
  403: 'denied: requested access to the resource is denied',
};

/**
 * A registry's error body as skopeo prints it (docker/distribution errcode: the code lower-cased with
 * spaces, then the message: "unauthorized: authentication required", "manifest unknown: manifest
 * unknown"); scripts match on these words.
 */
function messageOf(err: Error): string {
  if (!(err instanceof RegistryError)) return err.message;
  if (err.errors.length === 0) {
    // A body-less 401/403 (any HEAD): the Go registry client reports the errcode's default text.
    const fallback = EMPTY_BODY_TEXT[err.status];
    return fallback ? `${err.method} ${err.url}: ${err.status} ${fallback}` : err.message;
  }
  const text = err.errors
    .map((e) => {
      const code = e.code.toLowerCase().replaceAll('_', ' ');
      return e.message ? `${code}: ${e.message}` : code;
    })
    .join('; ');
  return `${err.method} ${err.url}: ${err.status} ${text}`;
}
