/**
 * How the dashboard calls ferry's HTTP API: same origin, the session cookie (httpOnly: this code never
 * sees it), JSON in and out. Every state-changing request carries the CSRF token `/api/v1/me` handed
 * out, in the header the contract names; the token lives in memory only (never in browser storage).
 */
import type { ErrorBody } from '../../../src/api/error-body.ts';
import { CSRF_HEADER } from '../../../src/api/sign-in.ts';
import { ApiError, unexpectedAnswer } from './api-error.ts';

export interface ApiClient {
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
}

export interface ApiClientOptions {
  /** The CSRF token of the current session (null before sign-in). */
  readonly csrfToken: () => string | null;
  /** Default: the browser's fetch. */
  readonly fetch?: typeof fetch;
}

/** The contract's error body (`{code, message, fields?}`), checked by shape: the app carries no schema library. */
function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message, fields } = value as Record<string, unknown>;
  return (
    typeof code === 'string' &&
    typeof message === 'string' &&
    (fields === undefined || (Array.isArray(fields) && fields.every((f) => typeof f === 'string')))
  );
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body: unknown = await response.json();
    if (isErrorBody(body)) return new ApiError(response.status, body.code, body.message, body.fields);
  } catch {
    // not JSON: a proxy's error page
  }
  return unexpectedAnswer(response.status, response.statusText);
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const call = options.fetch ?? ((input, init) => fetch(input, init));
  async function send<T>(path: string, init: RequestInit): Promise<T> {
    const response = await call(path, { credentials: 'same-origin', ...init });
    if (!response.ok) throw await errorOf(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
  return {
    get: (path, signal) => send(path, { headers: { accept: 'application/json' }, signal: signal ?? null }),
    post(path, body) {
      const headers: Record<string, string> = { accept: 'application/json' };
      const csrf = options.csrfToken();
      if (csrf !== null) headers[CSRF_HEADER] = csrf;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return send(path, {
        method: 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    },
  };
}
