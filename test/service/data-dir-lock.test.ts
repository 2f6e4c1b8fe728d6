/**
 * The embedded store's data-directory lock with real processes: ferry as PID 1 of a fresh PID namespace
 * (`unshare --pid --fork --mount-proc`, as in a container) killed with SIGKILL and started again; a
 * second live process refused; two processes racing to start. Each process takes the lock through the
 * real module and reports "locked" or the refusal.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const LOCK_MODULE = fileURLToPath(new URL('../../src/service/store/data-dir-lock.ts', import.meta.url));
const root = await mkdtemp(join(tmpdir(), 'ferry-lock-'));
after(() => rm(root, { recursive: true, force: true }));

/** Short heartbeat and staleness so the other-namespace path is quick to exercise. */
const HOLDER = `
const { acquireDataDirLock } = await import(${JSON.stringify(LOCK_MODULE)});
try {
  await acquireDataDirLock(process.argv[1], { heartbeatMs: 200, staleAfterMs: 1000, waitMs: 5000 });
  process.stdout.write('locked\\n');
  setInterval(() => {}, 1 << 30);
} catch (err) {
  process.stdout.write('refused: ' + err.message + '\\n');
  process.exit(3);
}`;

interface Holder {
  readonly child: ChildProcess;
  /** Resolves with the first line the process printed. */
  readonly firstLine: Promise<string>;
}

function startHolder(dataDir: string, pidNamespace: boolean): Holder {
  const node = process.execPath;
  const args = ['--input-type=module', '-e', HOLDER, dataDir];
  const child = pidNamespace
    ? spawn('unshare', ['--pid', '--fork', '--mount-proc', node, ...args], { detached: true })
    : spawn(node, args, { detached: true });
  const firstLine = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.on('error', reject);
    child.on('exit', () => resolve(out.split('\n')[0] ?? ''));
  });
  child.stderr?.resume();
  return { child, firstLine };
}

/** SIGKILL the whole process group (unshare and the namespace's PID 1). */
async function killHard(holder: Holder): Promise<void> {
  const { child } = holder;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

describe('data directory lock with real processes', () => {
  test('ferry as PID 1 of a fresh PID namespace, killed with SIGKILL, comes back (three times)', async () => {
    const dataDir = join(root, 'pid1');
    for (let round = 0; round < 3; round++) {
      const holder = startHolder(dataDir, true);
      try {
        assert.equal(await holder.firstLine, 'locked', `round ${round}`);
        const text = (await readFile(join(dataDir, 'ferry.lock'), 'utf8')).trim();
        const pid = /^\d+$/.test(text) ? Number(text) : (JSON.parse(text) as { pid: number }).pid;
        assert.equal(pid, 1, 'the holder is PID 1 of its namespace');
      } finally {
        // Also when an assertion failed: a holder left running keeps this file's process alive.
        await killHard(holder);
      }
    }
  });

  test('a second live process is refused, in the same namespace or another; the first keeps the lock', async () => {
    const dataDir = join(root, 'live');
    const first = startHolder(dataDir, false);
    after(() => killHard(first));
    assert.equal(await first.firstLine, 'locked');
    const same = startHolder(dataDir, false);
    assert.match(await same.firstLine, /^refused: data dir .* is in use by process \d+/);
    // From another PID namespace the first cannot be looked up; its heartbeat keeps it held.
    const other = startHolder(dataDir, true);
    assert.match(await other.firstLine, /^refused: data dir .* is in use: .*still refreshed after 5 s/);
  });

  test('two processes racing to start on one data dir: exactly one gets it', async () => {
    for (let round = 0; round < 3; round++) {
      const dataDir = join(root, `race-${round}`);
      const racers = [startHolder(dataDir, false), startHolder(dataDir, false)];
      try {
        const lines = await Promise.all(racers.map((r) => r.firstLine));
        assert.equal(lines.filter((l) => l === 'locked').length, 1, lines.join(' | '));
      } finally {
        await Promise.all(racers.map(killHard));
      }
    }
  });
});
