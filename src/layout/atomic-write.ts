/**
 * Replace a file so readers see either the old or the new content, never a torn write: write a temp
 * file in the same directory (rename is only atomic within one filesystem), fsync it, rename over the
 * target, then fsync the directory so the rename itself survives a crash.
 */
import { randomBytes } from 'node:crypto';
import { link, open, realpath, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A complete, fsynced temp file beside `path` (same directory, so rename/link stay atomic). */
async function writeSyncedTemp(path: string, data: Uint8Array | string): Promise<string> {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
  const fh = await open(tmp, 'wx', 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await fh.close();
  return tmp;
}

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = await writeSyncedTemp(path, data);
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDirectory(dirname(path));
}

/** fsync a directory so a rename/create in it is durable. Best effort: some filesystems refuse it. */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // EINVAL/EISDIR on filesystems that cannot fsync directories; durability is then up to the OS.
  }
}

/**
 * Create `path` with `data` unless it already exists, atomically: the complete temp file is
 * hard-linked into place, and link(2) fails rather than replacing a file another writer created
 * (a plain rename could overwrite an index.json that was already tagged).
 */
export async function createFileIfAbsent(path: string, data: Uint8Array | string): Promise<boolean> {
  const tmp = await writeSyncedTemp(path, data);
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'EEXIST') return false;
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Where a write-aside-then-rename of `path` must happen: through a symbolic link, at the file or
 * directory it names (renaming onto the link would replace the link, not its target); for a path that
 * does not exist yet, in its parent's real directory. A missing parent is left for the caller to report.
 */
export async function resolveWriteTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    if (!(typeof err === 'object' && err !== null && 'code' in err && err.code === 'ENOENT')) throw err;
    try {
      return join(await realpath(dirname(path)), basename(path));
    } catch {
      return path;
    }
  }
}
