import { createHash } from 'node:crypto';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';

/** OCI image spec "Digests": algorithm ":" encoded; we verify sha256 and sha512 (the registered algorithms). */
const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export function isDigest(value: string): boolean {
  return DIGEST_RE.test(value);
}

export function assertDigest(value: string, what: string): string {
  if (!isDigest(value)) {
    throw new FerryError(ErrorCode.BadManifest, `${what} has an invalid digest ${JSON.stringify(value)}`);
  }
  return value;
}

export function digestAlgorithm(digest: string): 'sha256' | 'sha512' {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Digest of `bytes` with the same algorithm as `like` (verification must use the addressed algorithm). */
export function digestLike(like: string, bytes: Uint8Array): string {
  const alg = digestAlgorithm(like);
  return `${alg}:${createHash(alg).update(bytes).digest('hex')}`;
}

/** `sha256:abc…` → `sha256-abc…`, the form cosign and the referrers fallback use in tag names. */
export function digestToTagPrefix(digest: string): string {
  return digest.replace(':', '-');
}
