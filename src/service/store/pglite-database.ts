import { PGlite, type Transaction, types } from '@electric-sql/pglite';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import type { Database, ListenOptions, Notifications, QueryResult } from './database.ts';
import { StoreError, StoreErrorCode, toStoreError, wrapDriverError } from './store-error.ts';

export interface PgliteDatabaseOptions {
  /** Directory holding the cluster; created (initdb) on first use. Omitted: in memory, gone on close. */
  dataDir?: string;
}

/**
 * Both backends hand int8 to callers as number (see database.ts), so the embedded one says so
 * explicitly instead of relying on PGlite's default.
 */
const PARSERS = { [types.INT8]: (value: string) => Number(value) };

type PgliteQueryable = Pick<Transaction, 'query' | 'exec'>;

/**
 * Embedded PostgreSQL (WASM) for `ferry serve` with zero setup. One process owns the data dir: PGlite is
 * a single connection, so statements are serialised and a transaction holds the engine exclusively.
 */
export class PgliteDatabase implements Database, Notifications {
  readonly kind = 'pglite' as const;
  /** The engine itself, for the job-queue driver (pg-boss's PGlite adapter) and nothing else. */
  readonly pglite: PGlite;
  readonly dataDir: string | undefined;
  private readonly lock: DataDirLock | undefined;

  private constructor(pglite: PGlite, dataDir: string | undefined, lock: DataDirLock | undefined) {
    this.pglite = pglite;
    this.dataDir = dataDir;
    this.lock = lock;
  }

  static async open(options: PgliteDatabaseOptions = {}): Promise<PgliteDatabase> {
    const lock = options.dataDir === undefined ? undefined : await acquireDataDirLock(options.dataDir);
    try {
      const pglite = await PGlite.create({
        ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
        parsers: PARSERS,
      });
      return new PgliteDatabase(pglite, options.dataDir, lock);
    } catch (err) {
      await lock?.release();
      throw new StoreError(
        StoreErrorCode.Unavailable,
        `cannot open embedded database${options.dataDir ? ` in ${options.dataDir}` : ''}: ${
          err instanceof Error ? err.message : String(err)
        }`,
        { cause: err },
      );
    }
  }

  query<T extends object = Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
    return runQuery<T>(this.pglite, sql, params);
  }

  exec(sql: string): Promise<void> {
    return runExec(this.pglite, sql);
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    try {
      return await this.pglite.transaction((tx) => fn(new PgliteTransaction(tx)));
    } catch (err) {
      throw wrapDriverError(err, 'transaction failed');
    }
  }

  /** In-process: PGlite delivers a NOTIFY to its listeners after the statement (or commit) that sent it. */
  async listen(
    channel: string,
    onNotify: (payload: string) => void,
    _options: ListenOptions = {},
  ): Promise<() => Promise<void>> {
    try {
      const unlisten = await this.pglite.listen(channel, onNotify);
      return async () => {
        if (!this.pglite.closed) await unlisten();
      };
    } catch (err) {
      throw toStoreError(err, 'listen failed');
    }
  }

  async close(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
    await this.lock?.release();
  }
}

/** A handle bound to one open PGlite transaction; nested transactions become savepoints. */
class PgliteTransaction implements Database {
  readonly kind = 'pglite' as const;
  private readonly tx: Transaction;
  private savepoints = 0;

  constructor(tx: Transaction) {
    this.tx = tx;
  }

  query<T extends object = Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
    return runQuery<T>(this.tx, sql, params);
  }

  exec(sql: string): Promise<void> {
    return runExec(this.tx, sql);
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    const name = `ferry_sp_${++this.savepoints}`;
    await this.tx.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await this.tx.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      await this.tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    }
  }

  close(): Promise<void> {
    return Promise.reject(new StoreError(StoreErrorCode.Query, 'close() called on a transaction handle'));
  }
}

async function runQuery<T extends object>(
  target: PgliteQueryable,
  sql: string,
  params: readonly unknown[],
): Promise<QueryResult<T>> {
  try {
    const result = await target.query<T>(sql, [...params]);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  } catch (err) {
    throw toStoreError(err, 'query failed');
  }
}

async function runExec(target: PgliteQueryable, sql: string): Promise<void> {
  try {
    await target.exec(sql);
  } catch (err) {
    throw toStoreError(err, 'script failed');
  }
}
