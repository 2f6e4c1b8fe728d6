/**
 * Writing a `dir:` destination so that a failed copy never leaves a half-written image. skopeo writes
 * in place (directory_dest.go `newImageDestination` empties an existing image directory first, so a
 * failure loses the old image and leaves a partial one); ferry builds the new image in a sibling temp
 * directory and swaps it in on `commit()`.
 *
 * The checks are skopeo's: a missing directory is created (its parent must exist: containers/image
 * resolves the path with `explicitfilepath.ResolvePathToFullyExplicit`); an empty one is used; a
 * non-empty one is replaced only if its `version` file holds exactly the dir: transport version,
 * otherwise it is refused ("not a containers image directory, don't want to overwrite important data").
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { resolveWriteTarget, syncDirectory } from './atomic-write.ts';
import { isErrno } from './file-lock.ts';
import { IMAGE_DIR_VERSION, IMAGE_DIR_VERSION_FILE, ImageDir } from './image-dir.ts';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';

export class ImageDirWriter {
  /** The directory being written (the temp sibling until `commit()`). */
  readonly dir: ImageDir;
  readonly target: string;

  private constructor(target: string, staging: string) {
    this.target = target;
    this.dir = new ImageDir(staging);
  }

  static async create(path: string): Promise<ImageDirWriter> {
    // Through a symbolic link, the directory it names is the one replaced (the link stays), as
    // skopeo writes into the resolved path.
    const target = await resolveWriteTarget(resolve(path));
    await checkReplaceable(target);
    const staging = join(dirname(target), `.${basename(target)}.ferry-tmp-${randomBytes(6).toString('hex')}`);
    try {
      await mkdir(staging);
    } catch (cause) {
      if (isErrno(cause, 'ENOENT')) {
        throw new LayoutError(LayoutErrorCode.NotAnImageDir, target, `${dirname(target)} does not exist`, {
          cause,
        });
      }
      throw cause;
    }
    try {
      await writeFile(join(staging, IMAGE_DIR_VERSION_FILE), IMAGE_DIR_VERSION, { mode: 0o644 });
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
    return new ImageDirWriter(target, staging);
  }

  /**
   * Put the new image in place. An existing target is checked again (it may have changed since
   * `create`), moved aside, replaced by the finished directory, then removed.
   */
  async commit(): Promise<void> {
    try {
      await syncDirectory(this.dir.path);
      const exists = await checkReplaceable(this.target);
      if (exists) {
        const aside = join(
          dirname(this.target),
          `.${basename(this.target)}.ferry-old-${randomBytes(6).toString('hex')}`,
        );
        await rename(this.target, aside);
        try {
          await rename(this.dir.path, this.target);
        } catch (err) {
          await rename(aside, this.target).catch(() => undefined);
          throw err;
        }
        await rm(aside, { recursive: true, force: true });
      } else {
        await rename(this.dir.path, this.target);
      }
      await syncDirectory(dirname(this.target));
    } finally {
      await this.discard();
    }
  }

  /** Remove the temp directory (after `commit()` it no longer exists: a no-op). */
  discard(): Promise<void> {
    return rm(this.dir.path, { recursive: true, force: true });
  }
}

/** True when `target` exists and may be replaced, false when absent; throws when it must be kept. */
async function checkReplaceable(target: string): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir(target);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    if (isErrno(err, 'ENOTDIR')) {
      throw new LayoutError(
        LayoutErrorCode.NotAnImageDir,
        target,
        `${target} exists and is not a directory`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
  if (entries.length === 0) return true;
  let version: string | undefined;
  try {
    const file = join(target, IMAGE_DIR_VERSION_FILE);
    if ((await stat(file)).isFile()) version = await readFile(file, 'utf8');
  } catch (err) {
    if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
  }
  if (version !== IMAGE_DIR_VERSION) {
    throw new LayoutError(
      LayoutErrorCode.NotAnImageDir,
      target,
      `${target} is not empty and is not a containers image directory (no "${IMAGE_DIR_VERSION_FILE}" file of the dir: transport); refusing to overwrite it`,
    );
  }
  return true;
}
