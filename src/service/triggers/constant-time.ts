/**
 * Constant-time comparison of secrets. `timingSafeEqual` needs equal-length inputs and throws otherwise,
 * and checking lengths first would leak the secret's length; hashing both sides with SHA-256 gives two
 * 32-byte digests, so the comparison time depends on neither value.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest();
}

/** True when `received` equals `expected`, compared without leaking either length or content by timing. */
export function secretEquals(received: string | Uint8Array, expected: string | Uint8Array): boolean {
  return timingSafeEqual(digest(received), digest(expected));
}

/**
 * Index of the configured secret `received` equals, or -1. Every secret is compared (no early exit), so
 * the time taken does not say which one matched. Empty secrets never match: an empty configured value is
 * a mistake, not "no authentication".
 */
export function matchingSecretIndex(received: string | undefined, secrets: readonly string[]): number {
  if (received === undefined || received === '') return -1;
  let found = -1;
  for (let i = 0; i < secrets.length; i++) {
    const secret = secrets[i] ?? '';
    const equal = secretEquals(received, secret);
    if (equal && secret !== '' && found === -1) found = i;
  }
  return found;
}
