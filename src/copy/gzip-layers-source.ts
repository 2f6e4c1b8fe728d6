/**
 * A docker-archive image as registries and OCI layouts want it: layers gzip-compressed. skopeo does
 * the same when it copies from docker-archive: (the registry and oci destinations ask for
 * `types.Compress`, the archive's layers are uncompressed, so copy.go compresses them on the way).
 * The compressed bytes come from node:zlib, not Go's compress/flate, so the layer digests — and the
 * manifest digest — differ from the ones skopeo would push; the config, DiffIDs and file contents
 * are the same.
 *
 * Layers are compressed to temp files first: a manifest names each blob's digest and size, which are
 * only known once the compressed bytes exist.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { schema2ManifestJson } from '../layout/docker-archive-format.ts';
import { sha256Digest } from '../oci/digest.ts';
import { DigestVerifier } from '../oci/digest-verifier.ts';
import { type Descriptor, parseManifest } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import type { BlobReader } from '../registry/blobs.ts';
import type { FetchedManifest, ManifestHead } from '../registry/manifests.ts';
import type { RetryPolicy } from '../registry/retry.ts';
import type { TagsPage } from '../registry/tags.ts';
import { DOCKER_LAYER_GZIP } from './docker-archive-source.ts';
import type { CopySource } from './endpoints.ts';
import { iterableBlobReader } from './iterable-blob-reader.ts';
import { forEachLimit } from './limit.ts';

interface CompressedLayer {
  readonly path: string;
  readonly digest: string;
  readonly size: number;
}

export class GzipLayersSource implements CopySource {
  readonly registry: string;
  readonly name: string;
  readonly retry: RetryPolicy;
  readonly #inner: CopySource;
  readonly #tmpDir: string;
  readonly #parallel: number;
  #work: string | undefined;
  readonly #layers = new Map<string, CompressedLayer>();
  #manifest: Promise<FetchedManifest | undefined> | undefined;

  constructor(
    inner: CopySource,
    options: { tmpDir?: string | undefined; parallel?: number | undefined } = {},
  ) {
    this.#inner = inner;
    this.registry = inner.registry;
    this.name = inner.name;
    this.retry = inner.retry;
    this.#tmpDir = options.tmpDir ?? tmpdir();
    this.#parallel = options.parallel ?? 2;
  }

  /** Only the image's own manifest ('' or its digest) is served; it is built once. */
  getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest | undefined> {
    this.#manifest ??= this.#build(signal);
    return this.#manifest.then(async (m) => {
      if (!m) return undefined;
      if (reference === '' || reference === m.digest) return m;
      const innerHead = await this.#inner.headManifest('', signal);
      return innerHead?.digest === reference ? m : undefined;
    });
  }

  async headManifest(reference: string, signal?: AbortSignal): Promise<ManifestHead | undefined> {
    const m = await this.getManifest(reference, signal);
    return m && { digest: m.digest, mediaType: m.parsed.mediaType, size: m.parsed.bytes.byteLength };
  }

  async #build(signal?: AbortSignal): Promise<FetchedManifest | undefined> {
    const source = await this.#inner.getManifest('', signal);
    if (source?.parsed.kind !== 'image') return source;
    const manifest = source.parsed.manifest;
    this.#work = await mkdtemp(join(this.#tmpDir, 'ferry-gzip-layers-'));
    const distinct = [...new Map(manifest.layers.map((l) => [l.digest, l])).values()];
    await forEachLimit(distinct, this.#parallel, async (layer) => {
      this.#layers.set(layer.digest, await this.#compress(layer, signal));
    });
    const bytes = Buffer.from(
      schema2ManifestJson(
        { mediaType: manifest.config.mediaType, size: manifest.config.size, digest: manifest.config.digest },
        manifest.layers.map((l) => {
          const c = this.#layers.get(l.digest) as CompressedLayer;
          return { mediaType: DOCKER_LAYER_GZIP, size: c.size, digest: c.digest };
        }),
      ),
    );
    return {
      digest: sha256Digest(bytes),
      parsed: parseManifest(bytes, MediaType.DockerManifest, this.registry),
    };
  }

  async #compress(layer: Descriptor, signal?: AbortSignal): Promise<CompressedLayer> {
    const path = join(this.#work as string, layer.digest.replace(':', '-'));
    const hash = createHash('sha256');
    let size = 0;
    const out = await open(path, 'wx', 0o600);
    try {
      await pipeline(
        Readable.from(this.#inner.openBlob(layer, signal)),
        createGzip(),
        async (gzipped: AsyncIterable<Buffer>) => {
          for await (const chunk of gzipped) {
            hash.update(chunk);
            size += chunk.byteLength;
            await out.write(chunk);
          }
        },
      );
    } finally {
      await out.close();
    }
    return { path, digest: `sha256:${hash.digest('hex')}`, size };
  }

  openBlob(desc: Descriptor, signal?: AbortSignal): BlobReader {
    const compressed = [...this.#layers.values()].find((c) => c.digest === desc.digest);
    if (!compressed) return this.#inner.openBlob(desc, signal);
    return iterableBlobReader(readVerified(compressed));
  }

  listTagsPage(url?: string, signal?: AbortSignal): Promise<TagsPage> {
    return this.#inner.listTagsPage(url, signal);
  }

  listReferrersApi(digest: string, signal?: AbortSignal): Promise<Descriptor[] | undefined> {
    return this.#inner.listReferrersApi(digest, signal);
  }

  /** Remove the compressed copies. */
  async close(): Promise<void> {
    if (this.#work !== undefined) await rm(this.#work, { recursive: true, force: true });
  }
}

async function* readVerified(layer: CompressedLayer): AsyncGenerator<Buffer> {
  const verifier = new DigestVerifier(layer.digest, layer.size, `compressed layer ${layer.digest}`);
  for await (const chunk of createReadStream(layer.path, {
    highWaterMark: 1024 * 1024,
  }) as AsyncIterable<Buffer>) {
    verifier.update(chunk);
    yield chunk;
  }
  verifier.finish();
}
