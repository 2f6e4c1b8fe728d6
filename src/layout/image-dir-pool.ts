/**
 * Blobs and instance manifests staged for `ferry sync --dest dir`: many images, copied concurrently,
 * share one content-addressed pool (a hidden directory under the destination root, so files can be
 * hard-linked into place), and each image directory is assembled from it when its manifest arrives
 * (ImageDirWriter: built aside, swapped in). The pool is created on first use and removed by
 * `close()`.
 */
import { randomBytes } from 'node:crypto';
import { copyFile, link, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Descriptor } from '../oci/manifest.ts';
import { imageBlobs, parseManifest } from '../oci/manifest.ts';
import { ImageDir } from './image-dir.ts';
import { ImageDirWriter } from './image-dir-writer.ts';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';

const MAX_DEPTH = 4;

export class ImageDirPool {
  readonly root: string;
  #pool: Promise<ImageDir> | undefined;

  constructor(root: string) {
    this.root = resolve(root);
  }

  #dir(): Promise<ImageDir> {
    this.#pool ??= (async () => {
      const path = join(this.root, `.ferry-sync-${randomBytes(6).toString('hex')}`);
      await mkdir(path, { recursive: true });
      return new ImageDir(path);
    })();
    return this.#pool;
  }

  async blobSize(digest: string): Promise<number | undefined> {
    return this.#pool ? (await this.#pool).blobSize(digest) : undefined;
  }

  async writeBlob(
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: AsyncIterable<Uint8Array>,
  ): Promise<boolean> {
    return (await this.#dir()).writeBlob(desc, source);
  }

  async writeInstanceManifest(bytes: Uint8Array, digest: string): Promise<void> {
    await (await this.#dir()).writeManifest(bytes, digest);
  }

  /**
   * Write the image directory `relative` (under the root) for the manifest `bytes`: its instance
   * manifests and blobs come from the pool.
   */
  async materialize(relative: string, bytes: Uint8Array, mediaType: string): Promise<void> {
    const pool = await this.#dir();
    const target = join(this.root, relative);
    await mkdir(dirname(target), { recursive: true });
    const writer = await ImageDirWriter.create(target);
    try {
      await this.#place(pool, writer.dir, parseManifest(bytes, mediaType, target), 0);
      await writer.dir.writeManifest(bytes);
      await writer.commit();
    } catch (err) {
      await writer.discard();
      throw err;
    }
  }

  async #place(
    pool: ImageDir,
    into: ImageDir,
    manifest: ReturnType<typeof parseManifest>,
    depth: number,
  ): Promise<void> {
    if (manifest.kind === 'image') {
      for (const blob of imageBlobs(manifest.manifest))
        await linkOrCopy(pool.blobPath(blob.digest), into.blobPath(blob.digest));
      return;
    }
    if (depth >= MAX_DEPTH) {
      throw new LayoutError(LayoutErrorCode.BadIndex, into.path, 'index nesting is too deep');
    }
    for (const entry of manifest.manifest.manifests) {
      const child = await pool.readManifest(entry.digest);
      if (!child) {
        throw new LayoutError(
          LayoutErrorCode.BlobNotFound,
          into.path,
          `manifest ${entry.digest} was not staged`,
        );
      }
      await into.writeManifest(child.bytes, entry.digest);
      await this.#place(pool, into, parseManifest(child.bytes, entry.mediaType, entry.digest), depth + 1);
    }
  }

  async close(): Promise<void> {
    if (this.#pool) await rm((await this.#pool).path, { recursive: true, force: true });
  }
}

/** Hard link (same filesystem: the pool lives under the root); a copy where links are refused. */
async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code === 'ENOENT') {
      throw new LayoutError(LayoutErrorCode.BlobNotFound, dirname(to), `blob ${from} was not staged`, {
        cause: err,
      });
    }
    await copyFile(from, to);
  }
}
