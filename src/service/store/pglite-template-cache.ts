import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { findPackageJSON } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { hasCode } from '../../errors/index.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { MIGRATIONS } from './migrations/migration-list.ts';
import { PgliteDatabase } from './pglite-database.ts';
import { StoreErrorCode } from './store-error.ts';

/*
 * Test support (not used by ferry itself): PGlite data directories prepared once per machine and
 * reused by every test process until what they depend on changes.
 *
 * Why: a PGlite initdb costs 8–12 CPU seconds in WebAssembly and ferry's migrations a few more. Each
 * test file runs in its own process, so a per-process template still paid that in every file that opens
 * an embedded database — ~250 of the unit run's ~480 CPU seconds. Copying a finished cluster (cp -a,
 * ~40 MB) costs ~0.1 s.
 *
 * On a machine without the cache (a fresh CI runner) the first users build it. Only one process builds
 * a given directory at a time: the unit run's two test processes, the template builder it starts
 * beside them (scripts/prepare-test-templates.ts) and any other `npm test` on the machine would
 * otherwise each run the same initdb, ~10 CPU seconds apiece on a 2-core machine already busy with the
 * tests. Whichever gets there first holds a lock while it builds (data-dir-lock.ts: a dead holder's lock
 * is taken over at once); the others wait for the finished directory.
 */

/** A prepared data directory: what `prepare` leaves in a migrated-or-not cluster. */
export interface DirTemplate {
  /** Names the directory, beside a hash of everything it depends on (`prepare`, `inputs`, `base`). */
  readonly name: string;
  /**
   * Anything `prepare` reads besides ferry's migrations and the PGlite and pg-boss versions (which every
   * key includes), as JSON: a change makes a new directory instead of reusing a stale one.
   */
  readonly inputs?: unknown;
  /**
   * What `prepare` starts from (its key is part of this one's); initdb only when omitted. A template
   * that extends another (pg-boss's schema on top of ferry's migrations) copies it (~0.1 s) instead of
   * repeating its migrations.
   */
  readonly base?: DirTemplate | undefined;
  prepare(db: PgliteDatabase): Promise<void>;
}

export interface PgliteTemplateCacheOptions {
  /** How often a process waiting for another's build looks again. Default 200 ms. */
  readonly pollMs?: number;
  /**
   * How long to wait for another live process's build before failing. Default 10 minutes: a build is
   * ~15 s on an idle 2-core machine, and a loaded CI runner may take several times that.
   */
  readonly waitMs?: number;
  /** Told when this process starts waiting for another's build of `dir` (tests of the lock watch it). */
  readonly waiting?: (dir: string) => void;
  /**
   * Fills a new data directory: `dataDir` is empty for the initdb (`template` undefined), else a copy of
   * the template's base. The default opens PGlite on it; tests of the cache itself pass a cheap stand-in.
   */
  readonly initialize?: (dataDir: string, template: DirTemplate | undefined) => Promise<void>;
}

/**
 * Settings of every cached cluster. shared_buffers: PostgreSQL zeroes its buffer pool at start, and
 * PGlite's default 128 MB took ~0.6 of an engine open's ~1.4 CPU seconds in baseline WebAssembly code
 * (a CPU profile shows memset on top); test databases hold kilobytes. A cache size, not a behaviour:
 * the same statements, plans aside, give the same results.
 */
const SETTINGS = ["ALTER SYSTEM SET shared_buffers = '8MB'"];

/** Unused this long, a cached directory is deleted by the next process that builds one. */
const KEEP_UNUSED_MS = 3 * 24 * 3600_000;

const run = promisify(execFile);

export class PgliteTemplateCache {
  readonly #root: string;
  readonly #pollMs: number;
  readonly #waitMs: number;
  readonly #waiting: (dir: string) => void;
  readonly #initialize: (dataDir: string, template: DirTemplate | undefined) => Promise<void>;
  /** By directory: one build per process, however many files ask at once. */
  readonly #building = new Map<string, Promise<string>>();
  #versions: Promise<[string | null, string | null]> | undefined;

  /** `root`: where the directories live; default a per-user directory under the OS temp dir. */
  constructor(
    root = join(tmpdir(), `ferry-pglite-templates-${process.getuid?.() ?? 'user'}`),
    options: PgliteTemplateCacheOptions = {},
  ) {
    this.#root = root;
    this.#pollMs = options.pollMs ?? 200;
    this.#waitMs = options.waitMs ?? 10 * 60_000;
    this.#waiting = options.waiting ?? (() => {});
    this.#initialize = options.initialize ?? initialize;
  }

  /**
   * The directory holding `template` (initdb only when omitted). Read-only for callers: copy it with
   * `copyTo` before opening, since an engine writes to its data directory.
   */
  async dir(template?: DirTemplate): Promise<string> {
    const dir = join(
      this.#root,
      `${(template?.name ?? 'empty').replace(/[^a-z0-9-]/gi, '_')}-${await this.#key(template)}`,
    );
    let ready = this.#building.get(dir);
    if (ready === undefined) {
      ready = this.#find(dir, template);
      this.#building.set(dir, ready);
      // A failed build is retried by the next caller rather than remembered.
      ready.catch(() => this.#building.delete(dir));
    }
    return ready;
  }

  /** A new data directory at `target` holding `template`, ready to open. */
  async copyTo(target: string, template?: DirTemplate): Promise<void> {
    // cp(1) copies the ~40 MB cluster five times faster than fs.cp.
    await run('cp', ['-a', await this.dir(template), target]);
  }

  async #find(dir: string, template: DirTemplate | undefined): Promise<string> {
    if (await found(dir)) return dir;
    await mkdir(this.#root, { recursive: true, mode: 0o700 });
    const lock = await this.#lock(dir);
    if (lock === undefined) return dir; // another process built it while this one waited
    try {
      // Built while this one waited for the lock, by a holder that has released it since.
      if (await found(dir)) return dir;
      await this.#forgetUnused();
      // A holder that died mid-build left its half-built copy: nobody else builds this directory.
      await forgetBuilding(dir);
      // Built beside its final place and renamed into it: a directory under its final name is complete.
      const building = `${dir}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        if (template !== undefined) await this.copyTo(building, template.base);
        await this.#initialize(building, template);
        // Only a lock holder builds, but a lock can be lost (#forgetUnused deleting a lock directory it
        // judged unused as another process took it): then the first rename wins, this copy is dropped.
        await rename(building, dir).catch(async (err: unknown) => {
          if (!(await isCluster(dir))) throw err;
        });
        return dir;
      } finally {
        await rm(building, { recursive: true, force: true });
      }
    } finally {
      await lock.release();
    }
  }

  /**
   * The build lock for `dir`, or undefined once another process has built it. A live holder (another
   * test process building the same directory) is waited for; a dead one's lock is taken over.
   */
  async #lock(dir: string): Promise<DataDirLock | undefined> {
    const started = Date.now();
    for (let round = 0; ; round++) {
      try {
        // waitMs 0: a holder is never waited for inside; this loop waits, watching for the result.
        return await acquireDataDirLock(`${dir}.lock`, { waitMs: 0 });
      } catch (err) {
        if (!hasCode(err, StoreErrorCode.Unavailable) || Date.now() - started > this.#waitMs) throw err;
      }
      if (round === 0) this.#waiting(dir);
      await sleep(this.#pollMs);
      if (await found(dir)) return undefined;
    }
  }

  /** Everything a cached directory's content depends on, hashed. */
  async #key(template: DirTemplate | undefined): Promise<string> {
    this.#versions ??= Promise.all([versionOf('@electric-sql/pglite'), versionOf('pg-boss')]);
    const [pglite, pgBoss] = await this.#versions;
    const inputs = {
      pglite,
      pgBoss,
      settings: SETTINGS,
      migrations: MIGRATIONS,
      template:
        template === undefined
          ? null
          : {
              prepare: template.prepare.toString(),
              inputs: template.inputs,
              base: template.base === undefined ? null : await this.#key(template.base),
            },
    };
    return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
  }

  /** Directories of earlier migration sets or PGlite versions pile up otherwise (~40 MB each). */
  async #forgetUnused(): Promise<void> {
    const names = await readdir(this.#root).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(this.#root, name);
      const info = await stat(path).catch(() => undefined);
      if (info !== undefined && Date.now() - info.mtimeMs > KEEP_UNUSED_MS) {
        await rm(path, { recursive: true, force: true });
      }
    }
  }
}

/** The real build: initdb (and the cache's settings), or `template.prepare` on a copy of its base. */
async function initialize(dataDir: string, template: DirTemplate | undefined): Promise<void> {
  const db = await PgliteDatabase.open({ dataDir });
  try {
    if (template === undefined) {
      for (const statement of SETTINGS) await db.query(statement);
    } else {
      await template.prepare(db);
    }
  } finally {
    await db.close();
  }
}

async function isCluster(dir: string): Promise<boolean> {
  return (await stat(join(dir, 'PG_VERSION')).catch(() => undefined)) !== undefined;
}

/** Whether `dir` is built; if so it is marked used, so the clean-up of unused directories spares it. */
async function found(dir: string): Promise<boolean> {
  if (!(await isCluster(dir))) return false;
  const now = new Date();
  await utimes(dir, now, now).catch(() => {});
  return true;
}

/** Half-built copies of `dir` left by builders that died (only the lock holder builds). */
async function forgetBuilding(dir: string): Promise<void> {
  const prefix = `${basename(dir)}.building-`;
  for (const name of await readdir(dirname(dir))) {
    if (name.startsWith(prefix)) await rm(join(dirname(dir), name), { recursive: true, force: true });
  }
}

/** The installed version of `pkg`, or null. */
async function versionOf(pkg: string): Promise<string | null> {
  const path = findPackageJSON(pkg, import.meta.url);
  return path === undefined
    ? null
    : (JSON.parse(await readFile(path, 'utf8')) as { version: string }).version;
}
