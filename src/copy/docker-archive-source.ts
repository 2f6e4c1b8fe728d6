/**
 * One image of a docker-archive as a copy source. The archive has no registry manifest, so one is
 * generated exactly as containers/image's tarfile/src.go `GetManifest` does: Docker schema 2, the
 * config as stored, and every layer listed by its DiffID with its uncompressed size and the media type
 * `…diff.tar.gzip` (sic: skopeo labels the uncompressed layers so). Copying registry → docker-archive →
 * registry therefore changes the manifest digest, in skopeo as in ferry; the config digest and
 * DiffIDs stay.
 */

import { schema2ManifestJson } from '../layout/docker-archive-format.ts';
import type { ArchiveImage, DockerArchiveReader } from '../layout/docker-archive-reader.ts';
import { LayoutError, LayoutErrorCode } from '../layout/layout-error.ts';
import { sha256Digest } from '../oci/digest.ts';
import { DigestVerifier } from '../oci/digest-verifier.ts';
import { type Descriptor, parseManifest } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import type { BlobReader } from '../registry/blobs.ts';
import type { FetchedManifest, ManifestHead } from '../registry/manifests.ts';
import { NO_RETRY } from '../registry/retry.ts';
import type { TagsPage } from '../registry/tags.ts';
import type { CopySource } from './endpoints.ts';
import { iterableBlobReader } from './iterable-blob-reader.ts';

/** containers/image manifest.DockerV2Schema2LayerMediaType. */
export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export class DockerArchiveSource implements CopySource {
  readonly registry: string;
  readonly name = '';
  readonly retry = NO_RETRY;
  readonly #reader: DockerArchiveReader;
  readonly #image: ArchiveImage;
  readonly #manifest: FetchedManifest;

  constructor(reader: DockerArchiveReader, image: ArchiveImage) {
    this.#reader = reader;
    this.#image = image;
    this.registry = `docker-archive:${reader.archivePath}`;
    const bytes = Buffer.from(
      schema2ManifestJson(
        { mediaType: MediaType.DockerConfig, size: image.configBytes.byteLength, digest: image.configDigest },
        image.diffIDs.map((diffID) => ({
          mediaType: DOCKER_LAYER_GZIP,
          size: image.layers.get(diffID)?.size ?? 0,
          digest: diffID,
        })),
      ),
    );
    const digest = sha256Digest(bytes);
    this.#manifest = { digest, parsed: parseManifest(bytes, MediaType.DockerManifest, `${this.registry}`) };
  }

  #matches(reference: string): boolean {
    return reference === '' || reference === this.#manifest.digest;
  }

  async headManifest(reference: string): Promise<ManifestHead | undefined> {
    if (!this.#matches(reference)) return undefined;
    const { digest, parsed } = this.#manifest;
    return { digest, mediaType: parsed.mediaType, size: parsed.bytes.byteLength };
  }

  async getManifest(reference: string): Promise<FetchedManifest | undefined> {
    return this.#matches(reference) ? this.#manifest : undefined;
  }

  openBlob(desc: Descriptor): BlobReader {
    return iterableBlobReader(this.#blob(desc.digest));
  }

  async *#blob(digest: string): AsyncGenerator<Buffer> {
    if (digest === this.#image.configDigest) {
      yield this.#image.configBytes;
      return;
    }
    const layer = this.#image.layers.get(digest);
    if (!layer) {
      throw new LayoutError(
        LayoutErrorCode.BlobNotFound,
        this.#reader.archivePath,
        `blob ${digest} is not in ${this.#reader.archivePath}`,
      );
    }
    yield* verified(this.#reader.readLayer(layer), digest, layer.size, layer.entry);
  }

  async listTagsPage(): Promise<TagsPage> {
    return { tags: [], next: undefined };
  }

  async listReferrersApi(): Promise<Descriptor[] | undefined> {
    return undefined;
  }
}

/** The uncompressed layer must hash to its DiffID (the config's promise about it). */
async function* verified(
  source: AsyncIterable<Buffer>,
  digest: string,
  size: number,
  what: string,
): AsyncGenerator<Buffer> {
  const verifier = new DigestVerifier(digest, size, `layer ${what}`);
  for await (const chunk of source) {
    verifier.update(chunk);
    yield chunk;
  }
  verifier.finish();
}
