/**
 * Many `dir:` images under one root, the way `skopeo sync --dest dir` lays them out and `--src dir`
 * finds them: one image directory per tag, named `<repository>:<tag>` (or `<repository>@<digest>`),
 * found by walking the root for directories that hold a `manifest.json` (skopeo sync.go
 * `imagesToCopyFromDir`; the walk does not descend into an image directory).
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isErrno } from './file-lock.ts';
import { IMAGE_DIR_MANIFEST } from './image-dir.ts';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';

export interface FoundImageDir {
  readonly path: string;
  /** Relative to the root with "/" separators; '' when the root itself is the image. */
  readonly relative: string;
}

/** Image directories under `root`, in lexical order. */
export async function findImageDirs(root: string): Promise<FoundImageDir[]> {
  const base = resolve(root);
  const found: FoundImageDir[] = [];
  const walk = async (dir: string, relative: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (cause) {
      if (relative === '' && (isErrno(cause, 'ENOENT') || isErrno(cause, 'ENOTDIR'))) {
        throw new LayoutError(LayoutErrorCode.NotAnImageDir, base, `${base} is not a directory`, { cause });
      }
      throw cause;
    }
    if (entries.some((e) => e.isFile() && e.name === IMAGE_DIR_MANIFEST)) {
      found.push({ path: dir, relative });
      return;
    }
    const subdirs = entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.ferry-'))
      .map((e) => e.name);
    for (const name of subdirs.sort())
      await walk(join(dir, name), relative === '' ? name : `${relative}/${name}`);
  };
  await walk(base, '');
  return found;
}

/** The directory name of an image: `<repository>:<tag>`, or `<repository>@<digest>` without a tag. */
export function imageDirName(repository: string, reference: string): string {
  return reference.includes(':') ? `${repository}@${reference}` : `${repository}:${reference}`;
}

/**
 * Split an image directory's path into repository and reference: `team/app:v1` → (`team/app`, `v1`),
 * `app@sha256:…` → (`app`, digest); no tag means `latest`, as skopeo's `docker://DEST/NAME` would.
 */
export function parseImageDirName(path: string): { repository: string; reference: string } {
  const slash = path.lastIndexOf('/');
  const last = path.slice(slash + 1);
  const at = last.indexOf('@');
  const colon = last.indexOf(':');
  const cut = at !== -1 ? at : colon;
  if (cut === -1) return { repository: path, reference: 'latest' };
  return { repository: path.slice(0, slash + 1) + last.slice(0, cut), reference: last.slice(cut + 1) };
}
