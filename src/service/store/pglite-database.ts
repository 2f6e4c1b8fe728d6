import { AsyncLocalStorage } from 'node:async_hooks';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import type { Database, ListenOptions, Notifications, QueryResult } from './database.ts';
import { restrictToOwner } from './owner-only.ts';
import type { PgliteEngine } from './pglite-engine.ts';
import { PgliteThread } from './pglite-thread-client.ts';
import { PriorityGate } from './priority-gate.ts';
import { StoreError, StoreErrorCode, toStoreError, wrapDriverError } from './store-error.ts';

export interface PgliteDatabaseOptions {
  /** Directory holding the cluster; created (initdb) on first use. */
  dataDir: string;
}

/**
 * Embedded PostgreSQL (WASM) for `ferry serve` with zero setup. One process owns the data dir: PGlite is
 * a single connection, so statements are serialised and a transaction holds the engine exclusively.
 * The engine runs in its own thread (pglite-thread.ts): its statements execute synchronously in WASM and
 * would otherwise stop the HTTP server for their whole duration.
 */
export class PgliteDatabase implements Database, Notifications {
  readonly kind = 'pglite' as const;
  readonly inTransaction = false;
  readonly #engine: PgliteEngine;
  readonly dataDir: string;
  private readonly lock: DataDirLock;
  /** Orders access to the one connection: interactive work first (see priority-gate.ts). */
  readonly #gate = new PriorityGate();
  /** Marks the asynchronous context of background work (workers, deliveries, housekeeping). */
  readonly #backgroundContext = new AsyncLocalStorage<true>();

  private constructor(engine: PgliteEngine, dataDir: string, lock: DataDirLock) {
    this.#engine = engine;
    this.dataDir = dataDir;
    this.lock = lock;
  }

  static async open(options: PgliteDatabaseOptions): Promise<PgliteDatabase> {
    const lock = await acquireDataDirLock(options.dataDir);
    try {
      const engine = await PgliteThread.open({ dataDir: options.dataDir });
      // After the open: a fresh cluster's files are created by it.
      await restrictToOwner(options.dataDir).catch(async (err: unknown) => {
        await engine.close();
        throw err;
      });
      return new PgliteDatabase(engine, options.dataDir, lock);
    } catch (err) {
      await lock.release();
      throw new StoreError(
        StoreErrorCode.Unavailable,
        `cannot open embedded database in ${options.dataDir}: ${
          err instanceof Error ? err.message : String(err)
        }`,
        { cause: err },
      );
    }
  }

  background<T>(fn: () => Promise<T>): Promise<T> {
    return this.#backgroundContext.run(true, fn);
  }

  /** Run `fn` when the gate says it is this work's turn on the connection. */
  gated<T>(fn: () => Promise<T>): Promise<T> {
    return this.#gate.run(this.#backgroundContext.getStore() === true, fn);
  }

  /**
   * The engine as pg-boss's PGlite adapter should see it: the same statements, through the gate, so
   * job fetches and completions take their turn like every other statement.
   */
  gatedEngine(): Pick<PgliteEngine, 'query' | 'exec' | 'listen'> {
    const engine = this.#engine;
    return {
      query: (sql, params) => this.gated(() => engine.query(sql, params)),
      exec: (sql) => this.gated(() => engine.exec(sql)),
      listen: (channel, onNotify) => engine.listen(channel, onNotify),
    };
  }

  query<T extends object = Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
    return this.gated(() => runQuery<T>(this.#engine, sql, params));
  }

  exec(sql: string): Promise<void> {
    return this.gated(() => runExec(this.#engine, sql));
  }

  /**
   * BEGIN … COMMIT while holding the gate: nothing else reaches the one connection in between. BEGIN
   * travels with the transaction's first statement (a transaction with none costs nothing).
   */
  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    try {
      return await this.gated(async () => {
        const tx = new PgliteTransaction(this.#engine);
        let result: T;
        try {
          result = await fn(tx);
        } catch (err) {
          if (tx.begun) await this.#engine.query('ROLLBACK').catch(() => {});
          throw err;
        }
        if (tx.begun) await this.#engine.query('COMMIT');
        return result;
      });
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
      const unlisten = await this.#engine.listen(channel, onNotify);
      return async () => {
        if (!this.#engine.closed) await unlisten();
      };
    } catch (err) {
      throw toStoreError(err, 'listen failed');
    }
  }

  async close(): Promise<void> {
    if (!this.#engine.closed) await this.#engine.close();
    // Files created while running (WAL segments, relations) get owner-only modes too.
    await restrictToOwner(this.dataDir).catch(() => undefined);
    await this.lock.release();
  }
}

/** A handle bound to one PGlite transaction, opened by its first statement; nested ones are savepoints. */
class PgliteTransaction implements Database {
  readonly kind = 'pglite' as const;
  readonly inTransaction = true;
  /** Background and interactive work are not told apart here (see PgliteDatabase.background). */
  background<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }
  readonly #engine: PgliteEngine;
  #begun = false;
  private savepoints = 0;

  /** `engine` while the owning PgliteDatabase holds its gate for this transaction. */
  constructor(engine: PgliteEngine) {
    this.#engine = engine;
  }

  /** True once BEGIN was sent: the owner must then COMMIT or ROLLBACK. */
  get begun(): boolean {
    return this.#begun;
  }

  query<T extends object = Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
    if (this.#begun) return runQuery<T>(this.#engine, sql, params);
    this.#begun = true;
    return runQuery<T>(this.#engine, sql, params, true);
  }

  async exec(sql: string): Promise<void> {
    if (!this.#begun) await this.query('SELECT 1');
    return runExec(this.#engine, sql);
  }

  async transaction<T>(fn: (tx: Database) => Promise<T>): Promise<T> {
    const name = `ferry_sp_${++this.savepoints}`;
    await this.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(this);
      await this.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      await this.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw err;
    }
  }

  close(): Promise<void> {
    return Promise.reject(new StoreError(StoreErrorCode.Query, 'close() called on a transaction handle'));
  }
}

async function runQuery<T extends object>(
  target: PgliteEngine,
  sql: string,
  params: readonly unknown[],
  begin = false,
): Promise<QueryResult<T>> {
  try {
    const result = await (begin ? target.beginWith<T>(sql, [...params]) : target.query<T>(sql, [...params]));
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  } catch (err) {
    throw toStoreError(err, 'query failed');
  }
}

async function runExec(target: PgliteEngine, sql: string): Promise<void> {
  try {
    await target.exec(sql);
  } catch (err) {
    throw toStoreError(err, 'script failed');
  }
}
