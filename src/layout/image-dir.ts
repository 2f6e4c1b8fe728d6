/**
 * A containers/image `dir:` image directory (skopeo's `dir:PATH`), as containers/image v5.23
 * `directory/directory_transport.go` lays it out:
 *
 * - `version`: exactly "Directory Transport Version: 1.1\n";
 * - `manifest.json`: the manifest the reference resolves to (an index for a multi-arch copy), bytes as
 *   the source served them, so the digest is preserved;
 * - `<hex>.manifest.json`: per-instance manifests of an index, named by the hex part of their digest;
 * - `<hex>`: every blob (configs and layers), named by the hex part of its digest, no algorithm prefix;
 * - `signature-N` / `<hex>.signature-N`: simple-signing signatures, which ferry neither reads nor writes.
 *
 * Every byte read back is checked against its digest.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { assertDigest, sha256Digest } from '../oci/digest.ts';
import { DigestVerifier } from '../oci/digest-verifier.ts';
import type { Descriptor } from '../oci/manifest.ts';
import { isErrno } from './file-lock.ts';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';
import { writeVerified } from './write-verified.ts';

export const IMAGE_DIR_VERSION_FILE = 'version';
/** directory_dest.go `version`: written on create, required before an existing directory is replaced. */
export const IMAGE_DIR_VERSION = 'Directory Transport Version: 1.1\n';
export const IMAGE_DIR_MANIFEST = 'manifest.json';
/** Same bound as for layout manifests (containers/image's 4 MiB): manifests are buffered whole. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
const TEMP_PREFIX = '.ferry-tmp-';

/** The hex half of a validated digest: a file name that can hold neither "/" nor "..". */
function encoded(digest: string): string {
  assertDigest(digest, 'blob');
  return digest.slice(digest.indexOf(':') + 1);
}

export class ImageDir {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  blobPath(digest: string): string {
    return join(this.path, encoded(digest));
  }

  /** `manifest.json`, or `<hex>.manifest.json` for an instance of the top-level index. */
  manifestPath(instanceDigest?: string): string {
    return join(
      this.path,
      instanceDigest === undefined ? IMAGE_DIR_MANIFEST : `${encoded(instanceDigest)}.manifest.json`,
    );
  }

  /**
   * The manifest bytes and their digest, or undefined when the file does not exist. An instance
   * manifest must hash to the digest in its name (it was named after it).
   */
  async readManifest(instanceDigest?: string): Promise<{ bytes: Buffer; digest: string } | undefined> {
    const path = this.manifestPath(instanceDigest);
    let bytes: Buffer;
    try {
      const info = await stat(path);
      if (info.size > MAX_MANIFEST_BYTES) {
        throw new LayoutError(
          LayoutErrorCode.ManifestTooLarge,
          this.path,
          `${path} is larger than ${MAX_MANIFEST_BYTES} bytes`,
        );
      }
      bytes = await readFile(path);
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
      throw err;
    }
    if (instanceDigest === undefined) return { bytes, digest: sha256Digest(bytes) };
    const verifier = new DigestVerifier(instanceDigest, undefined, path);
    verifier.update(bytes);
    verifier.finish();
    return { bytes, digest: instanceDigest };
  }

  /** Size of the blob file, or undefined when absent. */
  async blobSize(digest: string): Promise<number | undefined> {
    try {
      const info = await stat(this.blobPath(digest));
      return info.isFile() ? info.size : undefined;
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /** Stream a blob, verified against `digest` (and `size` when given) before the stream ends. */
  async *readBlob(digest: string, size?: number): AsyncGenerator<Buffer> {
    const path = this.blobPath(digest);
    const verifier = new DigestVerifier(digest, size, `blob ${digest} in ${this.path}`);
    let fh: Awaited<ReturnType<typeof open>>;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) {
        throw new LayoutError(
          LayoutErrorCode.BlobNotFound,
          this.path,
          `blob ${digest} not found in ${this.path}`,
          {
            cause: err,
          },
        );
      }
      throw err;
    }
    for await (const chunk of createReadStream('', {
      fd: fh,
      highWaterMark: 1024 * 1024,
    }) as AsyncIterable<Buffer>) {
      verifier.update(chunk);
      yield chunk;
    }
    verifier.finish();
  }

  /**
   * Store `source` as blob `desc`: written to a temp file, verified, fsynced, renamed to `<hex>`, as
   * directory_dest.go PutBlob does. Returns false (source unread) when the blob is already there.
   */
  async writeBlob(
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<boolean> {
    if ((await this.blobSize(desc.digest)) !== undefined) return false;
    await this.#writeVerified(this.blobPath(desc.digest), desc, source);
    return true;
  }

  /** Write a manifest as `manifest.json` (top) or `<hex>.manifest.json` (an instance of an index). */
  async writeManifest(bytes: Uint8Array, instanceDigest?: string): Promise<void> {
    const digest = instanceDigest ?? sha256Digest(bytes);
    await this.#writeVerified(this.manifestPath(instanceDigest), { digest, size: bytes.byteLength }, [bytes]);
  }

  #writeVerified(
    target: string,
    desc: Pick<Descriptor, 'digest' | 'size'>,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  ): Promise<void> {
    return writeVerified(
      join(this.path, `${TEMP_PREFIX}${randomBytes(8).toString('hex')}`),
      target,
      desc,
      source,
    );
  }
}
