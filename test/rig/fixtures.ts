import { createCipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { type FixtureBlob, MEDIA_TYPES, sha256Digest } from './oci.ts';
import { makeTempDir, type TempDir } from './temp-dir.ts';

export { blobStream, type FixtureBlob, MEDIA_TYPES, sha256Digest } from './oci.ts';
export { pushImage } from './rig-client.ts';

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface IndexManifest {
  schemaVersion: 2;
  mediaType: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface BuiltImage {
  kind: 'image';
  mediaType: string;
  manifest: ImageManifest;
  /** The exact bytes to push; the digest is over these, never over a re-serialisation. */
  manifestBytes: Buffer;
  manifestDigest: string;
  config: Record<string, unknown>;
  configBlob: FixtureBlob;
  layers: FixtureBlob[];
  /** Config first, then layers. */
  blobs: FixtureBlob[];
  platform: Platform;
  /** Suggested tag (cosign signatures: `sha256-<hex>.sig`). */
  tag?: string;
  /** Removes the temp dir this image created for large layers (none when `dir` was given). */
  dispose(): Promise<void>;
}

export interface BuiltIndex {
  kind: 'index';
  mediaType: string;
  manifest: IndexManifest;
  manifestBytes: Buffer;
  manifestDigest: string;
  images: BuiltImage[];
  dispose(): Promise<void>;
}

export type Fixture = BuiltImage | BuiltIndex;

export interface BuildImageOptions {
  /**
   * Size in bytes of the single random file inside each layer. A layer with its own `seed` is the same
   * blob in every image that uses that seed (shared base layers).
   */
  layers: ReadonlyArray<number | { size: number; seed?: string }>;
  platform?: Platform;
  /** Same seed ⇒ byte-identical image (same digests). Random when omitted. */
  seed?: string | number;
  /** Docker v2s2 (default) or OCI media types. */
  format?: 'docker' | 'oci';
  /** Directory for large layer files; a temp dir owned by the image when omitted. */
  dir?: string;
  /** Layers up to this many bytes stay in memory. Default 8 MiB. */
  inMemoryMaxBytes?: number;
  /**
   * gzip level. Default 1 up to 16 MiB, 0 (stored blocks, still valid gzip) above: random data
   * does not compress anyway and level 1 runs at ~50 MB/s against ~200 MB/s for level 0.
   */
  gzipLevel?: number;
  annotations?: Record<string, string>;
  /** Pads the manifest (via an annotation) to at least this many bytes: big-manifest tests. */
  padManifestTo?: number;
  labels?: Record<string, string>;
}

const DEFAULT_PLATFORM: Platform = { os: 'linux', architecture: 'amd64' };
// Fixed timestamps keep seeded images reproducible across runs.
const CREATED = '2024-01-01T00:00:00Z';

export async function buildImage(opts: BuildImageOptions): Promise<BuiltImage> {
  const format = opts.format ?? 'docker';
  const platform = opts.platform ?? DEFAULT_PLATFORM;
  const seed = String(opts.seed ?? randomUUID());
  const memoryMax = opts.inMemoryMaxBytes ?? 8 * 1024 * 1024;
  let owned: TempDir | undefined;
  let dir = opts.dir;
  const needsDir = opts.layers.some((l) => sizeOf(l) > memoryMax);
  if (needsDir && dir === undefined) {
    owned = await makeTempDir('fixture');
    dir = owned.path;
  }
  if (dir !== undefined) await mkdir(dir, { recursive: true });

  try {
    const layerMediaType = format === 'oci' ? MEDIA_TYPES.ociLayer : MEDIA_TYPES.dockerLayer;
    const layers: FixtureBlob[] = [];
    const diffIds: string[] = [];
    for (const [i, l] of opts.layers.entries()) {
      const size = sizeOf(l);
      const layerSeed =
        typeof l === 'object' && l.seed !== undefined
          ? `shared:${l.seed}`
          : `${seed}:${platformString(platform)}:layer:${i}`;
      const level = opts.gzipLevel ?? (size > 16 * 1024 * 1024 ? 0 : 1);
      const path =
        size > memoryMax && dir !== undefined ? join(dir, `layer-${sha256Hex(layerSeed)}.tar.gz`) : undefined;
      const built = await buildLayer({ size, seed: layerSeed, level, path, fileName: `data-${i}.bin` });
      layers.push({ ...built.blob, mediaType: layerMediaType });
      diffIds.push(built.diffId);
    }
    const config: Record<string, unknown> = {
      architecture: platform.architecture,
      os: platform.os,
      ...(platform.variant ? { variant: platform.variant } : {}),
      created: CREATED,
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        Labels: { 'dev.ferry.rig.seed': seed, ...opts.labels },
      },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: diffIds.map((_, i) => ({ created: CREATED, created_by: `ferry rig layer ${i}` })),
    };
    const configBlob = bytesBlob(
      Buffer.from(JSON.stringify(config)),
      format === 'oci' ? MEDIA_TYPES.ociConfig : MEDIA_TYPES.dockerConfig,
    );
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: format === 'oci' ? MEDIA_TYPES.ociManifest : MEDIA_TYPES.dockerManifest,
      config: descriptor(configBlob),
      layers: layers.map(descriptor),
      ...(opts.annotations ? { annotations: { ...opts.annotations } } : {}),
    };
    return finishImage(manifest, config, configBlob, layers, platform, opts.padManifestTo, owned);
  } catch (err) {
    await owned?.remove();
    throw err;
  }
}

export interface BuildIndexOptions {
  /** OCI image index (default: Docker manifest list). */
  oci?: boolean;
  annotations?: Record<string, string>;
}

/** A multi-arch index over per-platform images (build them with distinct `platform`s). */
export function buildIndex(images: BuiltImage[], opts: BuildIndexOptions = {}): BuiltIndex {
  const manifest: IndexManifest = {
    schemaVersion: 2,
    mediaType: opts.oci ? MEDIA_TYPES.ociIndex : MEDIA_TYPES.dockerList,
    manifests: images.map((img) => ({
      mediaType: img.mediaType,
      digest: img.manifestDigest,
      size: img.manifestBytes.length,
      platform: { ...img.platform },
    })),
    ...(opts.annotations ? { annotations: { ...opts.annotations } } : {}),
  };
  const manifestBytes = serialise(manifest);
  return {
    kind: 'index',
    mediaType: manifest.mediaType,
    manifest,
    manifestBytes,
    manifestDigest: sha256Digest(manifestBytes),
    images,
    async dispose() {
      for (const img of images) await img.dispose();
    },
  };
}

/** Convenience: one small image per platform, wrapped in an index. */
export async function buildMultiArch(
  platforms: Platform[],
  opts: Omit<BuildImageOptions, 'platform'> & BuildIndexOptions,
): Promise<BuiltIndex> {
  const images: BuiltImage[] = [];
  for (const platform of platforms) images.push(await buildImage({ ...opts, platform }));
  return buildIndex(images, opts);
}

/**
 * A cosign-style signature image for `subjectDigest`, to be pushed under `image.tag`
 * (`sha256-<hex>.sig`). The signature is random base64 (shape, not cryptography) unless `sign` is
 * given: then it is `sign(payload)`, e.g. a real ECDSA signature (base64 DER) over the payload blob.
 */
export function buildCosignSignature(
  subjectDigest: string,
  dockerReference: string,
  sign?: (payload: Buffer) => string,
): BuiltImage {
  const simpleSigning = Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': dockerReference },
        image: { 'docker-manifest-digest': subjectDigest },
        type: 'cosign container image signature',
      },
      optional: null,
    }),
  );
  const layer = bytesBlob(simpleSigning, MEDIA_TYPES.cosignSimpleSigning);
  const config = {
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: [{ created: '0001-01-01T00:00:00Z' }],
    os: '',
    rootfs: { type: 'layers', diff_ids: [layer.digest] },
    config: {},
  };
  const configBlob = bytesBlob(Buffer.from(JSON.stringify(config)), MEDIA_TYPES.ociConfig);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: descriptor(configBlob),
    layers: [
      {
        ...descriptor(layer),
        annotations: {
          'dev.cosignproject.cosign/signature': sign
            ? sign(simpleSigning)
            : randomBytes(72).toString('base64'),
        },
      },
    ],
  };
  const image = finishImage(
    manifest,
    config,
    configBlob,
    [layer],
    { os: '', architecture: '' },
    undefined,
    undefined,
  );
  image.tag = `${subjectDigest.replace(':', '-')}.sig`;
  return image;
}

function finishImage(
  manifest: ImageManifest,
  config: Record<string, unknown>,
  configBlob: FixtureBlob,
  layers: FixtureBlob[],
  platform: Platform,
  padTo: number | undefined,
  owned: TempDir | undefined,
): BuiltImage {
  let manifestBytes = serialise(manifest);
  if (padTo !== undefined && manifestBytes.length < padTo) {
    // Measure with an empty filler first so the result is exactly padTo bytes when reachable.
    manifest.annotations = { ...manifest.annotations, 'dev.ferry.rig/padding': '' };
    const base = serialise(manifest).length;
    manifest.annotations['dev.ferry.rig/padding'] = 'x'.repeat(Math.max(0, padTo - base));
    manifestBytes = serialise(manifest);
  }
  return {
    kind: 'image',
    mediaType: manifest.mediaType,
    manifest,
    manifestBytes,
    manifestDigest: sha256Digest(manifestBytes),
    config,
    configBlob,
    layers,
    blobs: [configBlob, ...layers],
    platform,
    async dispose() {
      await owned?.remove();
    },
  };
}

/** Three-space indentation like docker's own output: clients must hash bytes, not re-encode. */
function serialise(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 3));
}

function descriptor(blob: FixtureBlob): Descriptor {
  return { mediaType: blob.mediaType, digest: blob.digest, size: blob.size };
}

function bytesBlob(bytes: Buffer, mediaType: string): FixtureBlob {
  return { digest: sha256Digest(bytes), size: bytes.length, mediaType, bytes };
}

function sizeOf(l: number | { size: number }): number {
  return typeof l === 'number' ? l : l.size;
}

function platformString(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

interface LayerInput {
  size: number;
  seed: string;
  level: number;
  path: string | undefined;
  fileName: string;
}

/**
 * Streams tar(one file of `size` pseudo-random bytes) through gzip, hashing both sides, into a
 * file or memory. Content comes from an AES-256-CTR keystream: fast, and deterministic per seed.
 */
async function buildLayer(
  input: LayerInput,
): Promise<{ blob: Omit<FixtureBlob, 'mediaType'>; diffId: string }> {
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  const gzip = createGzip({ level: input.level });
  const chunks: Buffer[] = [];
  let gzSize = 0;
  const sink = input.path ? createWriteStream(input.path) : undefined;
  gzip.on('data', (c: Buffer) => {
    gzHash.update(c);
    gzSize += c.length;
    if (sink) {
      if (!sink.write(c)) {
        gzip.pause();
        sink.once('drain', () => gzip.resume());
      }
    } else chunks.push(c);
  });
  const gzipDone = new Promise<void>((resolve, reject) => {
    gzip.once('end', resolve);
    gzip.once('error', reject);
  });
  const write = async (b: Buffer) => {
    tarHash.update(b);
    if (!gzip.write(b)) await new Promise((r) => gzip.once('drain', r));
  };

  await write(tarHeader(input.fileName, input.size));
  const key = createHash('sha256').update(input.seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(1024 * 1024);
  for (let left = input.size; left > 0; ) {
    const n = Math.min(left, zeros.length);
    await write(cipher.update(n === zeros.length ? zeros : zeros.subarray(0, n)));
    left -= n;
  }
  const pad = (512 - (input.size % 512)) % 512;
  // Content padding plus the two zero blocks that end a tar archive.
  await write(Buffer.alloc(pad + 1024));
  gzip.end();
  await gzipDone;
  if (sink)
    await new Promise<void>((resolve, reject) =>
      sink.end((err?: Error | null) => (err ? reject(err) : resolve())),
    );

  const digest = `sha256:${gzHash.digest('hex')}`;
  const blob = input.path
    ? { digest, size: gzSize, path: input.path }
    : { digest, size: gzSize, bytes: Buffer.concat(chunks) };
  return { blob, diffId: `sha256:${tarHash.digest('hex')}` };
}

function tarHeader(name: string, size: number): Buffer {
  if (size >= 8 * 1024 ** 3) throw new Error('fixture layers are limited to < 8 GiB (ustar size field)');
  const h = Buffer.alloc(512);
  const put = (offset: number, length: number, value: string) => h.write(value, offset, length, 'ascii');
  const octal = (n: number, width: number) => `${n.toString(8).padStart(width - 1, '0')}\0`;
  put(0, 100, name);
  put(100, 8, octal(0o644, 8));
  put(108, 8, octal(0, 8));
  put(116, 8, octal(0, 8));
  put(124, 12, octal(size, 12));
  put(136, 12, octal(Date.parse(CREATED) / 1000, 12));
  put(148, 8, '        ');
  put(156, 1, '0');
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  put(265, 32, 'root');
  put(297, 32, 'root');
  let sum = 0;
  for (const byte of h) sum += byte;
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}
