/**
 * A refusal or failure of the HTTP API, as its error body says (`{code, message, fields?}`,
 * src/api/error-body.ts). The dashboard shows `code` and `message` as they are, and decides on `code`
 * only (401 → sign in).
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly fields: readonly string[];
  constructor(status: number, code: string, message: string, fields: readonly string[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** What a non-JSON or unexpected answer becomes: still an ApiError, so every view shows errors one way. */
export function unexpectedAnswer(status: number, statusText: string): ApiError {
  return new ApiError(
    status,
    'FERRY_E_HTTP_UNEXPECTED',
    `the server answered ${status} ${statusText}`.trim(),
  );
}

export function isUnauthenticated(err: unknown): boolean {
  return err instanceof ApiError && err.status === 401;
}
