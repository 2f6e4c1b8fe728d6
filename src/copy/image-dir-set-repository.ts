/**
 * One repository of a set of `dir:` images (`ferry sync --src dir` / `--dest dir`, skopeo sync's
 * layout: `ROOT/<repository>:<tag>/`). As a source, its tags are the image directories found for it;
 * as a destination, blobs go to the shared pool and each tag becomes its own image directory when its
 * manifest is pushed. A tag whose directory already holds the same manifest is up to date; one with
 * another image is replaced (skopeo sync refuses existing directories; re-running a ferry sync
 * updates them instead).
 */
import { join } from 'node:path';
import { ImageDir } from '../layout/image-dir.ts';
import type { ImageDirPool } from '../layout/image-dir-pool.ts';
import { imageDirName } from '../layout/image-dir-set.ts';
import { isDigest, sha256Digest } from '../oci/digest.ts';
import { type Descriptor, parseManifest } from '../oci/manifest.ts';
import type { BlobReader } from '../registry/blobs.ts';
import type { FetchedManifest, ManifestHead } from '../registry/manifests.ts';
import { NO_RETRY } from '../registry/retry.ts';
import type { TagsPage } from '../registry/tags.ts';
import type { StartUploadResult, UploadSession } from '../registry/uploads.ts';
import type { CopyDestination, CopySource } from './endpoints.ts';
import { iterableBlobReader, releaseUnread } from './iterable-blob-reader.ts';

const POOL_SESSION: UploadSession = Object.freeze({ location: 'dir-pool', minChunkLength: undefined });

/** Source: the image directories of one repository, by tag (or digest). */
export class ImageDirSetSource implements CopySource {
  readonly registry: string;
  readonly name: string;
  readonly retry = NO_RETRY;
  readonly #dirs: ReadonlyMap<string, ImageDir>;

  constructor(root: string, repository: string, dirs: ReadonlyMap<string, string>) {
    this.registry = `dir:${root}`;
    this.name = repository;
    this.#dirs = new Map([...dirs].map(([reference, path]) => [reference, new ImageDir(path)]));
  }

  async #find(reference: string): Promise<{ bytes: Buffer; digest: string } | undefined> {
    const named = this.#dirs.get(reference);
    if (named) return named.readManifest();
    if (!isDigest(reference)) return undefined;
    for (const dir of this.#dirs.values()) {
      const top = await dir.readManifest();
      if (top?.digest === reference) return top;
      const instance = await dir.readManifest(reference);
      if (instance) return instance;
    }
    return undefined;
  }

  async headManifest(reference: string): Promise<ManifestHead | undefined> {
    const found = await this.#find(reference);
    if (!found) return undefined;
    const parsed = parseManifest(found.bytes, undefined, `${this.registry}/${this.name}@${found.digest}`);
    return { digest: found.digest, mediaType: parsed.mediaType, size: found.bytes.byteLength };
  }

  async getManifest(reference: string): Promise<FetchedManifest | undefined> {
    const found = await this.#find(reference);
    if (!found) return undefined;
    return {
      digest: found.digest,
      parsed: parseManifest(found.bytes, undefined, `${this.registry}/${this.name}@${found.digest}`),
    };
  }

  openBlob(desc: Descriptor): BlobReader {
    const dirs = [...this.#dirs.values()];
    return iterableBlobReader(
      (async function* read() {
        for (const dir of dirs) {
          if ((await dir.blobSize(desc.digest)) !== undefined) {
            yield* dir.readBlob(desc.digest, desc.size);
            return;
          }
        }
        // None has it: let the first directory report the missing blob with its path.
        yield* (dirs[0] as ImageDir).readBlob(desc.digest, desc.size);
      })(),
    );
  }

  async listTagsPage(): Promise<TagsPage> {
    return { tags: [...this.#dirs.keys()].filter((r) => !isDigest(r)), next: undefined };
  }

  async listReferrersApi(): Promise<Descriptor[] | undefined> {
    return undefined;
  }
}

/** Destination: `ROOT/<repository>:<tag>` directories assembled from the pool. */
export class ImageDirSetDestination implements CopyDestination {
  readonly registry: string;
  readonly name: string;
  readonly retry = NO_RETRY;
  readonly #pool: ImageDirPool;

  constructor(pool: ImageDirPool, repository: string) {
    this.#pool = pool;
    this.registry = `dir:${pool.root}`;
    this.name = repository;
  }

  #image(reference: string): ImageDir {
    return new ImageDir(join(this.#pool.root, imageDirName(this.name, reference)));
  }

  async headManifest(reference: string): Promise<ManifestHead | undefined> {
    const found = await this.#image(reference).readManifest();
    if (!found) return undefined;
    const parsed = parseManifest(found.bytes, undefined, `${this.registry}/${this.name}`);
    return { digest: found.digest, mediaType: parsed.mediaType, size: found.bytes.byteLength };
  }

  /** Tags already written are not listed: every tag is its own directory, checked by headManifest. */
  async listTagsPage(): Promise<TagsPage> {
    return { tags: [], next: undefined };
  }

  headBlob(digest: string): Promise<number | undefined> {
    return this.#pool.blobSize(digest);
  }

  async startUpload(mount?: { digest: string; from: string }): Promise<StartUploadResult> {
    if (mount && (await this.#pool.blobSize(mount.digest)) !== undefined) return { mounted: true };
    return { mounted: false, session: POOL_SESSION };
  }

  async putMonolithic(_session: UploadSession, desc: Descriptor, body: AsyncIterable<Buffer>): Promise<void> {
    if (!(await this.#pool.writeBlob(desc, body))) await releaseUnread(body);
  }

  putChunked(session: UploadSession, desc: Descriptor, body: AsyncIterable<Buffer>): Promise<void> {
    return this.putMonolithic(session, desc, body);
  }

  async cancelUpload(): Promise<void> {}

  /** Instances of an index wait in the pool; a tag (or a digest asked for) becomes a directory. */
  async putManifest(
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    _signal?: AbortSignal,
    entryPoint = false,
  ): Promise<string> {
    const digest = sha256Digest(bytes);
    if (isDigest(reference) && !entryPoint) await this.#pool.writeInstanceManifest(bytes, reference);
    else await this.#pool.materialize(imageDirName(this.name, reference), bytes, mediaType);
    return digest;
  }
}
