/**
 * Reading `docker-archive:FILE[:REF|:@N]` (a `docker save` tar) in place, as containers/image
 * docker/internal/tarfile `Reader`/`Source` do: the tar is indexed once and entries are read where
 * they lie, so nothing is extracted (and no path in the archive ever reaches the filesystem). A
 * compressed archive (`docker save | gzip`) is first decompressed to a temp file, as skopeo does, and
 * so is one read from a pipe.
 *
 * Symbolic links (older `docker save` and skopeo write `<id>/layer.tar → ../<hex>.tar`) are followed
 * once, relative to the link's directory and only to another entry of the archive (reader.go
 * `openTarComponent`). Layers may be stored compressed or not; they are served uncompressed, named
 * by their DiffID, which is what skopeo's generated manifest lists.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { type FileHandle, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  ARCHIVE_MANIFEST,
  diffIDsOf,
  type ManifestItem,
  parseArchiveManifest,
} from './docker-archive-format.ts';
import { isErrno } from './file-lock.ts';
import {
  COMPRESSION_MAGIC_BYTES,
  decompressed,
  decompressorFor,
  detectCompression,
  type LayerCompression,
} from './layer-compression.ts';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';
import { badArchive, readExactly, tarEntries } from './tar-entries.ts';

/** containers/image iolimits: MaxTarFileManifestSize and MaxConfigBodySize. */
const MAX_ARCHIVE_MANIFEST_BYTES = 1024 * 1024;
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

interface IndexedEntry {
  readonly typeflag: string;
  readonly linkname: string;
  readonly dataStart: number;
  readonly size: number;
}

export interface ArchiveLayer {
  /** Digest of the uncompressed layer (the config's `rootfs.diff_ids` entry). */
  readonly diffID: string;
  /** Entry name of the layer data (links resolved). */
  readonly entry: string;
  /** Uncompressed size. */
  readonly size: number;
  readonly compression: LayerCompression;
}

export interface ArchiveImage {
  readonly item: ManifestItem;
  readonly configBytes: Buffer;
  /** sha256 of the config bytes. */
  readonly configDigest: string;
  /** Distinct layers by DiffID, in first-use order. */
  readonly layers: ReadonlyMap<string, ArchiveLayer>;
  /** DiffIDs in manifest order (repeats kept). */
  readonly diffIDs: readonly string[];
}

export interface DockerArchiveReaderOptions {
  /** Where a compressed archive is decompressed. Default os.tmpdir(). */
  readonly tmpDir?: string | undefined;
}

export class DockerArchiveReader {
  /** The archive as the user named it (for messages). */
  readonly archivePath: string;
  readonly items: readonly ManifestItem[];
  readonly #file: string;
  readonly #entries: ReadonlyMap<string, IndexedEntry>;
  readonly #tempDir: string | undefined;

  private constructor(
    archivePath: string,
    file: string,
    entries: Map<string, IndexedEntry>,
    items: ManifestItem[],
    tempDir: string | undefined,
  ) {
    this.archivePath = archivePath;
    this.#file = file;
    this.#entries = entries;
    this.items = items;
    this.#tempDir = tempDir;
  }

  static async open(path: string, options: DockerArchiveReaderOptions = {}): Promise<DockerArchiveReader> {
    const archivePath = resolve(path);
    let fh: FileHandle;
    try {
      fh = await open(archivePath, 'r');
    } catch (cause) {
      if (isErrno(cause, 'ENOENT') || isErrno(cause, 'EISDIR')) {
        throw new LayoutError(
          LayoutErrorCode.NotALayout,
          archivePath,
          `${archivePath} ${isErrno(cause, 'ENOENT') ? 'does not exist' : 'is a directory, not a docker-archive file'}`,
          { cause },
        );
      }
      throw cause;
    }
    let file = archivePath;
    let tempDir: string | undefined;
    const workDir = async () => {
      tempDir ??= await mkdtemp(join(options.tmpDir ?? tmpdir(), 'ferry-docker-archive-'));
      return tempDir;
    };
    try {
      if (!(await fh.stat()).isFile()) {
        // A pipe or device (`docker save … | ferry copy docker-archive:/dev/stdin …`): entries are
        // read in place by offset, so keep a copy first.
        const copy = join(await workDir(), 'input');
        await pipeline(createReadStream('', { fd: fh }), createWriteStream(copy));
        file = copy;
        fh = await open(file, 'r');
      }
      const head = (await readExactly(fh, 0, COMPRESSION_MAGIC_BYTES)) ?? Buffer.alloc(0);
      const compression = detectCompression(head);
      if (compression !== 'none') {
        await fh.close();
        const source = file;
        file = join(await workDir(), 'archive.tar');
        const decompress = decompressorFor(compression, archivePath);
        await pipeline(
          createReadStream(source),
          decompress as NodeJS.ReadWriteStream,
          createWriteStream(file),
        );
        fh = await open(file, 'r');
      }
      const entries = new Map<string, IndexedEntry>();
      for await (const entry of tarEntries(fh, archivePath)) {
        entries.set(cleanName(entry.name), {
          typeflag: entry.header.typeflag,
          linkname: entry.linkname,
          dataStart: entry.dataStart,
          size: entry.size,
        });
      }
      await fh.close();
      const reader = new DockerArchiveReader(archivePath, file, entries, [], tempDir);
      const manifestBytes = await reader.readEntry(ARCHIVE_MANIFEST, MAX_ARCHIVE_MANIFEST_BYTES);
      let items: ManifestItem[];
      try {
        items = parseArchiveManifest(manifestBytes);
      } catch (cause) {
        throw badArchive(archivePath, cause instanceof Error ? cause.message : String(cause), cause);
      }
      return new DockerArchiveReader(archivePath, file, entries, items, tempDir);
    } catch (err) {
      await fh.close().catch(() => undefined);
      if (tempDir !== undefined) await rm(tempDir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * The manifest.json item a reference selects (reader.go `ChooseManifestItem`): by RepoTags entry
   * (`normalisedRef`, e.g. `docker.io/library/app:1.0`), by position (`@N`), or the only one.
   * `normalise` turns a RepoTags string into the same canonical form (undefined when unparsable).
   */
  choose(
    selector: { ref?: string | undefined; index?: number | undefined },
    normalise: (repoTag: string) => string | undefined,
  ): ManifestItem {
    const { ref, index } = selector;
    if (ref !== undefined) {
      const found = this.items.find((item) => item.RepoTags.some((tag) => normalise(tag) === ref));
      if (!found) {
        const known = this.items.flatMap((i) => i.RepoTags);
        throw new LayoutError(
          LayoutErrorCode.RefNotFound,
          this.archivePath,
          `tag "${ref}" not found in ${this.archivePath} (RepoTags: ${known.join(', ') || '(none)'})`,
        );
      }
      return found;
    }
    if (index !== undefined) {
      const item = this.items[index];
      if (!item) {
        throw new LayoutError(
          LayoutErrorCode.RefNotFound,
          this.archivePath,
          `invalid source index @${index}: ${this.archivePath} has ${this.items.length} manifest.json item(s)`,
        );
      }
      return item;
    }
    const only = this.items[0];
    if (this.items.length !== 1 || !only) {
      throw new LayoutError(
        LayoutErrorCode.AmbiguousRef,
        this.archivePath,
        `${this.archivePath} holds ${this.items.length} images; choose one with docker-archive:${this.archivePath}:NAME:TAG or :@N`,
      );
    }
    return only;
  }

  /** Config and layers of `item` (tarfile/src.go `ensureCachedDataIsPresent` / `prepareLayerData`). */
  async image(item: ManifestItem): Promise<ArchiveImage> {
    const configBytes = await this.readEntry(item.Config, MAX_CONFIG_BYTES);
    let diffIDs: string[];
    try {
      diffIDs = diffIDsOf(configBytes);
    } catch (cause) {
      throw badArchive(this.archivePath, `config ${item.Config}: ${(cause as Error).message}`, cause);
    }
    if (diffIDs.length !== item.Layers.length) {
      throw badArchive(
        this.archivePath,
        `inconsistent layer count: ${item.Layers.length} in manifest.json, ${diffIDs.length} in config`,
      );
    }
    const layers = new Map<string, ArchiveLayer>();
    const byEntry = new Map<string, string>();
    for (const [i, diffID] of diffIDs.entries()) {
      if (layers.has(diffID)) continue;
      const entry = this.#resolve(item.Layers[i] as string);
      const other = byEntry.get(entry);
      if (other !== undefined && other !== diffID) {
        throw badArchive(this.archivePath, `layer ${entry} is used for two different DiffIDs`);
      }
      byEntry.set(entry, diffID);
      const compression = await this.#compressionOf(entry);
      const size =
        compression === 'none' ? this.#entry(entry).size : await this.#uncompressedSize(entry, compression);
      layers.set(diffID, { diffID, entry, size, compression });
    }
    const configDigest = `sha256:${createHash('sha256').update(configBytes).digest('hex')}`;
    return { item, configBytes, configDigest, layers, diffIDs };
  }

  /** The raw bytes of an entry (links followed), up to `limit`. */
  async readEntry(name: string, limit: number): Promise<Buffer> {
    const entry = this.#entry(this.#resolve(name));
    if (entry.size > limit) throw badArchive(this.archivePath, `${name} is larger than ${limit} bytes`);
    const fh = await open(this.#file, 'r');
    try {
      const data = await readExactly(fh, entry.dataStart, entry.size);
      if (data === undefined) throw badArchive(this.archivePath, `truncated entry ${name}`);
      return data;
    } finally {
      await fh.close();
    }
  }

  /** Stream a layer uncompressed (the caller verifies it against its DiffID). */
  async *readLayer(layer: ArchiveLayer): AsyncGenerator<Buffer> {
    const source = decompressed(
      this.#stream(layer.entry),
      layer.compression,
      `${layer.entry} in ${this.archivePath}`,
    );
    try {
      for await (const chunk of source) yield chunk as Buffer;
    } finally {
      source.destroy();
    }
  }

  /** Remove the decompressed copy, if one was made. */
  async close(): Promise<void> {
    if (this.#tempDir !== undefined) await rm(this.#tempDir, { recursive: true, force: true });
  }

  #stream(entryName: string) {
    const entry = this.#entry(entryName);
    // An empty range would read the whole file from `start`: end is inclusive.
    return createReadStream(this.#file, {
      start: entry.dataStart,
      end: entry.size === 0 ? entry.dataStart - 1 : entry.dataStart + entry.size - 1,
      highWaterMark: 1024 * 1024,
    });
  }

  /** Name of the regular-file entry `name` designates, following one symbolic link. */
  #resolve(name: string): string {
    const clean = cleanName(name);
    const entry = this.#entries.get(clean);
    if (!entry) throw badArchive(this.archivePath, `${name} is missing from the archive`);
    if (entry.typeflag === '2') {
      const target = cleanName(posix.join(posix.dirname(clean), entry.linkname));
      const linked = this.#entries.get(target);
      if (!linked || !isRegular(linked.typeflag)) {
        throw badArchive(
          this.archivePath,
          `${name} links to ${entry.linkname}, which is not a file in the archive`,
        );
      }
      return target;
    }
    if (!isRegular(entry.typeflag)) throw badArchive(this.archivePath, `${name} is not a regular file`);
    return clean;
  }

  #entry(name: string): IndexedEntry {
    const entry = this.#entries.get(name);
    if (!entry) throw badArchive(this.archivePath, `${name} is missing from the archive`);
    return entry;
  }

  async #compressionOf(entryName: string): Promise<LayerCompression> {
    const entry = this.#entry(entryName);
    const fh = await open(this.#file, 'r');
    try {
      const head = await readExactly(fh, entry.dataStart, Math.min(COMPRESSION_MAGIC_BYTES, entry.size));
      return detectCompression(head ?? Buffer.alloc(0));
    } finally {
      await fh.close();
    }
  }

  /** skopeo reads a compressed layer through once to learn its uncompressed size; so do we. */
  async #uncompressedSize(entryName: string, compression: LayerCompression): Promise<number> {
    let size = 0;
    const source = decompressed(this.#stream(entryName), compression, `${entryName} in ${this.archivePath}`);
    try {
      for await (const chunk of source) size += (chunk as Buffer).byteLength;
    } catch (cause) {
      throw badArchive(this.archivePath, `layer ${entryName} does not decompress`, cause);
    }
    return size;
  }
}

/** Go's `path.Clean` for archive-relative names (leading "./" and "/" dropped). */
function cleanName(name: string): string {
  const cleaned = posix
    .normalize(name)
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
  return cleaned.replace(/^\/+/, '');
}

function isRegular(typeflag: string): boolean {
  return typeflag === '0' || typeflag === '\0' || typeflag === '7';
}
