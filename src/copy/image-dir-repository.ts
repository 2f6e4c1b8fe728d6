/**
 * A `dir:` image directory seen as a repository, so `copy` and `sync` read and write it with the one
 * executor. A directory holds one image (or one index with its instances): the only names it knows
 * are '' (what `manifest.json` holds) and digests. Layers are stored as the source has them
 * (directory_dest.go: `DesiredLayerCompression: PreserveOriginal`), so manifests keep their digests.
 */

import type { ImageDir } from '../layout/image-dir.ts';
import { isDigest, sha256Digest } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { parseManifest } from '../oci/manifest.ts';
import type { BlobReader } from '../registry/blobs.ts';
import type { FetchedManifest, ManifestHead } from '../registry/manifests.ts';
import { NO_RETRY } from '../registry/retry.ts';
import type { TagsPage } from '../registry/tags.ts';
import type { StartUploadResult, UploadSession } from '../registry/uploads.ts';
import type { CopyDestination, CopySource } from './endpoints.ts';
import { iterableBlobReader, releaseUnread } from './iterable-blob-reader.ts';

const DIR_SESSION: UploadSession = Object.freeze({ location: 'dir', minChunkLength: undefined });

export class ImageDirRepository implements CopySource, CopyDestination {
  readonly dir: ImageDir;
  /** `dir:<path>`: nothing mounts across directories. */
  readonly registry: string;
  readonly name = '';
  readonly retry = NO_RETRY;

  constructor(dir: ImageDir, display = dir.path) {
    this.dir = dir;
    this.registry = `dir:${display}`;
  }

  /** '' (or the digest of manifest.json) → manifest.json; another digest → its instance file. */
  async #read(reference: string): Promise<{ bytes: Buffer; digest: string } | undefined> {
    const top = await this.dir.readManifest();
    if (reference === '' || (top !== undefined && reference === top.digest)) return top;
    if (!isDigest(reference)) return undefined;
    return this.dir.readManifest(reference);
  }

  async headManifest(reference: string): Promise<ManifestHead | undefined> {
    const found = await this.#read(reference);
    if (!found) return undefined;
    const parsed = parseManifest(found.bytes, undefined, `${this.registry}@${found.digest}`);
    return { digest: found.digest, mediaType: parsed.mediaType, size: found.bytes.byteLength };
  }

  async getManifest(reference: string): Promise<FetchedManifest | undefined> {
    const found = await this.#read(reference);
    if (!found) return undefined;
    return {
      digest: found.digest,
      parsed: parseManifest(found.bytes, undefined, `${this.registry}@${found.digest}`),
    };
  }

  openBlob(desc: Descriptor): BlobReader {
    return iterableBlobReader(this.dir.readBlob(desc.digest, desc.size));
  }

  /** No tags: signature tags and the like cannot live in a dir: image. */
  async listTagsPage(): Promise<TagsPage> {
    return { tags: [], next: undefined };
  }

  async listReferrersApi(): Promise<Descriptor[] | undefined> {
    return undefined;
  }

  headBlob(digest: string): Promise<number | undefined> {
    return this.dir.blobSize(digest);
  }

  async startUpload(): Promise<StartUploadResult> {
    return { mounted: false, session: DIR_SESSION };
  }

  async putMonolithic(_session: UploadSession, desc: Descriptor, body: AsyncIterable<Buffer>): Promise<void> {
    if (!(await this.dir.writeBlob(desc, body))) await releaseUnread(body);
  }

  putChunked(session: UploadSession, desc: Descriptor, body: AsyncIterable<Buffer>): Promise<void> {
    return this.putMonolithic(session, desc, body);
  }

  async cancelUpload(): Promise<void> {}

  /**
   * The manifest the copy was asked for (`entryPoint`, pushed last) is `manifest.json`; the instances
   * of an index, pushed before it by digest, are `<hex>.manifest.json`, as skopeo `copy --all` writes.
   */
  async putManifest(
    reference: string,
    bytes: Uint8Array,
    _mediaType: string,
    _signal?: AbortSignal,
    entryPoint = false,
  ): Promise<string> {
    if (entryPoint || !isDigest(reference)) await this.dir.writeManifest(bytes);
    else await this.dir.writeManifest(bytes, reference);
    return sha256Digest(bytes);
  }
}
