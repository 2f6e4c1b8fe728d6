/**
 * The operator commands' view of the ferry API: a read (`GET`, retried through temporary trouble, every
 * answer checked against the contract's schema) and an action (`POST`, sent once: an approval or a
 * rollback is not repeated on a guess). Failures become ApiClientErrors whose exit code says whether
 * anything may have changed (api-client-error.ts).
 */
import type { z } from 'zod';
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import { errorCodeOf } from '../../registry/network-error.ts';
import { isTemporaryStatus } from '../../registry/registry-error.ts';
import { RetryLaterError, withRetry } from '../../registry/retry.ts';
import { ExitCode } from '../io.ts';
import { ApiClientError, ApiClientErrorCode, refusal } from './api-client-error.ts';
import { type ApiHttp, endpointUrl, type JsonResponse, requestJson } from './api-http.ts';
import { serverText } from './server-text.ts';

/** Errors that prove the request never left this machine: nothing can have happened on the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

// Errors below carry the failure's text in their message and no `cause`: error-report.ts would print
// the cause again after it.

/** Reads retry twice (0.25-1.5 s), enough for a rolling restart's blip; an operator is waiting. */
const READ_RETRY = { times: 2, backoff: { baseMs: 500, maxMs: 2_000, maxRetryAfterMs: 5_000 } };

/** Query parameters; an array is one `name=value` per element (a repeatable parameter: `status`). */
export type Query = Readonly<Record<string, string | number | readonly string[] | undefined>>;

export interface ApiClientOptions {
  readonly http: ApiHttp;
  /** Sent as `Authorization: Bearer`; never printed. */
  readonly token: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{code, message}` of an error answer, escaped for printing; undefined when it has another shape. */
function errorBody(json: unknown): { code: string; message: string } | undefined {
  if (!isRecord(json) || typeof json['code'] !== 'string' || typeof json['message'] !== 'string')
    return undefined;
  return { code: serverText(json['code'], 80), message: serverText(json['message']) };
}

function withQuery(path: string, query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const element of value) params.append(name, element);
    else params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** What a 401 or 403 means for the person at the terminal. */
function authHint(status: number): string {
  if (status === 401) return ' (the API token from --token-file or FERRY_TOKEN was not accepted)';
  if (status === 403) return " (the API token's role or rule scope does not allow this)";
  return '';
}

export class ApiClient {
  readonly #options: ApiClientOptions;

  constructor(options: ApiClientOptions) {
    this.#options = options;
  }

  /** The absolute URL of an API path (for messages and `url` fields). */
  url(path: string): string {
    return endpointUrl(this.#options.http.server, path).href;
  }

  #headers(json: boolean): Record<string, string> {
    return {
      ...(this.#options.token === undefined ? {} : { authorization: `Bearer ${this.#options.token}` }),
      ...(json ? { 'content-type': 'application/json' } : {}),
    };
  }

  #refused(method: string, path: string, res: JsonResponse): ApiClientError {
    const body = errorBody(res.json);
    const error = refusal(res.status, body, `${method} ${path}`);
    if (body === undefined) return error;
    return new ApiClientError(error.code, `${error.message}${authHint(res.status)}`, {
      status: res.status,
      exitCode: error.exitCode,
    });
  }

  #parse<T>(schema: z.ZodType<T>, res: JsonResponse, what: string, exitCode: number): T {
    const parsed = schema.safeParse(res.json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : ` (${issue.path.join('.') || 'body'}: ${issue.message})`;
    throw new ApiClientError(
      ApiClientErrorCode.BadResponse,
      `${what} answered HTTP ${res.status} with a body that does not follow ferry's API${serverText(where, 200)}; is --server a ferry server of a matching version?`,
      { status: res.status, exitCode },
    );
  }

  /** GET `path` and validate the 200 answer with `schema`; temporary trouble is retried twice. */
  async read<T>(path: string, schema: z.ZodType<T>, query?: Query): Promise<T> {
    const target = withQuery(path, query);
    const signal = this.#options.signal ?? new AbortController().signal;
    try {
      const res = await withRetry(
        READ_RETRY,
        async () => {
          const answer = await requestJson(this.#options.http, {
            method: 'GET',
            path: target,
            headers: this.#headers(false),
            signal,
          });
          if (isTemporaryStatus(answer.status)) {
            const header = answer.headers['retry-after'];
            throw new RetryLaterError(
              `GET ${target}: HTTP ${answer.status}`,
              Array.isArray(header) ? header[0] : header,
            );
          }
          return answer;
        },
        { signal },
      );
      if (res.status !== 200) throw this.#refused('GET', target, res);
      return this.#parse(schema, res, `GET ${target}`, ExitCode.Failed);
    } catch (err) {
      if (err instanceof ApiClientError) throw err;
      throw new ApiClientError(
        ApiClientErrorCode.Unavailable,
        `cannot read ${this.url(target)}: ${err instanceof Error ? err.message : String(err)}`,
        { exitCode: ExitCode.Failed },
      );
    }
  }

  /**
   * POST `path` once and validate a 2xx answer with `schema`. Without an answer (or with a 5xx), the
   * action may have happened: exit code 3, naming what to look at.
   */
  async act<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<{ status: number; value: T }> {
    const signal = this.#options.signal ?? new AbortController().signal;
    let res: JsonResponse;
    try {
      res = await requestJson(this.#options.http, {
        method: 'POST',
        path,
        headers: this.#headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
    } catch (err) {
      const neverSent =
        (err instanceof FerryError && err.code === ErrorCode.Tls) ||
        NOT_SENT_CODES.has(errorCodeOf(err) ?? '');
      const detail = err instanceof Error ? err.message : String(err);
      throw neverSent
        ? new ApiClientError(ApiClientErrorCode.Unavailable, `cannot reach ${this.url(path)}: ${detail}`, {
            exitCode: ExitCode.Failed,
          })
        : new ApiClientError(
            ApiClientErrorCode.OutcomeUnknown,
            `POST ${this.url(path)} was sent but no answer came (${detail}); it may have been done: check with ferry promotions show`,
            { exitCode: ExitCode.Unknown },
          );
    }
    if (res.status >= 500) {
      const error = errorBody(res.json);
      throw new ApiClientError(
        ApiClientErrorCode.OutcomeUnknown,
        `POST ${this.url(path)} answered HTTP ${res.status}${error === undefined ? '' : ` (${error.message} [${error.code}])`}; it may have been done: check with ferry promotions show`,
        { status: res.status, exitCode: ExitCode.Unknown },
      );
    }
    if (res.status < 200 || res.status > 299) throw this.#refused('POST', path, res);
    return { status: res.status, value: this.#parse(schema, res, `POST ${path}`, ExitCode.Unknown) };
  }
}
