/**
 * Every error the HTTP layer answers with is `{code, message}` JSON (+ `fields` when known), mapped from
 * the error's type and stable code — never from message text — and never with a stack trace:
 *
 *   TriggerError                          its own status (400/401/403/409/413/415) and code
 *   FerryError with a numeric `status`    that status (PromotionError from the engine; HttpError here)
 *   Fastify's own 4xx (body too large…)   the same status, with a ferry code
 *   StoreError not-found / conflict       404 / 409
 *   any other temporary FerryError        503: retrying later can help
 *   anything else                         500 with a generic message; the details go to the log only
 *
 * Server-side misconfiguration (an empty webhook secret, an unreadable secret file) raises a plain
 * FerryError and so lands in the last rows: the caller did nothing wrong, and must not be told about
 * the server's files.
 */

import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError, type FerryErrorOptions } from '../../errors/ferry-error.ts';
import { StoreErrorCode } from '../store/store-error.ts';

/** Codes the HTTP layer itself adds to those of the triggers, the engine and the store. */
export const HttpErrorCode = {
  /** No such route, promotion, or a disabled trigger. */
  NotFound: ErrorCode.NotFound,
  /** A query parameter, path parameter or request line the API cannot use. */
  BadRequest: 'FERRY_E_HTTP_BAD_REQUEST',
  /** `/readyz`: the database is not reachable or migrations have not finished. */
  NotReady: 'FERRY_E_NOT_READY',
  /** A temporary server-side failure: retry later. */
  Unavailable: 'FERRY_E_UNAVAILABLE',
  /** A bug or a server misconfiguration; details are in the server log only. */
  Internal: 'FERRY_E_INTERNAL',
} as const;

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly fields?: readonly string[] | undefined;
}

export interface HttpErrorOptions extends FerryErrorOptions {
  readonly fields?: readonly string[] | undefined;
}

/** An error with the HTTP status it is answered with. */
export class HttpError extends FerryError {
  readonly status: number;
  readonly fields: readonly string[];

  constructor(status: number, code: string, message: string, options: HttpErrorOptions = {}) {
    super(code, message, options);
    this.status = status;
    this.fields = Object.freeze([...(options.fields ?? [])]);
  }
}

export function notFound(message = 'not found'): HttpError {
  return new HttpError(404, HttpErrorCode.NotFound, message);
}

export function badRequest(message: string, fields?: readonly string[]): HttpError {
  return new HttpError(400, HttpErrorCode.BadRequest, message, { fields });
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
  /** True when the client learns nothing of the cause: log the error in full, at error level. */
  readonly internal: boolean;
}

function fieldsOf(err: object): readonly string[] | undefined {
  const fields = (err as { fields?: unknown }).fields;
  if (!Array.isArray(fields) || fields.length === 0) return undefined;
  return fields.every((f) => typeof f === 'string') ? fields : undefined;
}

function body(code: string, message: string, fields?: readonly string[]): ErrorBody {
  return fields === undefined ? { code, message } : { code, message, fields };
}

/** Fastify's FST_* errors for bad requests (body too large, bad Content-Type, bad URL). */
function fastifyClientError(err: unknown): { status: number; code: string; message: string } | undefined {
  if (!(err instanceof Error)) return undefined;
  const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('FST_')) return undefined;
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  return { status: statusCode, code, message: err.message };
}

/**
 * The status and body for `err`. `requestId` goes into the generic 500 message so an operator can find
 * the log line a user quotes.
 */
export function toErrorResponse(err: unknown, requestId: string, bodyLimit: number): ErrorResponse {
  if (err instanceof TriggerError) {
    return { status: err.status, body: body(err.code, err.message, fieldsOf(err)), internal: false };
  }
  if (err instanceof FerryError) {
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599) {
      return { status, body: body(err.code, err.message, fieldsOf(err)), internal: false };
    }
    if (err.code === StoreErrorCode.NotFound) {
      return { status: 404, body: body(err.code, err.message), internal: false };
    }
    if (err.code === StoreErrorCode.Conflict) {
      return { status: 409, body: body(err.code, err.message), internal: false };
    }
  }
  const framework = fastifyClientError(err);
  if (framework !== undefined) {
    if (framework.status === 413) {
      const message = `request body is larger than the limit of ${bodyLimit} bytes`;
      return { status: 413, body: body(TriggerErrorCode.BodyTooLarge, message), internal: false };
    }
    if (framework.status === 415) {
      const message = 'Content-Type is missing or not understood';
      return { status: 415, body: body(TriggerErrorCode.UnsupportedMediaType, message), internal: false };
    }
    // Fastify's bad-URL message quotes the URL, which may hold an OpenShift path secret.
    const message = framework.code === 'FST_ERR_BAD_URL' ? 'the request URL is not valid' : framework.message;
    return { status: framework.status, body: body(HttpErrorCode.BadRequest, message), internal: false };
  }
  if (err instanceof FerryError && err.temporary) {
    const message = `temporarily unavailable, try again later (request ${requestId})`;
    return { status: 503, body: body(HttpErrorCode.Unavailable, message), internal: true };
  }
  const message = `internal error; the server log has the details (request ${requestId})`;
  return { status: 500, body: body(HttpErrorCode.Internal, message), internal: true };
}
