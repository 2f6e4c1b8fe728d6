import { randomBytes } from 'node:crypto';
import {
  link,
  mkdir,
  open,
  readFile,
  readlink,
  rename,
  stat,
  unlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { judgeLock, type LockHolder, type LockVerdict, parseHolder } from './lock-holder.ts';
import { StoreError, StoreErrorCode } from './store-error.ts';

export interface DataDirLock {
  release(): Promise<void>;
}

export interface DataDirLockOptions {
  /** How often the holder refreshes the lock file's mtime. Default 5 s. */
  readonly heartbeatMs?: number | undefined;
  /** A lock held from another PID namespace is stale after this long without a refresh. Default 15 s. */
  readonly staleAfterMs?: number | undefined;
  /** How long to wait for such a lock to go stale before refusing. Default staleAfterMs + 5 s. */
  readonly waitMs?: number | undefined;
}

const LOCK_FILE = 'ferry.lock';

/**
 * PGlite does not lock its data directory: two engines on one directory (two `ferry serve`, or a second
 * open in the same process) both write and corrupt it. The lock file is created with O_EXCL and names
 * its holder by pid, pid start time, boot id and PID namespace (see lock-holder.ts), refreshed by a
 * heartbeat. A lock whose holder is provably gone (rebooted, exited, pid reused — including a restart as
 * PID 1 after `kill -9`) is taken over at once; one held from another PID namespace (a restarted
 * container, whose old namespace is gone) once its heartbeat stops, after waiting up to `waitMs`. A live
 * holder is always refused. Local disks only: a pid means nothing across hosts sharing a network file
 * system, where the heartbeat alone decides.
 */
export async function acquireDataDirLock(
  dataDir: string,
  options: DataDirLockOptions = {},
): Promise<DataDirLock> {
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const staleAfterMs = options.staleAfterMs ?? 15_000;
  const waitMs = options.waitMs ?? staleAfterMs + 5_000;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, LOCK_FILE);
  const self = await currentHolder();
  const record = `${JSON.stringify(self)}\n`;
  const started = Date.now();
  for (let round = 0; round < 50; round++) {
    if (await createExclusive(path, record, dataDir)) return holding(path, heartbeatMs);
    const text = await readFile(path, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile: try again
    const verdict = await judge(path, text, self, staleAfterMs);
    if (verdict.kind === 'live') {
      throw new StoreError(
        StoreErrorCode.Unavailable,
        `data dir ${dataDir} is in use by ${verdict.reason}; one ferry serve per embedded store (several replicas need PostgreSQL)`,
      );
    }
    if (verdict.kind === 'wait') {
      if (Date.now() - started + verdict.retryInMs > waitMs) {
        throw new StoreError(
          StoreErrorCode.Unavailable,
          `data dir ${dataDir} is in use: ${verdict.reason}; still refreshed after ${Math.round(waitMs / 1000)} s`,
        );
      }
      await sleep(verdict.retryInMs);
      continue;
    }
    await takeOver(path, text);
  }
  throw new StoreError(
    StoreErrorCode.Unavailable,
    `cannot lock data dir ${dataDir}: lock file keeps changing`,
  );
}

/**
 * Creates the lock file with its content, or reports that it exists. The record is written to a file
 * of our own first and hard-linked to the lock's name: link(2) fails with EEXIST when the name exists,
 * so the lock appears whole or not at all. Created with open('wx') and written afterwards, a contender
 * could read it empty in between, judge it unreadable and move it aside while its owner carried on:
 * two holders (seen in test/service/data-dir-lock.test.ts, two processes racing). Where the file
 * system has no hard links, the old way is the fallback, and judgeLock waits on an unreadable lock
 * until it is as old as a stale heartbeat.
 */
async function createExclusive(path: string, record: string, dataDir: string): Promise<boolean> {
  const temp = `${path}.${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(temp, record, { mode: 0o600, flag: 'wx' });
    await link(temp, path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
      return createByOpen(path, record, dataDir);
    }
    throw new StoreError(StoreErrorCode.Unavailable, `cannot lock data dir ${dataDir}: ${String(err)}`, {
      cause: err,
    });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function createByOpen(path: string, record: string, dataDir: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(record);
    } finally {
      await handle.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError(StoreErrorCode.Unavailable, `cannot lock data dir ${dataDir}: ${String(err)}`, {
      cause: err,
    });
  }
}

function holding(path: string, heartbeatMs: number): DataDirLock {
  // The heartbeat says "still here" to a process in another PID namespace that cannot see this pid.
  const beat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  beat.unref();
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      await unlink(path).catch(() => {});
    },
  };
}

/**
 * Remove a stale lock without removing a fresh one: the file is renamed aside (only one contender's
 * rename succeeds) and put back if what was moved is not the lock that was judged stale (another
 * contender took over first and wrote its own).
 */
async function takeOver(path: string, judged: string): Promise<void> {
  const aside = `${path}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== judged) {
    await rename(aside, path).catch(() => undefined);
    return;
  }
  await unlink(aside).catch(() => undefined);
}

async function judge(
  path: string,
  text: string,
  self: LockHolder,
  staleAfterMs: number,
): Promise<LockVerdict> {
  const { holder, legacyPid } = parseHolder(text);
  const info = await stat(path).catch(() => undefined);
  const pid = holder?.pid ?? legacyPid;
  return judgeLock({
    holder,
    legacyPid,
    ageMs: info ? Date.now() - info.mtimeMs : Number.POSITIVE_INFINITY,
    self,
    startTimeNow: pid === undefined ? undefined : await startTimeOf(pid),
    staleAfterMs,
  });
}

async function currentHolder(): Promise<LockHolder> {
  const [startTime, bootId, pidNamespace] = await Promise.all([
    startTimeOf(process.pid),
    readFile('/proc/sys/kernel/random/boot_id', 'utf8').then(
      (s) => s.trim(),
      () => undefined,
    ),
    readlink('/proc/self/ns/pid').catch(() => undefined),
  ]);
  return { pid: process.pid, startTime, bootId, pidNamespace, hostname: hostname() };
}

/** Field 22 of /proc/<pid>/stat (starttime); fields are counted after the `(comm)`, which may hold spaces. */
async function startTimeOf(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "(comm) ", the first field is field 3 (state): starttime (22) is index 19.
  return fields[19];
}
