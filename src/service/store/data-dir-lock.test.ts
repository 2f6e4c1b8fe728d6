import assert from 'node:assert/strict';
import { mkdtemp, readFile, readlink, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { acquireDataDirLock } from './data-dir-lock.ts';

describe('acquireDataDirLock', () => {
  test('a lock file seen empty (its writer between create and write) is waited on, not taken over', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-lock-unit-'));
    try {
      const path = join(dir, 'ferry.lock');
      await writeFile(path, '');
      // The writer fills it in a moment later: a live holder (this very process, as seen from /proc).
      const stat = await readFile(`/proc/${process.pid}/stat`, 'utf8');
      const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
      const pidNamespace = await readlink('/proc/self/ns/pid');
      const bootId = (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();
      const filled = new Promise<void>((resolve) =>
        setTimeout(() => {
          writeFile(
            path,
            JSON.stringify({ pid: process.pid, startTime, bootId, pidNamespace, hostname: hostname() }),
          ).then(resolve, resolve);
        }, 150),
      );
      await assert.rejects(
        acquireDataDirLock(dir, { heartbeatMs: 200, staleAfterMs: 2000, waitMs: 5000 }),
        /is in use by process \d+/,
      );
      await filled;
      // Still the writer's lock: nobody moved it aside.
      assert.match(await readFile(path, 'utf8'), new RegExp(`"pid":${process.pid}`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('an empty lock file older than a stale heartbeat is taken over; the new one is written whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ferry-lock-unit-'));
    try {
      const path = join(dir, 'ferry.lock');
      await writeFile(path, '');
      const old = new Date(Date.now() - 10_000);
      await utimes(path, old, old);
      const lock = await acquireDataDirLock(dir, { heartbeatMs: 200, staleAfterMs: 2000, waitMs: 5000 });
      try {
        assert.equal(JSON.parse(await readFile(path, 'utf8')).pid, process.pid);
      } finally {
        await lock.release();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
