/**
 * An OCI image layout directory (opencontainers/image-spec image-layout.md): `oci-layout`
 * (`{"imageLayoutVersion":"1.0.0"}`), `index.json` (an image index naming the entry points) and
 * content-addressed `blobs/<alg>/<hex>`. This is what skopeo's `oci:DIR[:NAME]` transport reads and
 * writes; every byte read back is checked against its digest.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { digestAlgorithm } from '../oci/digest.ts';
import { DigestVerifier } from '../oci/digest-verifier.ts';
import { type Descriptor, type ParsedManifest, parseManifest } from '../oci/manifest.ts';
import { createFileIfAbsent, syncDirectory, writeFileAtomic } from './atomic-write.ts';
import { blobPathIn } from './blob-path.ts';
import { type FileLockOptions, isErrno, withFileLock } from './file-lock.ts';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';
import {
  emptyIndexJson,
  findDescriptor,
  type LayoutIndex,
  listRefNames,
  parseLayoutIndex,
  withEntry,
} from './layout-index.ts';
import { writeVerified } from './write-verified.ts';

export const OCI_LAYOUT_FILE = 'oci-layout';
export const INDEX_FILE = 'index.json';
export const BLOBS_DIR = 'blobs';
/** image-layout.md "oci-layout file": the version this spec revision defines. */
export const IMAGE_LAYOUT_VERSION = '1.0.0';
/** Same bound containers/image uses for manifests (4 MiB): they are buffered whole. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Temp blobs live in the layout root, not under blobs/, so a crash never leaves a non-blob there. */
const TEMP_PREFIX = '.ferry-tmp-';

export interface OpenLayoutOptions {
  /** Create the directory and an empty layout when absent (an existing layout is opened as is). */
  readonly create?: boolean | undefined;
  /** Lock tuning for `tag()`. */
  readonly lock?: FileLockOptions | undefined;
  /**
   * Keep blobs in this directory (`<dir>/<alg>/<hex>`) instead of the layout's own `blobs/`, so several
   * layouts share them: skopeo's `--src-shared-blob-dir` / `--dest-shared-blob-dir` (containers/image
   * oci/layout `sharedBlobDir`). The layout's `blobs/` is then left empty.
   */
  readonly sharedBlobDir?: string | undefined;
}

export interface WriteBlobResult {
  /** False when the blob was already present and the source was not read. */
  readonly written: boolean;
}

export class OciLayoutDir {
  readonly path: string;
  /** Where blobs live: `<path>/blobs`, or the shared blob directory. */
  readonly blobsDir: string;
  readonly #shared: boolean;
  readonly #lock: FileLockOptions;

  private constructor(path: string, lock: FileLockOptions, sharedBlobDir: string | undefined) {
    this.path = path;
    this.#shared = sharedBlobDir !== undefined;
    this.blobsDir = sharedBlobDir === undefined ? join(path, BLOBS_DIR) : resolve(sharedBlobDir);
    this.#lock = lock;
  }

  /** The file of blob `digest` (validated first, so a hostile digest cannot name another path). */
  blobFile(digest: string): string {
    return blobPathIn(this.blobsDir, digest);
  }

  /**
   * Open the layout at `path`. With `create`, a missing or empty directory becomes an empty layout;
   * a non-empty directory without `oci-layout` is refused either way so ferry never scatters blobs
   * into an unrelated directory.
   */
  static async open(path: string, options: OpenLayoutOptions = {}): Promise<OciLayoutDir> {
    const root = resolve(path);
    const layout = new OciLayoutDir(
      root,
      { displayPath: root, ...(options.lock ?? {}) },
      options.sharedBlobDir,
    );
    if (options.create && options.sharedBlobDir !== undefined) {
      await mkdir(layout.blobsDir, { recursive: true });
    }
    const entries = await readdirOrUndefined(root);
    if (entries === undefined && !options.create) {
      throw new LayoutError(LayoutErrorCode.NotALayout, root, `${root} does not exist`);
    }
    // Empty, or holding only what #initialise writes before `oci-layout` (another writer creating
    // the same new layout right now): initialising is idempotent, so join in.
    const initialising =
      entries !== undefined &&
      !entries.includes(OCI_LAYOUT_FILE) &&
      entries.every(
        (e) =>
          e === BLOBS_DIR ||
          e === INDEX_FILE ||
          e === `${INDEX_FILE}.lock` ||
          e.startsWith(`.${INDEX_FILE}.tmp-`) ||
          e.startsWith(`.${OCI_LAYOUT_FILE}.tmp-`),
      );
    if (entries === undefined || (options.create && (entries.length === 0 || initialising))) {
      await layout.#initialise();
      return layout;
    }
    if (!entries.includes(OCI_LAYOUT_FILE)) {
      throw new LayoutError(
        LayoutErrorCode.NotALayout,
        root,
        `${root} is not an OCI image layout (no ${OCI_LAYOUT_FILE} file)${options.create ? ' and is not empty; refusing to write into it' : ''}`,
      );
    }
    await layout.#checkVersion();
    if (options.create) {
      // Another writer may have created oci-layout but not yet the rest.
      await mkdir(join(root, BLOBS_DIR), { recursive: true });
      await createFileIfAbsent(join(root, INDEX_FILE), emptyIndexJson());
    } else if (!entries.includes(INDEX_FILE)) {
      throw new LayoutError(LayoutErrorCode.BadIndex, root, `${root} has no ${INDEX_FILE}`);
    }
    return layout;
  }

  async #initialise(): Promise<void> {
    await mkdir(join(this.path, BLOBS_DIR), { recursive: true });
    // index.json first, oci-layout last: a directory with oci-layout is then always complete.
    await createFileIfAbsent(join(this.path, INDEX_FILE), emptyIndexJson());
    await createFileIfAbsent(
      join(this.path, OCI_LAYOUT_FILE),
      `${JSON.stringify({ imageLayoutVersion: IMAGE_LAYOUT_VERSION })}\n`,
    );
    await syncDirectory(this.path);
  }

  async #checkVersion(): Promise<void> {
    const file = join(this.path, OCI_LAYOUT_FILE);
    let version: unknown;
    try {
      const json: unknown = JSON.parse(await readFile(file, 'utf8'));
      version =
        typeof json === 'object' && json !== null ? Reflect.get(json, 'imageLayoutVersion') : undefined;
    } catch (cause) {
      throw new LayoutError(LayoutErrorCode.NotALayout, this.path, `${file} is not valid JSON`, { cause });
    }
    if (typeof version !== 'string') {
      throw new LayoutError(LayoutErrorCode.NotALayout, this.path, `${file} has no imageLayoutVersion`);
    }
    // 1.x layouts share this structure (image-spec keeps 1.0.0 to this day); a 2.x would not.
    if (!/^1\.\d+\.\d+$/.test(version)) {
      throw new LayoutError(
        LayoutErrorCode.UnsupportedVersion,
        this.path,
        `${file} has imageLayoutVersion ${JSON.stringify(version)}; ferry supports 1.x`,
      );
    }
  }

  async hasBlob(digest: string): Promise<boolean> {
    try {
      return (await stat(this.blobFile(digest))).isFile();
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
  }

  /**
   * Stream a blob, verified: the iterator throws (DigestMismatchError / FERRY_E_DIGEST_MISMATCH)
   * before it ends if the bytes on disk do not hash to `digest` or differ from `size` when given.
   */
  async *readBlob(digest: string, size?: number): AsyncGenerator<Buffer> {
    const path = this.blobFile(digest);
    const verifier = new DigestVerifier(digest, size, `blob ${digest} in ${this.path}`);
    let stream: AsyncIterable<Buffer>;
    try {
      const fh = await open(path, 'r');
      stream = createReadStream('', { fd: fh, highWaterMark: 1024 * 1024 });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) throw this.#blobNotFound(digest, err);
      throw err;
    }
    for await (const chunk of stream) {
      verifier.update(chunk);
      yield chunk;
    }
    verifier.finish();
  }

  /**
   * Store `source` as the blob `desc`. Bytes go to a temp file in the layout root, are verified
   * (digest and size) as they arrive, fsynced, then renamed into `blobs/<alg>/<hex>`, so the blob
   * path only ever holds complete, verified content (image-layout.md "Blobs": content MUST match
   * the digest). A mismatch deletes the temp file and throws. An existing blob is kept and `source`
   * is not consumed (content addressing: same digest, same bytes).
   */
  async writeBlob(
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: AsyncIterable<Uint8Array>,
  ): Promise<WriteBlobResult> {
    const target = this.blobFile(desc.digest);
    if (await this.hasBlob(desc.digest)) return { written: false };
    // Beside the blob directory (same file system, so the rename below is atomic).
    const tmp = join(
      this.#shared ? this.blobsDir : this.path,
      `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`,
    );
    // Concurrent writers of the same blob both rename verified identical bytes: last one wins, harmless.
    await writeVerified(tmp, target, desc, source, {
      what: `blob ${desc.digest}`,
      beforeRename: () => mkdir(join(this.blobsDir, digestAlgorithm(desc.digest)), { recursive: true }),
    });
    await syncDirectory(join(this.blobsDir, digestAlgorithm(desc.digest)));
    return { written: true };
  }

  /** Convenience for small blobs (manifests, configs). */
  async writeBlobBytes(
    desc: Pick<Descriptor, 'digest' | 'size'>,
    bytes: Uint8Array,
  ): Promise<WriteBlobResult> {
    return this.writeBlob(desc, oneChunk(bytes));
  }

  /** Read, verify and parse a manifest or index. `mediaType` (from the descriptor) helps when the body omits it. */
  async readManifest(digest: string, mediaType?: string): Promise<ParsedManifest> {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of this.readBlob(digest)) {
      total += chunk.byteLength;
      if (total > MAX_MANIFEST_BYTES) {
        throw new LayoutError(
          LayoutErrorCode.ManifestTooLarge,
          this.path,
          `manifest ${digest} in ${this.path} is larger than ${MAX_MANIFEST_BYTES} bytes`,
        );
      }
      chunks.push(chunk);
    }
    return parseManifest(Buffer.concat(chunks), mediaType, `${digest} in ${this.path}`);
  }

  /** The parsed `index.json`. */
  async readIndex(): Promise<LayoutIndex> {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(this.path, INDEX_FILE));
    } catch (cause) {
      if (isErrno(cause, 'ENOENT')) {
        throw new LayoutError(LayoutErrorCode.BadIndex, this.path, `${this.path} has no ${INDEX_FILE}`, {
          cause,
        });
      }
      throw cause;
    }
    return parseLayoutIndex(bytes, this.path);
  }

  /** The descriptor named `refName`, or the lone manifest when no name is given (as skopeo does). */
  async resolve(refName?: string): Promise<Descriptor> {
    return findDescriptor((await this.readIndex()).index, refName, this.path);
  }

  /** Ref names in index.json order. */
  async list(): Promise<string[]> {
    return listRefNames((await this.readIndex()).index);
  }

  /**
   * Point `refName` at `descriptor` in index.json (replacing any entry of that name); with no name,
   * add an unnamed entry. Read-modify-write happens under `index.json.lock` and the new file is
   * renamed into place, so concurrent writers (other tasks, other ferry or lock-aware processes)
   * never lose each other's entries and readers never see a torn file.
   * The manifest blob should be written first: a name must never point at missing content.
   */
  async tag(refName: string | undefined, descriptor: Descriptor): Promise<void> {
    const indexPath = join(this.path, INDEX_FILE);
    await withFileLock(
      `${indexPath}.lock`,
      async () => {
        const current = await this.readIndex();
        const next = withEntry(current, refName, descriptor);
        await writeFileAtomic(indexPath, `${JSON.stringify(next)}\n`);
      },
      this.#lock,
    );
  }

  #blobNotFound(digest: string, cause: unknown): LayoutError {
    return new LayoutError(
      LayoutErrorCode.BlobNotFound,
      this.path,
      `blob ${digest} not found in ${this.path}`,
      {
        cause,
      },
    );
  }
}

async function readdirOrUndefined(path: string): Promise<string[] | undefined> {
  try {
    return await readdir(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    if (isErrno(err, 'ENOTDIR')) {
      throw new LayoutError(LayoutErrorCode.NotALayout, path, `${path} is not a directory`, { cause: err });
    }
    throw err;
  }
}

async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
