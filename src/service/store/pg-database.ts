import pg from 'pg';
import type { Database, ListenOptions, Notifications, QueryResult } from './database.ts';
import { PgListener } from './pg-listener.ts';
import { StoreError, StoreErrorCode, toStoreError, wrapDriverError } from './store-error.ts';

export interface PgDatabaseOptions {
  /** `postgres://user:pass@host:port/db?sslmode=…` */
  url: string;
  /** Pool size. Default 10. */
  max?: number;
  /** Reported in pg_stat_activity. */
  applicationName?: string;
}

const INT8_OID = 20;

/**
 * Type parsers for this pool only: int8 as number (database.ts), everything else as node-postgres
 * parses it. Set per pool rather than through pg.types.setTypeParser, which would change every pool in
 * the process (pg-boss's included).
 */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** PostgreSQL through a connection pool, for `ferry serve --database-url` (several replicas may share it). */
export class PgDatabase implements Database, Notifications {
  readonly kind = 'postgres' as const;
  readonly inTransaction = false;
  /** Background and interactive work are not told apart here (see PgliteDatabase.background). */
  background<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }
  /** For the job-queue driver, which opens its own small pool on the same database. */
  readonly url: string;
  private readonly pool: pg.Pool;
  private closed = false;

  private constructor(pool: pg.Pool, url: string) {
    this.pool = pool;
    this.url = url;
  }

  /** Opens the pool and checks that the server answers, so a bad URL fails at start, not at first request. */
  static async open(options: PgDatabaseOptions): Promise<PgDatabase> {
    const pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'ferry',
      types: typeParsers,
    });
    // An idle client that loses its connection emits 'error' on the pool; unhandled, that would crash
    // the process. The next query gets a fresh connection, so there is nothing else to do here.
    pool.on('error', () => {});
    try {
      await pool.query('SELECT 1');
    } catch (err) {
      await pool.end().catch(() => {});
      throw new StoreError(
        StoreErrorCode.Unavailable,
        `cannot connect to PostgreSQL at ${redact(options.url)}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err, temporary: true },
      );
    }
    return new PgDatabase(pool, options.url);
  }

  async query<T extends object = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<QueryResult<T>> {
    try {
      const result = await this.pool.query<T>(sql, [...params]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw toStoreError(err, 'query failed');
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      // No parameters: node-postgres uses the simple protocol, which accepts several statements.
      await this.pool.query(sql);
    } catch (err) {
      throw toStoreError(err, 'script failed');
    }
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toStoreError(err, 'cannot start transaction');
    }
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await fn(new PgTransaction(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        // The connection itself failed; do not hand it back to the pool.
        broken = true;
      }
      throw wrapDriverError(err, 'transaction failed');
    } finally {
      client.release(broken);
    }
  }

  /** On a connection of its own (pg-listener.ts), reconnected when it drops. */
  async listen(
    channel: string,
    onNotify: (payload: string) => void,
    options: ListenOptions = {},
  ): Promise<() => Promise<void>> {
    const listener = new PgListener({ url: this.url, channel, onNotify, onError: options.onError });
    await listener.start();
    return () => listener.stop();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

/** A handle bound to one checked-out client inside BEGIN; nested transactions become savepoints. */
class PgTransaction implements Database {
  readonly kind = 'postgres' as const;
  readonly inTransaction = true;
  /** Background and interactive work are not told apart here (see PgliteDatabase.background). */
  background<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }
  private readonly client: pg.PoolClient;
  private savepoints = 0;

  constructor(client: pg.PoolClient) {
    this.client = client;
  }

  async query<T extends object = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<QueryResult<T>> {
    try {
      const result = await this.client.query<T>(sql, [...params]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    } catch (err) {
      throw toStoreError(err, 'query failed');
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.client.query(sql);
    } catch (err) {
      throw toStoreError(err, 'script failed');
    }
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    const name = `ferry_sp_${++this.savepoints}`;
    await this.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await this.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    }
  }

  close(): Promise<void> {
    return Promise.reject(new StoreError(StoreErrorCode.Query, 'close() called on a transaction handle'));
  }
}

/** The URL without its password, for error messages and logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable database URL>';
  }
}
