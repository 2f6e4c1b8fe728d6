import { ErrorCode } from '../errors/codes.ts';
import { FerryError, type FerryErrorOptions } from '../errors/ferry-error.ts';

export interface RegistryErrorDetail {
  readonly code: string;
  readonly message: string;
}

/**
 * A non-success answer from a registry. Codes come from the distribution spec's error body
 * (`{"errors":[{"code","message","detail"}]}`, spec "Error Codes"); 429s and proxies often answer in
 * plain text, in which case `errors` is empty and the first line of the body is kept as the message.
 */
export class RegistryError extends FerryError {
  readonly status: number;
  readonly errors: readonly RegistryErrorDetail[];
  readonly method: string;
  readonly url: string;

  constructor(
    method: string,
    url: string,
    status: number,
    errors: readonly RegistryErrorDetail[],
    fallbackText: string,
    options: FerryErrorOptions = {},
  ) {
    const summary =
      errors.length > 0
        ? errors.map((e) => (e.message ? `${e.code}: ${e.message}` : e.code)).join('; ')
        : fallbackText || statusText(status);
    super(statusCode(status), `${method} ${url}: ${status} ${summary}`, {
      temporary: options.temporary ?? isTemporaryStatus(status),
      cause: options.cause,
    });
    this.status = status;
    this.errors = errors;
    this.method = method;
    this.url = url;
  }

  hasRegistryCode(code: string): boolean {
    return this.errors.some((e) => e.code === code);
  }
}

function statusCode(status: number): string {
  if (status === 401 || status === 403) return ErrorCode.Auth;
  if (status === 404) return ErrorCode.NotFound;
  return ErrorCode.Registry;
}

export function isTemporaryStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function statusText(status: number): string {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not found';
  if (status === 429) return 'too many requests';
  return 'unexpected status';
}

/** Parse a registry error body; never throws. Text is cut to keep a hostile body out of logs. */
export function parseErrorBody(text: string): { errors: RegistryErrorDetail[]; fallback: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const body = JSON.parse(trimmed) as { errors?: unknown };
      if (Array.isArray(body.errors)) {
        const errors = body.errors
          .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
          .map((e) => ({
            code: typeof e.code === 'string' ? e.code : 'UNKNOWN',
            message: typeof e.message === 'string' ? e.message.slice(0, 300) : '',
          }));
        return { errors, fallback: '' };
      }
    } catch {
      // not JSON after all: fall through to text
    }
  }
  const firstLine = trimmed.split(/\r?\n/)[0] ?? '';
  return { errors: [], fallback: firstLine.slice(0, 200) };
}
