/**
 * Exclusive advisory lock between processes (and between async tasks of one process) sharing a
 * layout, so concurrent writers of `index.json` do not lose each other's entries (skopeo#1018: two
 * `skopeo copy … oci:dir:name` at once kept only one name).
 *
 * The lock is a file created with O_CREAT|O_EXCL (`wx`), which is atomic on local filesystems and on
 * NFSv3+. Waiters retry with jittered exponential backoff. A holder that crashed leaves the file
 * behind, so a lock whose mtime is older than `staleMs` is taken over; live holders refresh the
 * mtime (heartbeat on their own file descriptor) so a slow holder is not mistaken for a dead one.
 *
 * Takeover moves the stale file aside with rename and checks it moved the file it judged stale (same
 * inode, still old); if it raced with a fresh holder it puts that lock back with link(2), which never
 * clobbers. A tiny window remains in which a third process could create the lock while the fresh one
 * is aside; it needs a holder to have been stale first, which only happens after a crash.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { type FileHandle, link, open, rename, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';

export interface FileLockOptions {
  /** A lock file not touched for this long belongs to a dead holder. Default 30 s. */
  readonly staleMs?: number | undefined;
  /** Give up waiting after this long. Default 60 s. */
  readonly timeoutMs?: number | undefined;
  /** Path reported in errors (the layout root). Defaults to the lock path. */
  readonly displayPath?: string | undefined;
}

const FIRST_DELAY_MS = 2;
const MAX_DELAY_MS = 100;

/** Run `fn` while holding the lock at `lockPath`; the lock is released however `fn` ends. */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const lock = await acquire(lockPath, options);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

interface HeldLock {
  release(): Promise<void>;
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<HeldLock> {
  const staleMs = options.staleMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  let delay = FIRST_DELAY_MS;
  for (;;) {
    let fh: FileHandle;
    try {
      fh = await open(lockPath, 'wx', 0o644);
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
      const seen = await statOrUndefined(lockPath);
      if (seen === undefined) continue; // released between our open and stat: try again at once
      if (Date.now() - seen.mtimeMs > staleMs) {
        await takeOver(lockPath, seen, staleMs);
        continue;
      }
      if (Date.now() - started > timeoutMs) {
        throw new LayoutError(
          LayoutErrorCode.LockTimeout,
          options.displayPath ?? lockPath,
          `timed out after ${timeoutMs} ms waiting for lock ${lockPath} (another writer holds it; remove the file if no ferry/skopeo process is running)`,
          { temporary: true },
        );
      }
      await sleep(delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, MAX_DELAY_MS);
      continue;
    }
    return hold(lockPath, fh, staleMs);
  }
}

async function hold(lockPath: string, fh: FileHandle, staleMs: number): Promise<HeldLock> {
  try {
    // Who holds it, for a human looking at a lock left behind.
    await fh.writeFile(`${process.pid} ${new Date().toISOString()}\n`);
  } catch {
    // Content is informational only.
  }
  const own = await fh.stat();
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      // futimes on our own descriptor: touches our inode even if the path was taken over meanwhile.
      fh.utimes(now, now).catch(() => {});
    },
    Math.max(10, Math.floor(staleMs / 3)),
  );
  heartbeat.unref();
  return {
    async release(): Promise<void> {
      clearInterval(heartbeat);
      try {
        const current = await statOrUndefined(lockPath);
        // Only remove the lock if it is still ours (it may have been taken over as stale).
        if (current !== undefined && current.ino === own.ino && current.dev === own.dev) {
          await unlink(lockPath).catch((err: unknown) => {
            if (!isErrno(err, 'ENOENT')) throw err;
          });
        }
      } finally {
        await fh.close();
      }
    },
  };
}

async function takeOver(lockPath: string, seen: Stats, staleMs: number): Promise<void> {
  const aside = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return; // someone else took it over or the holder released it
    throw err;
  }
  const moved = await statOrUndefined(aside);
  const sameStaleFile =
    moved !== undefined &&
    moved.ino === seen.ino &&
    moved.dev === seen.dev &&
    Date.now() - moved.mtimeMs > staleMs;
  if (!sameStaleFile && moved !== undefined) {
    // We moved a live lock: put it back without clobbering whatever may be there now.
    await link(aside, lockPath).catch(() => {});
  }
  await unlink(aside).catch(() => {});
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && 'code' in err && err.code === code;
}
