/**
 * Writing `docker-archive:FILE[:REF]` the way containers/image v5.23 docker/internal/tarfile
 * `Destination`/`Writer` do, so that `docker load` and skopeo read it and the bytes match skopeo's:
 *
 * - layers are stored uncompressed (`DesiredLayerCompression: types.Decompress`) as `<diffid-hex>.tar`,
 *   each checked against the config's `rootfs.diff_ids`; the config as `<config-hex>.json`;
 * - entries in skopeo's order: layers, config, the legacy `<id>/{layer.tar,VERSION,json}` directories,
 *   then `manifest.json` and `repositories`; Go archive/tar headers (mode 0444, mtime 0);
 * - RepoTags are the destination reference plus `--additional-tag`s, canonical (`docker.io/library/…`);
 * - a file that exists and is not empty is refused (dest.go: "docker-archive doesn't support
 *   modifying existing images"); an index cannot be stored (one image per manifest.json item).
 *
 * Unlike skopeo, which streams into the destination file, blobs are staged in a temp directory and
 * the tar is written beside the target and renamed on `commit()`: a failed copy leaves nothing.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { sha256Digest } from '../oci/digest.ts';
import { DigestVerifier } from '../oci/digest-verifier.ts';
import type { Descriptor, ImageManifest } from '../oci/manifest.ts';
import { resolveWriteTarget, syncDirectory } from './atomic-write.ts';
import {
  ARCHIVE_MANIFEST,
  ARCHIVE_REPOSITORIES,
  archiveManifestJson,
  configFileName,
  diffIDsOf,
  type LegacyLayer,
  layerFileName,
  legacyLayers,
  type ManifestItem,
  repositoriesJson,
  schema2ManifestJson,
} from './docker-archive-format.ts';
import { isErrno } from './file-lock.ts';
import { COMPRESSION_MAGIC_BYTES, decompressed, detectCompression } from './layer-compression.ts';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';
import { writeBytesEntry, writeEndOfArchive, writeFileEntry, writeSymlinkEntry } from './tar-writer.ts';
import { writeVerified } from './write-verified.ts';

/** Go's tar FileInfoHeader of containers/image's `tarFI`: read-only files. */
const FILE_MODE = 0o444;
/** containers/image manifest.DockerV2Schema2ConfigMediaType and …LayerUncompressedMediaType. */
const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
const DOCKER_LAYER_TAR = 'application/vnd.docker.image.rootfs.diff.tar';
const GO = { goStyle: true } as const;

export interface DockerArchiveWriterOptions {
  /** Where blobs are staged; needs room for the image, uncompressed. Default os.tmpdir(). */
  readonly tmpDir?: string | undefined;
}

interface StagedImage {
  readonly item: ManifestItem;
  readonly configDigest: string;
  readonly legacy: readonly LegacyLayer[];
}

export class DockerArchiveWriter {
  readonly archivePath: string;
  readonly #work: string;
  readonly #images: StagedImage[] = [];

  private constructor(archivePath: string, work: string) {
    this.archivePath = archivePath;
    this.#work = work;
  }

  static async create(path: string, options: DockerArchiveWriterOptions = {}): Promise<DockerArchiveWriter> {
    // Through a symbolic link, the file it names is the one replaced (the link stays).
    const archivePath = await resolveWriteTarget(resolve(path));
    await checkWritable(archivePath);
    const work = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'ferry-docker-archive-'));
    await Promise.all([mkdir(join(work, 'blobs')), mkdir(join(work, 'layers'))]);
    return new DockerArchiveWriter(archivePath, work);
  }

  #blobPath(digest: string): string {
    return join(this.#work, 'blobs', hexOf(digest));
  }

  #layerPath(diffID: string): string {
    return join(this.#work, 'layers', layerFileName(diffID));
  }

  async blobSize(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.#blobPath(digest))).size;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /** Stage a blob as received (verified against `desc`). False when it was already staged. */
  async stageBlob(
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<boolean> {
    if ((await this.blobSize(desc.digest)) !== undefined) return false;
    const target = this.#blobPath(desc.digest);
    const tmp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    await writeVerified(tmp, target, desc, source, { what: `blob ${desc.digest}`, fsync: false });
    return true;
  }

  /**
   * Add the image `manifest` (its blobs staged) under `repoTags`: layers are decompressed and
   * checked against the config's DiffIDs (dest.go PutManifest → writer.go ensureManifestItemLocked).
   * Returns the digest skopeo reports for the image it wrote (`--digestfile`): that of the schema 2
   * manifest describing the stored, uncompressed layers (`…rootfs.diff.tar`, DiffID, size).
   */
  async addImage(manifest: ImageManifest, repoTags: readonly string[]): Promise<string> {
    const configDigest = manifest.config.digest;
    const configBytes = await readSmall(this.#blobPath(configDigest));
    const configText = configBytes.toString('utf8');
    let diffIDs: string[];
    try {
      diffIDs = diffIDsOf(configBytes);
    } catch (cause) {
      throw new LayoutError(
        LayoutErrorCode.BadArchive,
        this.archivePath,
        `config ${configDigest}: ${(cause as Error).message}`,
        { cause },
      );
    }
    if (diffIDs.length !== manifest.layers.length) {
      throw new LayoutError(
        LayoutErrorCode.BadArchive,
        this.archivePath,
        `image has ${manifest.layers.length} layers but its config lists ${diffIDs.length} DiffIDs`,
      );
    }
    const sizes: number[] = [];
    for (const [i, layer] of manifest.layers.entries()) {
      sizes.push(await this.#uncompressLayer(layer.digest, diffIDs[i] as string));
    }
    this.#images.push({
      item: {
        Config: configFileName(configDigest),
        RepoTags: [...new Set(repoTags)],
        Layers: diffIDs.map(layerFileName),
      },
      configDigest,
      legacy: legacyLayers(diffIDs, configText),
    });
    const written = schema2ManifestJson(
      { mediaType: DOCKER_CONFIG, size: configBytes.byteLength, digest: configDigest },
      diffIDs.map((digest, i) => ({ mediaType: DOCKER_LAYER_TAR, size: sizes[i] as number, digest })),
    );
    return sha256Digest(Buffer.from(written));
  }

  /** Decompress a staged layer to `<diffid-hex>.tar` (once); returns its uncompressed size. */
  async #uncompressLayer(blobDigest: string, diffID: string): Promise<number> {
    const target = this.#layerPath(diffID);
    if (await exists(target)) return (await stat(target)).size;
    const source = this.#blobPath(blobDigest);
    if (!(await exists(source))) {
      // A foreign (non-distributable) layer is never copied, and an archive cannot refer to a URL.
      throw new LayoutError(
        LayoutErrorCode.BlobNotFound,
        this.archivePath,
        `layer ${blobDigest} was not copied (a foreign layer?); docker-archive needs every layer's content`,
      );
    }
    const head = await readHead(source);
    const compression = detectCompression(head);
    const verifier = new DigestVerifier(
      diffID,
      undefined,
      `uncompressed layer ${blobDigest} (DiffID ${diffID})`,
    );
    const tmp = `${target}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      const out = await open(tmp, 'wx', 0o644);
      try {
        const raw = createReadStream(source, { highWaterMark: 1024 * 1024 });
        for await (const chunk of decompressed(
          raw,
          compression,
          `layer ${blobDigest}`,
        ) as AsyncIterable<Buffer>) {
          verifier.update(chunk);
          await out.write(chunk);
        }
        verifier.finish();
      } finally {
        await out.close();
      }
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return verifier.bytes;
  }

  /** Write the tar beside the target, rename it into place, and remove the staging directory. */
  async commit(): Promise<void> {
    if (await isSpecialFile(this.archivePath)) {
      // A pipe or device (`docker-archive:/dev/stdout`, as skopeo allows): nothing to rename, stream.
      try {
        const out = await open(this.archivePath, 'w');
        try {
          await this.#writeTar(out);
        } finally {
          await out.close();
        }
      } finally {
        await this.discard();
      }
      return;
    }
    const tmp = join(
      dirname(this.archivePath),
      `.${basename(this.archivePath)}.tmp-${randomBytes(6).toString('hex')}`,
    );
    try {
      await checkWritable(this.archivePath);
      const out = await open(tmp, 'wx', 0o644);
      try {
        await this.#writeTar(out);
        await out.sync();
      } finally {
        await out.close();
      }
      await rename(tmp, this.archivePath);
      await syncDirectory(dirname(this.archivePath));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    } finally {
      await this.discard();
    }
  }

  discard(): Promise<void> {
    return rm(this.#work, { recursive: true, force: true });
  }

  async #writeTar(out: Awaited<ReturnType<typeof open>>): Promise<void> {
    const written = new Set<string>();
    const repositories = new Map<string, Map<string, string>>();
    for (const image of this.#images) {
      for (const layer of image.item.Layers) {
        if (written.has(layer)) continue;
        written.add(layer);
        await writeFileEntry(out, layer, join(this.#work, 'layers', layer), FILE_MODE, GO);
      }
      if (!written.has(image.item.Config)) {
        written.add(image.item.Config);
        await writeFileEntry(out, image.item.Config, this.#blobPath(image.configDigest), FILE_MODE, GO);
      }
      for (const legacy of image.legacy) {
        if (written.has(legacy.id)) continue;
        written.add(legacy.id);
        await writeSymlinkEntry(out, `${legacy.id}/layer.tar`, `../${layerFileName(legacy.diffID)}`, GO);
        await writeBytesEntry(out, `${legacy.id}/VERSION`, Buffer.from('1.0'), FILE_MODE, GO);
        await writeBytesEntry(out, `${legacy.id}/json`, Buffer.from(legacy.json), FILE_MODE, GO);
      }
      const top = image.legacy.at(-1);
      if (top !== undefined) {
        for (const repoTag of image.item.RepoTags) {
          const colon = repoTag.lastIndexOf(':');
          const name = repoTag.slice(0, colon);
          const tags = repositories.get(name) ?? new Map<string, string>();
          tags.set(repoTag.slice(colon + 1), top.id);
          repositories.set(name, tags);
        }
      }
    }
    await writeBytesEntry(
      out,
      ARCHIVE_MANIFEST,
      Buffer.from(archiveManifestJson(this.#images.map((i) => i.item))),
      FILE_MODE,
      GO,
    );
    await writeBytesEntry(
      out,
      ARCHIVE_REPOSITORIES,
      Buffer.from(repositoriesJson(repositories)),
      FILE_MODE,
      GO,
    );
    await writeEndOfArchive(out);
  }
}

async function isSpecialFile(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    return !info.isFile() && !info.isDirectory();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/** skopeo's writer.go `NewWriter` checks: an existing non-empty file is never modified. */
async function checkWritable(archivePath: string): Promise<void> {
  try {
    const info = await stat(archivePath);
    if (info.isDirectory()) {
      throw new LayoutError(LayoutErrorCode.ArchiveExists, archivePath, `${archivePath} is a directory`);
    }
    if (info.isFile() && info.size > 0) {
      throw new LayoutError(
        LayoutErrorCode.ArchiveExists,
        archivePath,
        `${archivePath} exists and is not empty; docker-archive does not modify existing archives (remove it first)`,
      );
    }
  } catch (err) {
    if (!isErrno(err, 'ENOENT')) throw err;
    if (!(await exists(dirname(archivePath)))) {
      throw new LayoutError(
        LayoutErrorCode.NotALayout,
        archivePath,
        `${dirname(archivePath)} does not exist`,
        {
          cause: err,
        },
      );
    }
  }
}

function hexOf(digest: string): string {
  const colon = digest.indexOf(':');
  const hex = digest.slice(colon + 1);
  if (colon <= 0 || !/^[0-9a-f]+$/.test(hex)) throw new Error(`invalid digest ${JSON.stringify(digest)}`);
  return `${digest.slice(0, colon)}-${hex}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

async function readSmall(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    return await fh.readFile();
  } finally {
    await fh.close();
  }
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(COMPRESSION_MAGIC_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
