import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/migration-list.ts';
import { PgDatabase } from './pg-database.ts';
import { PgliteDatabase } from './pglite-database.ts';
import { type DirTemplate, PgliteTemplateCache } from './pglite-template-cache.ts';

/*
 * Test support shared by the store and queue suites (not used by ferry itself): the same tests run on
 * each backend through this interface.
 */

export type TestDatabase = PgliteDatabase | PgDatabase;

export interface FreshDatabase {
  /** Empty: no migrations applied. The caller closes it. */
  readonly db: TestDatabase;
  /**
   * Opens the same storage again, as a restarted ferry would. On PGlite close `db` first: one process,
   * one engine per data dir.
   */
  reopen(): Promise<TestDatabase>;
}

/**
 * What a fresh database holds before the test starts, e.g. ferry's migrations, or those and pg-boss's
 * schema. PGlite prepares each template once per machine (pglite-template-cache.ts) and copies it per
 * test: running initdb and the migrations in WASM was most of the store and queue suites' time.
 */
export interface Template extends DirTemplate {
  /** On PostgreSQL `prepare` runs on an empty database: it must not rely on `base` having run. */
  readonly base?: Template | undefined;
  prepare(db: TestDatabase): Promise<void>;
}

export interface TestBackend {
  readonly name: 'pglite' | 'postgres';
  /** Empty unless `template` says what to prepare. */
  fresh(template?: Template): Promise<FreshDatabase>;
  /**
   * One open database per template, shared by the tests of a file and emptied of rows before each
   * call returns. For tests whose subject is not opening, closing or migrating: starting a PGlite
   * engine costs seconds on a busy 2-core machine, emptying its tables milliseconds. Closed by dispose;
   * callers never close it. Tests using it must not run concurrently (node:test runs a file's tests one
   * after another unless told otherwise).
   */
  reusable(template: Template): Promise<TestDatabase>;
  dispose(): Promise<void>;
}

/**
 * Tables that describe the schema rather than hold data: emptying them would make the next test's
 * migrations or pg-boss start-up think they had never run.
 */
const SCHEMA_TABLES = new Set(['public.schema_migrations', 'pgboss.version', 'pgboss.queue']);

/**
 * Empties every data table. The audit trail and release history refuse TRUNCATE by trigger (they are
 * append-only); `session_replication_role = replica` switches ordinary triggers off for this
 * transaction only, which needs a superuser — the test engines are.
 */
async function emptyTables(db: TestDatabase): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables
      WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
  );
  const names = rows.map((r) => r.name).filter((name) => !SCHEMA_TABLES.has(name));
  if (names.length === 0) return;
  await db.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await tx.query(`TRUNCATE ${names.join(', ')} RESTART IDENTITY CASCADE`);
  });
}

/** `reusable` for a backend: one database per template from `fresh`, emptied on every later call. */
function reusableDatabases(fresh: (template: Template) => Promise<FreshDatabase>) {
  const open = new Map<string, Promise<TestDatabase>>();
  return {
    async get(template: Template): Promise<TestDatabase> {
      const existing = open.get(template.name);
      if (existing !== undefined) {
        const db = await existing;
        await emptyTables(db);
        return db;
      }
      const created = fresh(template).then((f) => f.db);
      open.set(template.name, created);
      return created;
    },
    async closeAll(): Promise<void> {
      const all = [...open.values()];
      open.clear();
      await Promise.allSettled(all.map(async (db) => (await db).close()));
    },
  };
}

/** ferry's migrations, all applied. */
export const MIGRATED: Template = {
  name: 'ferry',
  async prepare(db) {
    await migrate(db);
  },
};

/** ferry's first migration only: the starting point of tests of later migrations' data moves. */
export const FIRST_MIGRATION: Template = {
  name: 'ferry-1',
  async prepare(db) {
    await migrate(db, MIGRATIONS.slice(0, 1));
  },
};

/** The PGlite backend, plus what tests of the engine itself need: a data dir that nothing has open. */
export interface PgliteTestBackend extends TestBackend {
  /** A new data directory holding `template` (initdb only when omitted), for the caller to open. */
  dataDir(template?: Template): Promise<string>;
  /** An engine on a new `dataDir(template)`; dispose closes it unless the caller did. */
  open(template?: Template): Promise<PgliteDatabase>;
}

/**
 * PGlite in temp data dirs, each a copy (~0.1 s) of a cached template (pglite-template-cache.ts) opened
 * in ~0.8 CPU seconds: initdb costs 8–12 and the migrations more.
 */
export function pgliteTestBackend(cache = new PgliteTemplateCache()): PgliteTestBackend {
  let root: Promise<string> | undefined;
  let counter = 0;
  const dataDir = async (template?: Template) => {
    root ??= mkdtemp(join(tmpdir(), 'ferry-store-test-'));
    const dir = join(await root, `db-${++counter}`);
    await cache.copyTo(dir, template);
    return dir;
  };
  const fresh = async (template?: Template): Promise<FreshDatabase> => {
    const dir = await dataDir(template);
    return {
      db: await PgliteDatabase.open({ dataDir: dir }),
      reopen: () => PgliteDatabase.open({ dataDir: dir }),
    };
  };
  const reusable = reusableDatabases(fresh);
  const opened: PgliteDatabase[] = [];
  return {
    name: 'pglite',
    fresh,
    dataDir,
    async open(template) {
      const db = await PgliteDatabase.open({ dataDir: await dataDir(template) });
      opened.push(db);
      return db;
    },
    reusable: (template) => reusable.get(template),
    async dispose() {
      // close() is idempotent: closing one the test closed already is harmless.
      await Promise.allSettled(opened.map((db) => db.close()));
      await reusable.closeAll();
      if (root) await rm(await root, { recursive: true, force: true });
    },
  };
}

/** A new database on a running server for each test; `createDatabase` returns its URL. */
export function postgresTestBackend(createDatabase: () => Promise<string>): TestBackend {
  const fresh = async (template?: Template): Promise<FreshDatabase> => {
    const url = await createDatabase();
    const db = await PgDatabase.open({ url, max: 10 });
    try {
      await template?.prepare(db);
    } catch (err) {
      await db.close();
      throw err;
    }
    return { db, reopen: () => PgDatabase.open({ url, max: 10 }) };
  };
  const reusable = reusableDatabases(fresh);
  return {
    name: 'postgres',
    fresh,
    reusable: (template) => reusable.get(template),
    dispose: () => reusable.closeAll(),
  };
}
