import { FerryError, type FerryErrorOptions } from '../../errors/index.ts';

/** Stable codes for store and queue failures; callers match on these, never on message text. */
export const StoreErrorCode = {
  /** The database could not be reached or opened (connection refused, data dir locked). Temporary. */
  Unavailable: 'FERRY_E_STORE_UNAVAILABLE',
  /** A numbered migration failed or the schema is newer than this build knows. */
  Migration: 'FERRY_E_STORE_MIGRATION',
  /** A compare-and-set lost: the row was not in an expected state (concurrent transition). */
  Conflict: 'FERRY_E_STORE_CONFLICT',
  /** The addressed row does not exist. */
  NotFound: 'FERRY_E_STORE_NOT_FOUND',
  /** The job queue refused an operation (unknown kind, queue not started). */
  Queue: 'FERRY_E_STORE_QUEUE',
  /** A query failed for a reason not covered above (constraint, syntax): a bug or a corrupt store. */
  Query: 'FERRY_E_STORE_QUERY',
} as const;

export type StoreErrorCodeValue = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];

export class StoreError extends FerryError {
  constructor(code: StoreErrorCodeValue, message: string, options: FerryErrorOptions = {}) {
    super(code, message, options);
  }
}

/**
 * PostgreSQL SQLSTATE classes that mean "the server or the connection went away": retrying later can
 * help. Everything else (constraint violations, syntax) is a permanent error.
 */
const TEMPORARY_SQLSTATE_PREFIXES = ['08', '53', '57P'];
const TEMPORARY_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/** The SQLSTATE (or Node system error code) carried by a driver error, when it has one. */
export function sqlStateOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = (err as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Rethrow helper for transaction boundaries: driver errors (they carry a SQLSTATE) become StoreErrors,
 * anything else — a StoreError from a query inside, or the caller's own error — passes through unchanged
 * so the caller can still match on it.
 */
export function wrapDriverError(err: unknown, what: string): unknown {
  // A FerryError thrown by the caller inside a transaction carries a string `code` too; it is not a
  // SQLSTATE and must reach the caller unchanged.
  if (err instanceof FerryError || sqlStateOf(err) === undefined) return err;
  return toStoreError(err, what);
}

/** Wraps a driver error as a StoreError, keeping it as `cause`; StoreErrors pass through unchanged. */
export function toStoreError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const state = sqlStateOf(err);
  const temporary =
    state !== undefined &&
    (TEMPORARY_NODE_CODES.has(state) || TEMPORARY_SQLSTATE_PREFIXES.some((p) => state.startsWith(p)));
  const detail = err instanceof Error ? err.message : String(err);
  return new StoreError(
    temporary ? StoreErrorCode.Unavailable : StoreErrorCode.Query,
    `${what}: ${detail}${state ? ` (${state})` : ''}`,
    { cause: err, temporary },
  );
}
