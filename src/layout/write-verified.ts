/**
 * A content-addressed file is written whole or not at all: the bytes go to `tmp`, are checked against
 * the digest and size as they arrive, optionally fsynced, and only then renamed onto `target`. A
 * mismatch or any failure removes the temp file and throws (DigestMismatchError from the verifier), so
 * `target` only ever holds verified content. Used by OCI layouts, `dir:` images and docker-archive
 * staging.
 */
import { open, rename, rm } from 'node:fs/promises';
import { DigestVerifier } from '../oci/digest-verifier.ts';
import type { Descriptor } from '../oci/manifest.ts';

export interface WriteVerifiedOptions {
  /** What the bytes are, for the mismatch message. Default: `target`. */
  readonly what?: string | undefined;
  /** fsync the temp file before the rename (default true). */
  readonly fsync?: boolean | undefined;
  /** Runs after the bytes are verified and before the rename (e.g. create the target's directory). */
  readonly beforeRename?: (() => Promise<unknown>) | undefined;
}

export async function writeVerified(
  tmp: string,
  target: string,
  desc: Pick<Descriptor, 'digest' | 'size'>,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: WriteVerifiedOptions = {},
): Promise<void> {
  const verifier = new DigestVerifier(desc.digest, desc.size, options.what ?? target);
  try {
    const fh = await open(tmp, 'wx', 0o644);
    try {
      for await (const chunk of source) {
        verifier.update(chunk);
        await fh.write(chunk);
      }
      verifier.finish();
      if (options.fsync ?? true) await fh.sync();
    } finally {
      await fh.close();
    }
    await options.beforeRename?.();
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
