/**
 * The one error every trigger parser and verifier throws for a request that must be refused. It carries
 * the HTTP status the hook endpoint answers with and a stable code, so the HTTP layer maps it to a
 * `{code, message}` JSON body without looking at message text. Anything that is *not* a TriggerError
 * (a misconfigured secret, a bug) is a server-side problem and must become a 5xx, never a 4xx.
 *
 * Messages name the bad field and show a truncated, escaped rendering of the value; they never contain a
 * secret, an expected signature or more than a few dozen characters of the request body.
 */
import { FerryError, type FerryErrorOptions } from '../errors/ferry-error.ts';

/** Stable codes; new ones are appended, existing ones never change meaning. */
export const TriggerErrorCode = {
  /** The body is not parseable JSON/YAML, not UTF-8, or empty. */
  MalformedBody: 'FERRY_E_TRIGGER_MALFORMED_BODY',
  /** The body parsed but violates the schema or contains an invalid reference. */
  InvalidBody: 'FERRY_E_TRIGGER_INVALID_BODY',
  /** Required values are absent or empty (OpenShift `env`); `fields` lists every one of them. */
  MissingValues: 'FERRY_E_TRIGGER_MISSING_VALUES',
  /** A required non-credential header is missing or malformed (`webhook-id`, `webhook-timestamp`, `Content-Length`). */
  BadHeader: 'FERRY_E_TRIGGER_BAD_HEADER',
  /** Signature missing, malformed, or made with none of the configured secrets. */
  BadSignature: 'FERRY_E_TRIGGER_BAD_SIGNATURE',
  /** Signed timestamp outside the replay window (Standard Webhooks: 5 minutes). */
  StaleTimestamp: 'FERRY_E_TRIGGER_STALE_TIMESTAMP',
  /** Static credential of a trigger (header value, URL path secret) missing or wrong. API tokens: FERRY_E_API_UNAUTHORIZED. */
  Unauthorized: 'FERRY_E_TRIGGER_UNAUTHORIZED',
  /** Authenticated, but this caller may not do this (API tokens: FERRY_E_API_FORBIDDEN). */
  Forbidden: 'FERRY_E_TRIGGER_FORBIDDEN',
  /** This delivery id was already accepted (raised by the durable de-duplication store, not here). */
  DuplicateDelivery: 'FERRY_E_TRIGGER_DUPLICATE_DELIVERY',
  /** Body larger than the configured limit. */
  BodyTooLarge: 'FERRY_E_TRIGGER_BODY_TOO_LARGE',
  /** Content-Type missing, not accepted by this trigger, or a charset other than UTF-8. */
  UnsupportedMediaType: 'FERRY_E_TRIGGER_UNSUPPORTED_MEDIA_TYPE',
} as const;

export type TriggerErrorCodeValue = (typeof TriggerErrorCode)[keyof typeof TriggerErrorCode];

export type TriggerErrorStatus = 400 | 401 | 403 | 409 | 413 | 415;

/** Status per code, fixed here so a code can never be answered with two different statuses. */
export const TRIGGER_ERROR_STATUS: Readonly<Record<TriggerErrorCodeValue, TriggerErrorStatus>> =
  Object.freeze({
    [TriggerErrorCode.MalformedBody]: 400,
    [TriggerErrorCode.InvalidBody]: 400,
    [TriggerErrorCode.MissingValues]: 400,
    [TriggerErrorCode.BadHeader]: 400,
    [TriggerErrorCode.BadSignature]: 401,
    [TriggerErrorCode.StaleTimestamp]: 401,
    [TriggerErrorCode.Unauthorized]: 401,
    [TriggerErrorCode.Forbidden]: 403,
    [TriggerErrorCode.DuplicateDelivery]: 409,
    [TriggerErrorCode.BodyTooLarge]: 413,
    [TriggerErrorCode.UnsupportedMediaType]: 415,
  });

export interface TriggerErrorOptions extends FerryErrorOptions {
  /** Names of the offending fields or headers (`source.repository`, `GIT_COMMIT`, `webhook-id`). */
  fields?: readonly string[] | undefined;
}

/** JSON body of a refused trigger request. */
export interface TriggerErrorBody {
  readonly code: TriggerErrorCodeValue;
  readonly message: string;
}

export class TriggerError extends FerryError {
  declare readonly code: TriggerErrorCodeValue;
  readonly status: TriggerErrorStatus;
  readonly fields: readonly string[];

  constructor(code: TriggerErrorCodeValue, message: string, options: TriggerErrorOptions = {}) {
    super(code, message, options);
    this.status = TRIGGER_ERROR_STATUS[code];
    this.fields = Object.freeze([...(options.fields ?? [])]);
  }

  /** What the hook endpoint sends back: only code and message, nothing from `cause`. */
  toResponseBody(): TriggerErrorBody {
    return { code: this.code, message: this.message };
  }
}

export function isTriggerError(err: unknown): err is TriggerError {
  return err instanceof TriggerError;
}
