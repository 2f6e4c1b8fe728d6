import type { Descriptor } from '../oci/manifest.ts';
import { type BlobReader, getBlobBytes, headBlob, type OpenBlobOptions, openBlob } from './blobs.ts';
import {
  deleteManifest,
  type FetchedManifest,
  getManifest,
  headManifest,
  type ManifestHead,
  putManifest,
} from './manifests.ts';
import { listReferrers, listReferrersApi } from './referrers.ts';
import { ReferrersTagWriter, subjectLink } from './referrers-tag.ts';
import type { RegistryTransport } from './registry-transport.ts';
import { type RepositoryContext, repositoryScope } from './repository-context.ts';
import type { RetryPolicy } from './retry.ts';
import { listTags, listTagsPage, type TagsPage } from './tags.ts';
import {
  type ChunkedUploadOptions,
  cancelUpload,
  putChunked,
  putMonolithic,
  type StartUploadResult,
  startUpload,
  type UploadSession,
  type UploadStatus,
  uploadStatus,
} from './uploads.ts';

/** One repository on one registry, with the verbs of the distribution spec. */
export class Repository {
  readonly ctx: RepositoryContext;
  readonly #referrersTags: ReferrersTagWriter;

  /** `scopes` replaces the pull(/push) scope, e.g. `repository:NAME:*` for a manifest DELETE. */
  constructor(
    transport: RegistryTransport,
    name: string,
    options: { push: boolean; scopes?: readonly string[] | undefined },
  ) {
    this.ctx = {
      transport,
      name,
      scopes: options.scopes ?? [repositoryScope(name, options.push)],
    };
    this.#referrersTags = new ReferrersTagWriter(this.ctx);
  }

  get registry(): string {
    return this.ctx.transport.registry;
  }

  get name(): string {
    return this.ctx.name;
  }

  get retry(): RetryPolicy {
    return this.ctx.transport.retry;
  }

  headManifest(reference: string, signal?: AbortSignal): Promise<ManifestHead | undefined> {
    return headManifest(this.ctx, reference, signal);
  }

  getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest | undefined> {
    return getManifest(this.ctx, reference, signal);
  }

  /**
   * PUT a manifest; one with a `subject` pushed to a registry that did not index it (no `OCI-Subject` in
   * the response: no referrers API) is also added to the subject's referrers tag, so it can be found.
   */
  async putManifest(
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const pushed = await putManifest(this.ctx, reference, bytes, mediaType, signal);
    const link = subjectLink(bytes, mediaType, pushed.digest);
    if (link && pushed.ociSubject === undefined) await this.#referrersTags.add(link, signal);
    return pushed.digest;
  }

  deleteManifest(digest: string, signal?: AbortSignal): Promise<void> {
    return deleteManifest(this.ctx, digest, signal);
  }

  headBlob(digest: string, signal?: AbortSignal): Promise<number | undefined> {
    return headBlob(this.ctx, digest, signal);
  }

  openBlob(desc: Descriptor, signal?: AbortSignal, options?: OpenBlobOptions): BlobReader {
    return openBlob(this.ctx, desc, signal, options);
  }

  getBlobBytes(desc: Descriptor, signal?: AbortSignal): Promise<Buffer> {
    return getBlobBytes(this.ctx, desc, signal);
  }

  startUpload(mount?: { digest: string; from: string }, signal?: AbortSignal): Promise<StartUploadResult> {
    return startUpload(this.ctx, mount, signal);
  }

  putMonolithic(
    session: UploadSession,
    desc: Descriptor,
    body: AsyncIterable<Buffer>,
    signal?: AbortSignal,
  ): Promise<void> {
    return putMonolithic(this.ctx, session, desc, body, signal);
  }

  putChunked(
    session: UploadSession,
    desc: Descriptor,
    body: AsyncIterable<Buffer>,
    chunkSize: number,
    signal?: AbortSignal,
    options?: ChunkedUploadOptions,
  ) {
    return putChunked(this.ctx, session, desc, body, chunkSize, signal, options);
  }

  uploadStatus(location: string, signal?: AbortSignal): Promise<UploadStatus> {
    return uploadStatus(this.ctx, location, signal);
  }

  cancelUpload(session: UploadSession): Promise<void> {
    return cancelUpload(this.ctx, session);
  }

  /** All tags; `pageSize` is the `n` asked per page (default 1000). */
  listTags(signal?: AbortSignal, pageSize?: number): Promise<string[]> {
    return listTags(this.ctx, signal, pageSize);
  }

  listTagsPage(url?: string, signal?: AbortSignal): Promise<TagsPage> {
    return listTagsPage(this.ctx, url, signal);
  }

  listReferrers(digest: string, signal?: AbortSignal): Promise<Descriptor[]> {
    return listReferrers(this.ctx, digest, signal);
  }

  /** Undefined when the registry lacks the referrers API. */
  listReferrersApi(digest: string, signal?: AbortSignal): Promise<Descriptor[] | undefined> {
    return listReferrersApi(this.ctx, digest, signal);
  }
}
