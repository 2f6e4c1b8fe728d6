/**
 * A docker-archive as a copy destination: blobs are staged as they arrive, the image is added when
 * its manifest comes (layers decompressed then), and the tar is written by `commit()`. An index cannot
 * be stored: the CLI selects one platform first, as skopeo does (copy.CopySystemImage), and refuses
 * `--all` (skopeo: "destination transport "docker-archive" does not support copying multiple images
 * as a group"); this class refuses an index as a last line of defence.
 */

import type { DockerArchiveWriter } from '../layout/docker-archive-writer.ts';
import { LayoutError, LayoutErrorCode } from '../layout/layout-error.ts';
import { type Descriptor, parseManifest } from '../oci/manifest.ts';
import type { ManifestHead } from '../registry/manifests.ts';
import { NO_RETRY } from '../registry/retry.ts';
import type { TagsPage } from '../registry/tags.ts';
import type { StartUploadResult, UploadSession } from '../registry/uploads.ts';
import type { CopyDestination } from './endpoints.ts';
import { releaseUnread } from './iterable-blob-reader.ts';

const ARCHIVE_SESSION: UploadSession = Object.freeze({
  location: 'docker-archive',
  minChunkLength: undefined,
});

export class DockerArchiveDestination implements CopyDestination {
  readonly registry: string;
  readonly name = '';
  readonly retry = NO_RETRY;
  readonly #writer: DockerArchiveWriter;
  /** Canonical `registry/repository:tag` strings for manifest.json RepoTags. */
  readonly #repoTags: readonly string[];

  constructor(writer: DockerArchiveWriter, repoTags: readonly string[]) {
    this.#writer = writer;
    this.#repoTags = repoTags;
    this.registry = `docker-archive:${writer.archivePath}`;
  }

  /** A new archive holds nothing yet: never "up to date". */
  async headManifest(): Promise<ManifestHead | undefined> {
    return undefined;
  }

  async listTagsPage(): Promise<TagsPage> {
    return { tags: [], next: undefined };
  }

  headBlob(digest: string): Promise<number | undefined> {
    return this.#writer.blobSize(digest);
  }

  async startUpload(): Promise<StartUploadResult> {
    return { mounted: false, session: ARCHIVE_SESSION };
  }

  async putMonolithic(_session: UploadSession, desc: Descriptor, body: AsyncIterable<Buffer>): Promise<void> {
    if (!(await this.#writer.stageBlob(desc, body))) await releaseUnread(body);
  }

  putChunked(session: UploadSession, desc: Descriptor, body: AsyncIterable<Buffer>): Promise<void> {
    return this.putMonolithic(session, desc, body);
  }

  async cancelUpload(): Promise<void> {}

  /** Returns the digest of the image as stored (what skopeo reports), not of the source manifest. */
  async putManifest(_reference: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const parsed = parseManifest(bytes, mediaType, this.registry);
    if (parsed.kind === 'index') {
      throw new LayoutError(
        LayoutErrorCode.MultipleImages,
        this.#writer.archivePath,
        `${this.#writer.archivePath}: docker-archive holds single images, not a manifest list; select one platform (--platform os/arch)`,
      );
    }
    return this.#writer.addImage(parsed.manifest, this.#repoTags);
  }
}
