import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { hasCode } from '../../errors/index.ts';
import { PgliteDatabase } from './pglite-database.ts';
import { PgliteEngineError } from './pglite-engine.ts';
import { PgliteThread } from './pglite-thread-client.ts';
import { StoreErrorCode } from './store-error.ts';
import { pgliteTestBackend } from './test-backends.ts';

const backend = pgliteTestBackend();
after(() => backend.dispose());

test('statements run in the thread: values, types and PostgreSQL errors come back intact', async (t) => {
  const thread = await PgliteThread.open({ dataDir: await backend.dataDir() });
  t.after(() => thread.close());
  const { rows } = await thread.query<Record<string, unknown>>(
    "SELECT 5::int8 AS big, $1::timestamptz AS at, $2::jsonb AS doc, $3::text[] AS list, '\\x0102'::bytea AS raw",
    [new Date('2026-01-02T03:04:05.000Z'), JSON.stringify({ a: [1, 'b'] }), ['x', 'y']],
  );
  assert.deepEqual(rows, [
    {
      big: 5,
      at: new Date('2026-01-02T03:04:05.000Z'),
      doc: { a: [1, 'b'] },
      list: ['x', 'y'],
      raw: new Uint8Array([1, 2]),
    },
  ]);
  await thread.exec('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1);');
  const failed = await thread.query('INSERT INTO t VALUES (1)').catch((err: unknown) => err);
  assert.ok(failed instanceof PgliteEngineError);
  assert.equal(failed.code, '23505');
  assert.equal(failed.constraint, 't_pkey');
  assert.match(failed.message, /duplicate key/);
  const results = await thread.exec('SELECT 1 AS a; SELECT 2 AS b');
  assert.deepEqual(
    results.map((r) => r.rows),
    [[{ a: 1 }], [{ b: 2 }]],
  );
});

test('notifications reach listeners until they unlisten', async (t) => {
  const thread = await PgliteThread.open({ dataDir: await backend.dataDir() });
  t.after(() => thread.close());
  const got: string[] = [];
  const unlisten = await thread.listen('ch', (payload) => got.push(payload));
  await thread.query("SELECT pg_notify('ch', 'one')");
  await thread.query("SELECT pg_notify('other', 'x')");
  await unlisten();
  await thread.query("SELECT pg_notify('ch', 'two')");
  await thread.query('SELECT 1');
  assert.deepEqual(got, ['one']);
});

test('a thread that dies fails what is outstanding and everything after, as unavailable', async () => {
  const entry = new URL('./pglite-thread-fixture.ts', import.meta.url);
  const thread = await PgliteThread.open({ dataDir: await backend.dataDir() }, { entry });
  assert.deepEqual((await thread.query('SELECT 1')).rows, [{ '?column?': 1 }]);
  const unavailable = (err: unknown) =>
    hasCode(err, StoreErrorCode.Unavailable) && /exited with code 7/.test(String(err));
  await assert.rejects(thread.query('SELECT 2'), unavailable);
  await assert.rejects(thread.query('SELECT 1'), unavailable);
  await thread.close();
  assert.equal(thread.closed, true);
});

test('closing settles everything: calls in flight finish, calls during the close fail at once', async () => {
  const thread = await PgliteThread.open({ dataDir: await backend.dataDir() });
  const inFlight = thread.query<{ n: number }>('SELECT 1 AS n');
  const closing = thread.close();
  const during = thread.query('SELECT 2');
  const again = thread.close();
  await assert.rejects(during, (err) => hasCode(err, StoreErrorCode.Unavailable));
  assert.deepEqual((await inFlight).rows, [{ n: 1 }]);
  await closing;
  await again;
  assert.equal(thread.closed, true);
  await assert.rejects(thread.exec('SELECT 3'), (err) => hasCode(err, StoreErrorCode.Unavailable));
});

test('calls after close are refused; close is idempotent', async () => {
  const db = await PgliteDatabase.open({ dataDir: await backend.dataDir() });
  await db.close();
  await db.close();
  await assert.rejects(db.query('SELECT 1'), (err) => hasCode(err, StoreErrorCode.Unavailable));
});

test('an open database does not keep the process alive; a statement in flight does', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-thread-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const module = fileURLToPath(new URL('./pglite-database.ts', import.meta.url));
  const script = join(dir, 'script.mjs');
  // Never closed: the process must still end once the answer is in.
  await writeFile(
    script,
    `const { PgliteDatabase } = await import(${JSON.stringify(module)});
     const db = await PgliteDatabase.open({ dataDir: ${JSON.stringify(await backend.dataDir())} });
     const { rows } = await db.query('SELECT 42 AS answer');
     process.stdout.write(String(rows[0].answer));`,
  );
  const run = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.error, undefined, 'the process exited by itself');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '42');
});
