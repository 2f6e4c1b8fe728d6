/**
 * An OCI image layout seen as a repository, so the copy executor reads from and writes to `oci:` and
 * `oci-archive:` exactly as it does with registries. One layout can hold many images: a `scope` (a
 * repository name such as `team-a/app`) stores its tags as `org.opencontainers.image.ref.name` values
 * `team-a/app:TAG`, which is how `ferry sync` packs a whole image set into one layout or archive. With
 * no scope, names are used as given (`oci:DIR:NAME`, as skopeo writes them).
 *
 * Blobs are shared by every scope of a layout (content addressing), so a "mount" between scopes is free.
 */
import { stat } from 'node:fs/promises';
import { listRefNames, refNameOf } from '../layout/layout-index.ts';
import type { OciLayoutDir } from '../layout/oci-layout-dir.ts';
import { isDigest, sha256Digest } from '../oci/digest.ts';
import type { Descriptor } from '../oci/manifest.ts';
import type { BlobReader } from '../registry/blobs.ts';
import type { FetchedManifest, ManifestHead } from '../registry/manifests.ts';
import { NO_RETRY } from '../registry/retry.ts';
import type { TagsPage } from '../registry/tags.ts';
import type { StartUploadResult, UploadSession } from '../registry/uploads.ts';
import type { CopyDestination, CopySource } from './endpoints.ts';
import { iterableBlobReader, releaseUnread } from './iterable-blob-reader.ts';

/** A layout write needs no session; this one only satisfies the interface. */
const LAYOUT_SESSION: UploadSession = Object.freeze({ location: 'oci-layout', minChunkLength: undefined });

export class LayoutRepository implements CopySource, CopyDestination {
  readonly layout: OciLayoutDir;
  /** `oci:<path>`: blobs "mount" only within the same layout. */
  readonly registry: string;
  readonly name: string;
  /** Local files: a failure is not something a retry fixes. */
  readonly retry = NO_RETRY;

  constructor(layout: OciLayoutDir, scope = '') {
    this.layout = layout;
    this.registry = `oci:${layout.path}`;
    this.name = scope;
  }

  /** The ref name a tag is stored under. */
  refName(tag: string): string {
    return this.name === '' ? tag : `${this.name}:${tag}`;
  }

  /** Tags of this scope (ref names without the scope prefix), in index.json order. */
  async tags(): Promise<string[]> {
    const names = await this.layout.list();
    if (this.name === '') return names;
    const prefix = `${this.name}:`;
    return names.filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
  }

  /**
   * The index.json entry for a tag; for a digest, the blob itself (any manifest in the layout, named
   * or not, e.g. the children of an index). An empty reference means "the only image" (skopeo's
   * `oci:DIR` without a name).
   */
  async #descriptor(reference: string): Promise<Descriptor | undefined> {
    const index = (await this.layout.readIndex()).index;
    if (isDigest(reference)) {
      const listed = index.manifests.find((m) => m.digest === reference);
      if (listed) return listed;
      const size = await this.headBlob(reference);
      return size === undefined ? undefined : { mediaType: '', digest: reference, size };
    }
    if (reference === '' && this.name === '') return this.layout.resolve(undefined);
    const wanted = this.refName(reference);
    return index.manifests.find((m) => refNameOf(m) === wanted);
  }

  async headManifest(reference: string): Promise<ManifestHead | undefined> {
    const desc = await this.#descriptor(reference);
    if (!desc) return undefined;
    return { digest: desc.digest, mediaType: desc.mediaType || undefined, size: desc.size };
  }

  async getManifest(reference: string): Promise<FetchedManifest | undefined> {
    const desc = await this.#descriptor(reference);
    if (!desc) return undefined;
    const parsed = await this.layout.readManifest(desc.digest, desc.mediaType || undefined);
    return { digest: desc.digest, parsed };
  }

  openBlob(desc: Descriptor): BlobReader {
    return iterableBlobReader(this.layout.readBlob(desc.digest, desc.size));
  }

  async listTagsPage(): Promise<TagsPage> {
    return { tags: await this.tags(), next: undefined };
  }

  /** Layouts have no referrers API; cosign-style tags are found through the tag list. */
  async listReferrersApi(): Promise<Descriptor[] | undefined> {
    return undefined;
  }

  async headBlob(digest: string): Promise<number | undefined> {
    try {
      const info = await stat(this.layout.blobFile(digest));
      return info.isFile() ? info.size : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async startUpload(mount?: { digest: string; from: string }): Promise<StartUploadResult> {
    if (mount && (await this.layout.hasBlob(mount.digest))) return { mounted: true };
    return { mounted: false, session: LAYOUT_SESSION };
  }

  async putMonolithic(_session: UploadSession, desc: Descriptor, body: AsyncIterable<Buffer>): Promise<void> {
    const { written } = await this.layout.writeBlob(desc, body);
    // Already present (another image of the same set wrote it): the source was not read; free it.
    if (!written) await releaseUnread(body);
  }

  putChunked(session: UploadSession, desc: Descriptor, body: AsyncIterable<Buffer>): Promise<void> {
    return this.putMonolithic(session, desc, body);
  }

  /** Nothing to cancel: a failed write leaves only a temp file, which writeBlob already removed. */
  async cancelUpload(): Promise<void> {}

  /**
   * Manifests are blobs; a tag, or the entry point of an untagged copy, also gets an index.json entry.
   * The blob is written first so a name never points at missing content.
   */
  async putManifest(
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    _signal?: AbortSignal,
    entryPoint = false,
  ): Promise<string> {
    const digest = sha256Digest(bytes);
    await this.layout.writeBlobBytes({ digest, size: bytes.byteLength }, bytes);
    const desc: Descriptor = { mediaType, digest, size: bytes.byteLength };
    if (!isDigest(reference)) await this.layout.tag(this.refName(reference), desc);
    else if (entryPoint) await this.layout.tag(undefined, desc);
    return digest;
  }
}

/** Ref names grouped by scope: `team-a/app:v1` → scope `team-a/app`, tag `v1`; names without ":" are skipped. */
export async function scopedImages(layout: OciLayoutDir): Promise<Map<string, string[]>> {
  const byScope = new Map<string, string[]>();
  for (const name of listRefNames((await layout.readIndex()).index)) {
    const colon = name.lastIndexOf(':');
    if (colon <= 0) continue;
    const scope = name.slice(0, colon);
    const list = byScope.get(scope) ?? [];
    list.push(name.slice(colon + 1));
    byScope.set(scope, list);
  }
  return byScope;
}
