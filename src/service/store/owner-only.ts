/**
 * The embedded store's data directory holds every promotion, approval and audit event: readable by its
 * owner only. PGlite's file system layer creates files with mode 0666 minus the process umask, which in
 * many containers is 0 (an observed data dir had 0666 files), so ferry does not rely on the umask: the
 * directory is made 0700 (nothing inside is reachable by others, whatever the files' modes) and the
 * group/other bits are removed from everything in it when the store opens and when it closes.
 *
 * Best effort: a file that vanished meanwhile (PostgreSQL removes WAL segments) is skipped, and so is
 * an entry ferry does not own (EPERM): on OpenShift a volume's root directory typically belongs to root
 * and the fsGroup while ferry runs as an arbitrary UID, and refusing to start there would help nobody;
 * the files ferry creates are its own and are restricted.
 */
import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const GROUP_OTHER = 0o077;

export async function restrictToOwner(dir: string): Promise<void> {
  try {
    await chmod(dir, 0o700);
  } catch (err) {
    if (!isGone(err) && !notOurs(err)) throw err;
  }
  await sweep(dir);
}

async function sweep(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isGone(err)) return;
    throw err;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const stats = await lstat(path);
      // Never follow a link: chmod would change its target, possibly outside the data dir.
      if (stats.isSymbolicLink()) continue;
      if ((stats.mode & GROUP_OTHER) !== 0) await chmod(path, stats.mode & 0o7700);
      if (stats.isDirectory()) await sweep(path);
    } catch (err) {
      if (!isGone(err) && !notOurs(err)) throw err;
    }
  }
}

function notOurs(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'EPERM';
}

function isGone(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}
