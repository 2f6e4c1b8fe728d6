/**
 * What the copy engine needs from either side of a copy. A registry `Repository` satisfies both
 * interfaces as is; an OCI image layout does too (see layout-repository.ts), so `copy` and `sync` work
 * registry ↔ registry, registry ↔ `oci:`/`oci-archive:` with one executor.
 */
import type { Descriptor } from '../oci/manifest.ts';
import type { BlobReader, OpenBlobOptions } from '../registry/blobs.ts';
import type { FetchedManifest, ManifestHead } from '../registry/manifests.ts';
import type { RetryPolicy } from '../registry/retry.ts';
import type { TagsPage } from '../registry/tags.ts';
import type {
  ChunkedUploadOptions,
  StartUploadResult,
  UploadSession,
  UploadStatus,
} from '../registry/uploads.ts';

/** Where an image is read from. */
export interface CopySource {
  /** Registry host, or `oci:<path>` for a layout: blobs mount only within one `registry`. */
  readonly registry: string;
  /** Repository name (for a layout: the name scope, possibly empty). */
  readonly name: string;
  /** Attempts and backoff for a failed blob transfer (the transport's policy; none for local files). */
  readonly retry: RetryPolicy;
  headManifest(reference: string, signal?: AbortSignal): Promise<ManifestHead | undefined>;
  getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest | undefined>;
  openBlob(desc: Descriptor, signal?: AbortSignal, options?: OpenBlobOptions): BlobReader;
  listTagsPage(url?: string, signal?: AbortSignal): Promise<TagsPage>;
  /** Referrers through the API, or undefined when the source has no referrers API. */
  listReferrersApi(digest: string, signal?: AbortSignal): Promise<Descriptor[] | undefined>;
}

/** Where an image is written to. */
export interface CopyDestination {
  readonly registry: string;
  readonly name: string;
  readonly retry: RetryPolicy;
  headManifest(reference: string, signal?: AbortSignal): Promise<ManifestHead | undefined>;
  /** First page of the tag list (empty or a 404 for a repository that does not exist yet). */
  listTagsPage(url?: string, signal?: AbortSignal): Promise<TagsPage>;
  /** Size of the blob when present. */
  headBlob(digest: string, signal?: AbortSignal): Promise<number | undefined>;
  startUpload(mount?: { digest: string; from: string }, signal?: AbortSignal): Promise<StartUploadResult>;
  putMonolithic(
    session: UploadSession,
    desc: Descriptor,
    body: AsyncIterable<Buffer>,
    signal?: AbortSignal,
  ): Promise<void>;
  putChunked(
    session: UploadSession,
    desc: Descriptor,
    body: AsyncIterable<Buffer>,
    chunkSize: number,
    signal?: AbortSignal,
    options?: ChunkedUploadOptions,
  ): Promise<void>;
  cancelUpload(session: UploadSession): Promise<void>;
  /**
   * What the destination knows of an upload session recorded earlier (registries only: sessions of a
   * file destination do not outlive the process). Without it, uploads are never resumed across runs.
   */
  uploadStatus?(location: string, signal?: AbortSignal): Promise<UploadStatus>;
  /**
   * Store a manifest under `reference` (a tag or its digest). `entryPoint` marks the manifest the copy
   * was asked for, pushed last: a layout lists it in index.json even without a name; registries ignore it.
   */
  putManifest(
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    signal?: AbortSignal,
    entryPoint?: boolean,
  ): Promise<string>;
}
