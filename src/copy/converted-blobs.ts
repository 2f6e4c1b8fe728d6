/**
 * Blobs a conversion produced (spooled layers, re-encoded configs) seen as a copy source, so they go
 * to the destination through the same prepare/transfer path as copied blobs: HEAD-skip, mounts,
 * retries, chunked fallback. Every read is verified against the digest computed when the blob was
 * made, so a spool file damaged on disk is never committed.
 */
import { open } from 'node:fs/promises';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { DigestVerifier } from '../oci/digest-verifier.ts';
import type { Descriptor } from '../oci/manifest.ts';
import type { BlobReader } from '../registry/blobs.ts';
import { NO_RETRY } from '../registry/retry.ts';
import type { CopySource } from './endpoints.ts';
import { iterableBlobReader } from './iterable-blob-reader.ts';

type Content = { readonly path: string } | { readonly bytes: Uint8Array };

export class ConvertedBlobs implements CopySource {
  /** Never equal to a destination's registry: converted blobs are uploaded, not mounted from here. */
  readonly registry = 'ferry-converted:';
  readonly name = '';
  readonly retry = NO_RETRY;
  readonly #content = new Map<string, Content>();

  add(digest: string, content: Content): void {
    this.#content.set(digest, content);
  }

  delete(digest: string): void {
    this.#content.delete(digest);
  }

  openBlob(desc: Descriptor): BlobReader {
    const content = this.#content.get(desc.digest);
    if (!content) throw new FerryError(ErrorCode.Io, `converted blob ${desc.digest} is not available`);
    const verifier = new DigestVerifier(desc.digest, desc.size, `converted blob ${desc.digest}`);
    return iterableBlobReader(
      (async function* verified() {
        for await (const chunk of chunksOf(content)) {
          verifier.update(chunk);
          yield chunk;
        }
        verifier.finish();
      })(),
    );
  }

  // A converted blob is only ever uploaded; nothing reads manifests, tags or referrers from here.
  async headManifest(): Promise<undefined> {
    return undefined;
  }
  async getManifest(): Promise<undefined> {
    return undefined;
  }
  async listTagsPage(): Promise<{ tags: string[]; next: undefined }> {
    return { tags: [], next: undefined };
  }
  async listReferrersApi(): Promise<undefined> {
    return undefined;
  }
}

async function* chunksOf(content: Content): AsyncGenerator<Buffer> {
  if ('bytes' in content) {
    yield Buffer.from(content.bytes);
    return;
  }
  const fh = await open(content.path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1024 * 1024);
    for (;;) {
      const { bytesRead } = await fh.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      // A copy: undici may still hold the previous chunk while we read the next one into the buffer.
      yield Buffer.from(buffer.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}
