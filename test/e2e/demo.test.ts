import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * The README's demo as CI runs it: `bash scripts/demo.sh --once` (what `npm run demo -- --once` runs):
 * registries, ferry serve, ferry trigger --wait, digests compared, everything stopped again.
 *
 * The demo runs in its own process group, so whatever happens here (a failed assertion, a timeout,
 * this process exiting) the whole group — demo, ferry serve, registries — is killed. Its temp dirs go
 * to a private TMPDIR and are kept (FERRY_RIG_KEEP=1) so that the secrets it generated can be read
 * back and looked for in its output; that TMPDIR is removed afterwards.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Start to finish takes ~5 s; past this the demo is stopped (SIGTERM, then SIGKILL of its group). */
const DEADLINE_MS = 40_000;

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** The demo's config dir: `<TMPDIR>/ferry-rig-rig-*\/ferry` (kept by FERRY_RIG_KEEP=1). */
async function findDemoDir(tmp: string): Promise<string> {
  const rigDirs = (await readdir(tmp)).filter((name) => name.startsWith('ferry-rig-rig-'));
  assert.equal(rigDirs.length, 1, `expected one rig dir in ${tmp}, found ${rigDirs.join(', ')}`);
  return join(tmp, rigDirs[0]!, 'ferry');
}

test('npm run demo -- --once promotes through ferry serve, digests equal, no secret in the output', {
  timeout: 55_000,
}, async (t) => {
  const tmp = await mkdtemp(join(tmpdir(), 'ferry-demo-test-'));
  t.after(() => rm(tmp, { recursive: true, force: true }));

  const started = Date.now();
  const child = spawn('bash', ['scripts/demo.sh', '--once'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: tmp,
      TMPDIR: tmp,
      FERRY_RIG_KEEP: '1',
    },
    detached: true, // its own process group: one kill reaches every child it started
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid!;
  const onExit = () => killGroup(pgid);
  process.once('exit', onExit);
  t.after(() => {
    killGroup(pgid);
    process.off('exit', onExit);
  });

  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const stopTimer = setTimeout(() => {
    child.kill('SIGTERM'); // the demo cleans up on SIGTERM...
    setTimeout(() => killGroup(pgid), 5_000).unref(); // ...or is made to
  }, DEADLINE_MS);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  clearTimeout(stopTimer);
  const output = stdout + stderr;
  t.diagnostic(`demo took ${((Date.now() - started) / 1000).toFixed(1)} s`);

  assert.equal(code, 0, output);
  assert.match(stdout, /^promotion +\S+ succeeded$/m, output);
  const nonprod = /^nonprod +(sha256:[0-9a-f]{64}) /m.exec(stdout)?.[1];
  const prod = /^prod +(sha256:[0-9a-f]{64}) +\(equal digests\)$/m.exec(stdout)?.[1];
  assert.ok(nonprod !== undefined && prod !== undefined, output);
  assert.equal(prod, nonprod);
  assert.ok(!groupAlive(pgid), 'a process the demo started is still running after it exited');

  const dir = await findDemoDir(tmp);
  const config = await readFile(join(dir, 'ferry.yaml'), 'utf8');
  const serveLog = await readFile(join(dir, 'serve.log'), 'utf8');
  for (const name of ['webhook-secret', 'viewer-token', 'prod-password']) {
    const file = join(dir, name);
    assert.equal((await stat(file)).mode & 0o777, 0o600, `${name} is not 0600`);
    const secret = (await readFile(file, 'utf8')).trim();
    assert.ok(secret.length >= 16, `${name} looks too short to be a real secret`);
    assert.ok(!output.includes(secret), `the ${name} value appears in the demo's output`);
    assert.ok(!config.includes(secret), `the ${name} value appears in ferry.yaml`);
    assert.ok(!serveLog.includes(secret), `the ${name} value appears in ferry serve's log`);
  }
});
