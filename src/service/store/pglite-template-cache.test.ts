import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DirTemplate, PgliteTemplateCache } from './pglite-template-cache.ts';

/*
 * The cache's build lock and its directory handling, with a stand-in for the build (a real initdb is
 * ~10 CPU seconds; the unit run exercises the real one). The stand-in records who built what in a log
 * shared by this process and the child processes that stand for other test processes.
 */

// Not awaited here: in the unit run a file with top-level await is registered after the others.
const work = mkdtemp(join(tmpdir(), 'ferry-template-cache-test-'));
after(async () => rm(await work, { recursive: true, force: true }));
let counter = 0;

/** A fresh cache root and the build log beside it. */
async function place(): Promise<{ root: string; log: string }> {
  const base = join(await work, `case-${++counter}`);
  await mkdir(base);
  return { root: join(base, 'cache'), log: join(base, 'builds.log') };
}

/**
 * Stands in for PGlite: the "initdb" makes a directory with PG_VERSION (what the cache checks), each
 * template adds a file named after it to its copy of the base.
 */
async function standIn(log: string, dataDir: string, template: DirTemplate | undefined): Promise<void> {
  await appendFile(log, `${process.pid} ${template?.name ?? 'empty'}\n`);
  if (template === undefined) {
    await mkdir(dataDir);
    await writeFile(join(dataDir, 'PG_VERSION'), '17\n');
  } else {
    await writeFile(join(dataDir, template.name), '');
  }
}

const builds = async (log: string) =>
  (await readFile(log, 'utf8').catch(() => ''))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [pid, name] = line.split(' ');
      return { pid: Number(pid), name };
    });

const template = (name: string, extra: Partial<DirTemplate> = {}): DirTemplate => ({
  name,
  async prepare() {},
  ...extra,
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Another test process: a node running `body` with `cache` (a PgliteTemplateCache on `root` whose build
 * runs `initialize`) and `standIn` in scope.
 */
function otherProcess(root: string, log: string, initialize: string, body: string) {
  const code = `
    import { appendFile, mkdir, stat, writeFile } from 'node:fs/promises';
    import { join } from 'node:path';
    import { setTimeout as sleep } from 'node:timers/promises';
    import { PgliteTemplateCache } from ${JSON.stringify(new URL('./pglite-template-cache.ts', import.meta.url).href)};
    const log = ${JSON.stringify(log)};
    ${standIn.toString()}
    const cache = new PgliteTemplateCache(${JSON.stringify(root)}, {
      initialize: async (dataDir, template) => { ${initialize} },
    });
    ${body}
  `;
  return spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

test('a process wanting a template another process is building waits for that build instead of repeating it', async (t) => {
  const { root, log } = await place();
  const holding = join(root, '..', 'holding');
  const go = join(root, '..', 'go');
  // The other process holds the build lock until told to go on.
  const builder = otherProcess(
    root,
    log,
    `await writeFile(${JSON.stringify(holding)}, '');
     while (!(await stat(${JSON.stringify(go)}).catch(() => undefined))) await sleep(10);
     await standIn(log, dataDir, template);`,
    'process.stdout.write(await cache.dir());',
  );
  t.after(() => builder.kill());
  let built = '';
  builder.stdout.on('data', (chunk: Buffer) => {
    built += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => builder.on('exit', resolve));
  await until(() => exists(holding), 'the other process to start building');

  let waited = false;
  const cache = new PgliteTemplateCache(root, {
    pollMs: 10,
    waiting: () => {
      waited = true;
      // Only now, with this process known to be waiting, may the other one finish.
      writeFile(go, '').catch(() => {});
    },
    initialize: (dataDir, t) => standIn(log, dataDir, t),
  });
  const dir = await cache.dir();
  // Had this process not waited (a broken lock), the other one still finishes.
  await writeFile(go, '');
  assert.equal(await exited, 0);
  assert.equal(waited, true);
  assert.equal(dir, built);
  assert.deepEqual(await builds(log), [{ pid: builder.pid, name: 'empty' }]);
  assert.equal(await exists(join(dir, 'PG_VERSION')), true);
});

test('a builder that died mid-build: its lock is taken over and its half-built copy never used or kept', async () => {
  const { root, log } = await place();
  const crashed = otherProcess(
    root,
    log,
    `await standIn(log, dataDir, template); await writeFile(join(dataDir, 'half'), ''); process.exit(3);`,
    'await cache.dir();',
  );
  assert.equal(await new Promise((resolve) => crashed.on('exit', resolve)), 3);
  const left = await readdir(root);
  assert.ok(
    left.some((name) => name.includes('.building-')),
    `a half-built copy is left: ${left}`,
  );

  let waited = false;
  const cache = new PgliteTemplateCache(root, {
    waiting: () => {
      waited = true;
    },
    initialize: (dataDir, t) => standIn(log, dataDir, t),
  });
  const dir = await cache.dir();
  assert.equal(waited, false, 'a dead holder is not waited for');
  assert.deepEqual(await readdir(dir), ['PG_VERSION']);
  assert.deepEqual(
    (await readdir(root)).filter((name) => name.includes('.building-')),
    [],
  );
  assert.deepEqual(await builds(log), [
    { pid: crashed.pid, name: 'empty' },
    { pid: process.pid, name: 'empty' },
  ]);
});

test('a failed build leaves nothing under the final name, holds no lock, and the next call builds again', async () => {
  const { root, log } = await place();
  let fail = true;
  let waited = false;
  const cache = new PgliteTemplateCache(root, {
    waiting: () => {
      waited = true;
    },
    initialize: async (dataDir, t) => {
      await standIn(log, dataDir, t);
      if (t !== undefined && fail) throw new Error('migration failed');
    },
  });
  const broken = template('broken');
  await assert.rejects(cache.dir(broken), /migration failed/);
  assert.deepEqual(
    (await readdir(root)).filter((name) => name.startsWith('broken-') && !name.endsWith('.lock')),
    [],
  );
  fail = false;
  const dir = await cache.dir(broken);
  assert.equal(waited, false);
  assert.deepEqual((await readdir(dir)).sort(), ['PG_VERSION', 'broken']);
});

test('a derived template starts from a copy of its base; a change to either makes a new directory', async () => {
  const { root, log } = await place();
  const cache = new PgliteTemplateCache(root, { initialize: (dataDir, t) => standIn(log, dataDir, t) });
  const v1 = template('schema', { inputs: { version: 1 } });
  const v2 = template('schema', { inputs: { version: 2 } });
  const onV1 = template('data', { base: v1 });
  const onV2 = template('data', { base: v2 });

  const derived = await cache.dir(onV1);
  assert.deepEqual((await readdir(derived)).sort(), ['PG_VERSION', 'data', 'schema']);
  assert.notEqual(await cache.dir(v2), await cache.dir(v1));
  assert.notEqual(await cache.dir(onV2), derived);
  const changedPrepare = template('data', {
    base: v1,
    async prepare() {
      // another body: another key
    },
  });
  assert.notEqual(await cache.dir(changedPrepare), derived);
  // Each built once, however often asked for; a new cache (another process) finds them all.
  const again = new PgliteTemplateCache(root, {
    initialize: () => Promise.reject(new Error('built again')),
  });
  assert.equal(await again.dir(onV1), derived);
  assert.deepEqual(
    (await builds(log)).map((b) => b.name),
    ['empty', 'schema', 'data', 'schema', 'data', 'data'],
  );
});
