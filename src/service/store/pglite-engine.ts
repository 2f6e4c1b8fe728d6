/**
 * The embedded engine as PgliteDatabase and pg-boss's PGlite adapter use it: PGlite's own query/exec/
 * listen shapes, so the engine can live in another thread (pglite-thread-client.ts) behind them.
 */
export interface PgliteEngine {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number | undefined }>;
  /** BEGIN, then `query` — in one step where the engine is across a thread boundary. */
  beginWith<T>(sql: string, params?: unknown[]): Promise<{ rows: T[]; affectedRows?: number | undefined }>;
  /** Several statements without parameters; one result per statement. */
  exec(sql: string): Promise<{ rows: Record<string, unknown>[] }[]>;
  /** Calls `onNotify` for every NOTIFY on `channel` until the returned function is called. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** What PostgreSQL says about an error, as plain strings (the fields drivers expose). */
export interface EngineErrorFields {
  readonly message: string;
  /** SQLSTATE. */
  readonly code?: string | undefined;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
  readonly constraint?: string | undefined;
  readonly severity?: string | undefined;
  readonly schema?: string | undefined;
  readonly table?: string | undefined;
  readonly column?: string | undefined;
  readonly where?: string | undefined;
  readonly position?: string | undefined;
  readonly routine?: string | undefined;
}

/**
 * A statement failed inside the engine. Has the same fields as the drivers' own errors (SQLSTATE as
 * `code`, `constraint`, `detail`…), so store-error.ts and pg-boss classify it as they would PGlite's.
 */
export class PgliteEngineError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly constraint: string | undefined;
  readonly severity: string | undefined;
  readonly schema: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly where: string | undefined;
  readonly position: string | undefined;
  readonly routine: string | undefined;

  constructor(fields: EngineErrorFields) {
    super(fields.message);
    this.name = 'PgliteEngineError';
    this.code = fields.code;
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.constraint = fields.constraint;
    this.severity = fields.severity;
    this.schema = fields.schema;
    this.table = fields.table;
    this.column = fields.column;
    this.where = fields.where;
    this.position = fields.position;
    this.routine = fields.routine;
  }
}
