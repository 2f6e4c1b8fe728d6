import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstat, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hasCode } from '../../errors/index.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/migration-list.ts';
import { PgliteDatabase } from './pglite-database.ts';
import { storeSuite } from './store.suite.ts';
import { StoreErrorCode } from './store-error.ts';
import { pgliteTestBackend } from './test-backends.ts';

const backend = pgliteTestBackend();
after(() => backend.dispose());
storeSuite(backend);

test('a data dir is opened by one engine at a time; a dead owner’s lock is taken over', async (t) => {
  const { db } = await backend.fresh();
  t.after(() => db.close());
  assert.ok(db.kind === 'pglite' && db.dataDir);
  const { dataDir } = db;
  await assert.rejects(
    PgliteDatabase.open({ dataDir }),
    (err) => hasCode(err, StoreErrorCode.Unavailable) && /in use by process/.test(String(err)),
  );
  await db.close();

  // A lock left behind by a process that has exited.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  await writeFile(join(dataDir, 'ferry.lock'), `${dead.stdout}\n`);
  const reopened = await PgliteDatabase.open({ dataDir });
  await reopened.close();
});

// One test for both: each first open is an initdb, 8–12 CPU seconds in WebAssembly.
test('a fresh data dir is created on first open, owner-only even under umask 0, and migrates', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'ferry-store-newdir-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dataDir = join(root, 'nested', 'data');
  // Containers often run with umask 0: PGlite then creates its files 0666.
  const previous = process.umask(0);
  t.after(() => process.umask(previous));
  const db = await PgliteDatabase.open({ dataDir });
  assert.deepEqual((await migrate(db)).version, MIGRATIONS.at(-1)!.version);
  const loose = async () => {
    const found: string[] = [];
    for (const entry of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      if (!entry.isSymbolicLink() && ((await lstat(path)).mode & 0o077) !== 0) found.push(path);
    }
    return found;
  };
  assert.equal((await stat(dataDir)).mode & 0o777, 0o700);
  assert.deepEqual(await loose(), []);
  // A file created while the store runs (as PostgreSQL does with WAL segments) is restricted at close.
  await writeFile(join(dataDir, 'late-file'), 'x', { mode: 0o666 });
  assert.notDeepEqual(await loose(), []);
  await db.close();
  assert.deepEqual(await loose(), []);
});
