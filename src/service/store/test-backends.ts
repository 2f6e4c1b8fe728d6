import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { migrate } from './migrate.ts';
import { PgDatabase } from './pg-database.ts';
import { PgliteDatabase } from './pglite-database.ts';

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
 * schema. PGlite prepares each template once (named by `name`) and copies it per test: running the
 * migrations in WASM for every test was most of the store and queue suites' time.
 */
export interface Template {
  readonly name: string;
  prepare(db: TestDatabase): Promise<void>;
}

export interface TestBackend {
  readonly name: 'pglite' | 'postgres';
  /** Empty unless `template` says what to prepare. */
  fresh(template?: Template): Promise<FreshDatabase>;
  dispose(): Promise<void>;
}

/** ferry's migrations, all applied. */
export const MIGRATED: Template = {
  name: 'ferry',
  async prepare(db) {
    await migrate(db);
  },
};

/**
 * PGlite in temp data dirs. initdb costs about a second in WASM and the migrations more, so they run
 * once per template into a template dir that each test copies (~0.1 s) and opens (~0.15 s).
 */
export function pgliteTestBackend(): TestBackend {
  let root: Promise<string> | undefined;
  const templates = new Map<string, Promise<string>>();
  let counter = 0;
  const rootDir = () => {
    root ??= mkdtemp(join(tmpdir(), 'ferry-store-test-'));
    return root;
  };
  const templateDir = (template: Template | undefined) => {
    const name = template?.name ?? 'empty';
    let dir = templates.get(name);
    if (dir === undefined) {
      dir = (async () => {
        const path = join(await rootDir(), `template-${name.replace(/[^a-z0-9-]/gi, '_')}`);
        const db = await PgliteDatabase.open({ dataDir: path });
        try {
          await template?.prepare(db);
        } finally {
          await db.close();
        }
        return path;
      })();
      templates.set(name, dir);
    }
    return dir;
  };
  return {
    name: 'pglite',
    async fresh(template) {
      const dataDir = join(await rootDir(), `db-${++counter}`);
      // cp(1) copies the ~40 MB cluster five times faster than fs.cp.
      await promisify(execFile)('cp', ['-a', await templateDir(template), dataDir]);
      return {
        db: await PgliteDatabase.open({ dataDir }),
        reopen: () => PgliteDatabase.open({ dataDir }),
      };
    },
    async dispose() {
      if (root) await rm(await root, { recursive: true, force: true });
    },
  };
}

/** A new database on a running server for each test; `createDatabase` returns its URL. */
export function postgresTestBackend(createDatabase: () => Promise<string>): TestBackend {
  return {
    name: 'postgres',
    async fresh(template) {
      const url = await createDatabase();
      const db = await PgDatabase.open({ url, max: 10 });
      try {
        await template?.prepare(db);
      } catch (err) {
        await db.close();
        throw err;
      }
      return { db, reopen: () => PgDatabase.open({ url, max: 10 }) };
    },
    async dispose() {},
  };
}
