import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreError, StoreErrorCode } from './store-error.ts';

export interface DataDirLock {
  release(): Promise<void>;
}

const LOCK_FILE = 'ferry.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite does not lock its data directory: two engines on one directory (two `ferry serve`, or a second
 * open in the same process) both write and corrupt it. A pid file taken with O_EXCL prevents that; a
 * lock left by a process that no longer exists is taken over. Local disks only — a pid means nothing
 * across hosts sharing a network file system.
 */
export async function acquireDataDirLock(dataDir: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  for (let round = 0; round < 2; round++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await unlink(path).catch(() => {});
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new StoreError(StoreErrorCode.Unavailable, `cannot lock data dir ${dataDir}: ${String(err)}`, {
          cause: err,
        });
      }
    }
    const owner = Number.parseInt((await readFile(path, 'utf8').catch(() => '')).trim(), 10);
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new StoreError(
        StoreErrorCode.Unavailable,
        `data dir ${dataDir} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}; ` +
          `if no ferry is running there, delete ${path}`,
      );
    }
    // Stale (its process is gone) or unreadable: take it over.
    await unlink(path).catch(() => {});
  }
  throw new StoreError(
    StoreErrorCode.Unavailable,
    `cannot lock data dir ${dataDir}: lock file keeps reappearing`,
  );
}
