import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { findPackageJSON } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MIGRATIONS } from './migrations/migration-list.ts';
import { PgliteDatabase } from './pglite-database.ts';

/*
 * Test support (not used by ferry itself): PGlite data directories prepared once per machine and
 * reused by every test process until what they depend on changes.
 *
 * Why: a PGlite initdb costs 8–12 CPU seconds in WebAssembly and ferry's migrations a few more. Each
 * test file runs in its own process, so a per-process template still paid that in every file that opens
 * an embedded database — ~250 of the unit run's ~480 CPU seconds. Copying a finished cluster (cp -a,
 * ~40 MB) costs ~0.1 s.
 */

/** A prepared data directory: what `prepare` leaves in a migrated-or-not cluster. */
export interface DirTemplate {
  /** Names the directory; must be unique among templates with different `prepare`s. */
  readonly name: string;
  /**
   * Anything `prepare` reads besides ferry's migrations and the PGlite and pg-boss versions (which every
   * key includes), as JSON: a change makes a new directory instead of reusing a stale one.
   */
  readonly inputs?: unknown;
  prepare(db: PgliteDatabase): Promise<void>;
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
  readonly #building = new Map<string, Promise<string>>();

  /** `root`: where the directories live; default a per-user directory under the OS temp dir. */
  constructor(root = join(tmpdir(), `ferry-pglite-templates-${process.getuid?.() ?? 'user'}`)) {
    this.#root = root;
  }

  /**
   * The directory holding `template` (initdb only when omitted). Read-only for callers: copy it with
   * `copyTo` before opening, since an engine writes to its data directory.
   */
  dir(template?: DirTemplate): Promise<string> {
    const name = template?.name ?? 'empty';
    let dir = this.#building.get(name);
    if (dir === undefined) {
      dir = this.#find(template);
      this.#building.set(name, dir);
      // A failed build is retried by the next caller rather than remembered.
      dir.catch(() => this.#building.delete(name));
    }
    return dir;
  }

  /** A new data directory at `target` holding `template`, ready to open. */
  async copyTo(target: string, template?: DirTemplate): Promise<void> {
    // cp(1) copies the ~40 MB cluster five times faster than fs.cp.
    await run('cp', ['-a', await this.dir(template), target]);
  }

  async #find(template: DirTemplate | undefined): Promise<string> {
    const dir = join(
      this.#root,
      `${(template?.name ?? 'empty').replace(/[^a-z0-9-]/gi, '_')}-${await key(template)}`,
    );
    if (await isCluster(dir)) {
      // Marks it used, so the clean-up below spares it.
      const now = new Date();
      await utimes(dir, now, now).catch(() => {});
      return dir;
    }
    await mkdir(this.#root, { recursive: true, mode: 0o700 });
    await this.#forgetUnused();
    // Built beside its final place and renamed into it: a directory under its final name is complete.
    // Two processes starting at once may both build; the second rename fails and its copy is dropped.
    const building = `${dir}.building-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      if (template === undefined) {
        const db = await PgliteDatabase.open({ dataDir: building });
        try {
          for (const statement of SETTINGS) await db.query(statement);
        } finally {
          await db.close();
        }
      } else {
        await this.copyTo(building);
        const db = await PgliteDatabase.open({ dataDir: building });
        try {
          await template.prepare(db);
        } finally {
          await db.close();
        }
      }
      await rename(building, dir).catch(async (err: unknown) => {
        if (!(await isCluster(dir))) throw err;
      });
      return dir;
    } finally {
      await rm(building, { recursive: true, force: true });
    }
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

async function isCluster(dir: string): Promise<boolean> {
  return (await stat(join(dir, 'PG_VERSION')).catch(() => undefined)) !== undefined;
}

/** Everything a cached directory's content depends on, hashed. */
async function key(template: DirTemplate | undefined): Promise<string> {
  const versionOf = async (pkg: string) => {
    const path = findPackageJSON(pkg, import.meta.url);
    return path === undefined
      ? null
      : (JSON.parse(await readFile(path, 'utf8')) as { version: string }).version;
  };
  const inputs = {
    pglite: await versionOf('@electric-sql/pglite'),
    pgBoss: await versionOf('pg-boss'),
    settings: SETTINGS,
    migrations: MIGRATIONS,
    template:
      template === undefined ? null : { prepare: template.prepare.toString(), inputs: template.inputs },
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
}
