/**
 * `oci-archive:FILE[:NAME]`: an OCI image layout packed in a tar file (containers/image
 * oci/archive). Writing builds a layout in a private temp directory and tars it on `commit()`;
 * reading extracts to a temp directory (refusing path traversal) and opens it as a layout. Either
 * way callers get an ordinary OciLayoutDir, so there is one layout implementation.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { syncDirectory } from './atomic-write.ts';
import { BLOBS_DIR, INDEX_FILE, OCI_LAYOUT_FILE, OciLayoutDir } from './oci-layout-dir.ts';
import { extractTar } from './tar-reader.ts';
import { type TarSourceEntry, writeTar } from './tar-writer.ts';

export interface OciArchiveOptions {
  /** Where the working layout lives; needs room for the whole image set. Default os.tmpdir(). */
  readonly tmpDir?: string | undefined;
}

/** An archive's working layout in a private temp directory; removing it removes everything. */
abstract class ArchiveWorkspace {
  readonly archivePath: string;
  readonly layout: OciLayoutDir;
  readonly #workDir: string;

  protected constructor(archivePath: string, layout: OciLayoutDir, workDir: string) {
    this.archivePath = archivePath;
    this.layout = layout;
    this.#workDir = workDir;
  }

  /** Make a temp dir, build the layout in `<tmp>/layout` with `setUp`; nothing is left behind on failure. */
  protected static async prepare<T>(
    options: OciArchiveOptions,
    setUp: (layoutRoot: string, workDir: string) => Promise<T>,
  ): Promise<T> {
    const workDir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'ferry-oci-archive-'));
    try {
      return await setUp(join(workDir, 'layout'), workDir);
    } catch (err) {
      await rm(workDir, { recursive: true, force: true });
      throw err;
    }
  }

  protected removeWorkDir(): Promise<void> {
    return rm(this.#workDir, { recursive: true, force: true });
  }
}

/** A layout being assembled for an archive. Call `commit()` to write the tar, or `discard()`. */
export class OciArchiveWriter extends ArchiveWorkspace {
  static create(archivePath: string, options: OciArchiveOptions = {}): Promise<OciArchiveWriter> {
    return ArchiveWorkspace.prepare(options, async (root, workDir) => {
      const layout = await OciLayoutDir.open(root, { create: true });
      return new OciArchiveWriter(resolve(archivePath), layout, workDir);
    });
  }

  /** Tar the layout to `archivePath` (atomically replacing it) and remove the working directory. */
  async commit(): Promise<void> {
    try {
      await tarLayout(this.layout.path, this.archivePath);
    } finally {
      await this.discard();
    }
  }

  discard(): Promise<void> {
    return this.removeWorkDir();
  }
}

/** An extracted archive. Call `close()` to remove the extraction directory. */
export class OciArchiveReader extends ArchiveWorkspace {
  static open(archivePath: string, options: OciArchiveOptions = {}): Promise<OciArchiveReader> {
    return ArchiveWorkspace.prepare(options, async (root, workDir) => {
      await mkdir(root);
      await extractTar(resolve(archivePath), root);
      const layout = await OciLayoutDir.open(root);
      return new OciArchiveReader(resolve(archivePath), layout, workDir);
    });
  }

  close(): Promise<void> {
    return this.removeWorkDir();
  }
}

/**
 * Tar the layout at `layoutDir` into `archivePath`: `oci-layout`, `index.json`, then `blobs/` sorted,
 * so equal layouts give byte-identical archives. Only layout content goes in (no temp or lock files).
 * The tar is written next to the target and renamed, so a failed write never leaves a partial archive.
 */
export async function tarLayout(layoutDir: string, archivePath: string): Promise<void> {
  const entries: TarSourceEntry[] = [
    { name: OCI_LAYOUT_FILE, type: 'file' },
    { name: INDEX_FILE, type: 'file' },
    { name: BLOBS_DIR, type: 'directory' },
  ];
  const algorithms = (await readdir(join(layoutDir, BLOBS_DIR), { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const alg of algorithms) {
    entries.push({ name: `${BLOBS_DIR}/${alg}`, type: 'directory' });
    const blobs = (await readdir(join(layoutDir, BLOBS_DIR, alg), { withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => d.name)
      .sort();
    for (const blob of blobs) entries.push({ name: `${BLOBS_DIR}/${alg}/${blob}`, type: 'file' });
  }
  const target = resolve(archivePath);
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    const out = await open(tmp, 'wx', 0o644);
    try {
      await writeTar(out, layoutDir, entries);
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDirectory(dirname(target));
}
