/**
 * The one seam between ferry serve and its SQL database. Two implementations exist — embedded PGlite
 * (zero setup) and PostgreSQL through a pg.Pool — and the composition root picks one; nothing in the
 * store knows which it got except for the few places that must (advisory locks, the job queue driver).
 *
 * SQL is always parameterised (`$1`, `$2`, …). Both implementations parse int8 as a JS number (ferry's
 * bigints are byte counts and event ids, far below 2^53), timestamptz as Date and json/jsonb as values.
 */
export interface QueryResult<T> {
  readonly rows: T[];
  /** Rows inserted, updated or deleted by the statement (0 for SELECT on some drivers: don't rely on it there). */
  readonly rowCount: number;
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  readonly kind: DatabaseKind;
  /** True for the handle passed to a transaction's function. */
  readonly inTransaction: boolean;
  /**
   * Run `fn` (and everything it starts) as background work: on the single-connection embedded store
   * it yields to requests a client is waiting for. A no-op where connections are pooled.
   */
  background<T>(fn: () => Promise<T>): Promise<T>;
  /** Runs one statement. */
  query<T extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<T>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a transaction: commit when it resolves, roll back when it throws. `tx` must be used for
   * every statement inside — on PGlite (one connection) a statement sent through the outer handle while a
   * transaction is open waits for that transaction, i.e. forever. Nested calls on `tx` use savepoints.
   */
  transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T>;
  /** Releases connections (or the embedded engine). Idempotent. Not allowed on a transaction handle. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /**
   * The listening connection failed; it is re-established in the background (PostgreSQL), and
   * notifications sent meanwhile are lost: PostgreSQL keeps none for a listener that is not connected.
   */
  readonly onError?: ((err: unknown) => void) | undefined;
}

/**
 * LISTEN/NOTIFY on the handles the composition root opens (never on transaction handles). Publishing is
 * an ordinary statement, `SELECT pg_notify($1, $2)`, delivered at commit; this is the receiving side.
 */
export interface Notifications {
  /**
   * Calls `onNotify` with the payload of every NOTIFY on `channel`, from any connection (this process's
   * own included), until the returned function is called. Resolves once the LISTEN is in place.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    options?: ListenOptions,
  ): Promise<() => Promise<void>>;
}

/**
 * Run `fn` atomically: in a new transaction, or directly in the caller's when `db` already is one.
 * Store helpers that must be atomic on their own use this rather than nesting: a nested transaction
 * costs a SAVEPOINT and a RELEASE, two statements on PGlite's single connection for nothing, since
 * every caller lets a failure abort its whole transaction anyway.
 */
export function atomically<T>(db: Database, fn: (tx: Database) => Promise<T>): Promise<T> {
  return db.inTransaction ? fn(db) : db.transaction(fn);
}
