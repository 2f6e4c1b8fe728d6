/**
 * Where a blob lives inside a layout. image-layout.md "Blobs": content is at
 * `blobs/<alg>/<encoded>` where `<alg>`/`<encoded>` are the two halves of the digest. The digest is
 * validated first (only sha256/sha512, lowercase hex) so a hostile descriptor can never produce a path
 * with `/` or `..` in it.
 */
import { join } from 'node:path';
import { assertDigest } from '../oci/digest.ts';

/** Path of `digest` relative to the layout root, with `/` separators (also the tar entry name). */
export function blobRelativePath(digest: string): string {
  assertDigest(digest, 'blob');
  const colon = digest.indexOf(':');
  return `blobs/${digest.slice(0, colon)}/${digest.slice(colon + 1)}`;
}

/** Path of `digest` inside a blobs directory (`<dir>/<alg>/<encoded>`): a layout's or a shared one. */
export function blobPathIn(blobsDir: string, digest: string): string {
  assertDigest(digest, 'blob');
  const colon = digest.indexOf(':');
  return join(blobsDir, digest.slice(0, colon), digest.slice(colon + 1));
}
