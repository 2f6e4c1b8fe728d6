/**
 * Single-use sign-in links for a demo or a first look: `ferry serve --one-time-login FILE` writes
 * `<url>/auth/one-time?code=<random>` to FILE (mode 0600), never to the log; opening it signs that
 * browser in as the admin identity `demo (one-time)`. A code works once and for 15 minutes; the codes
 * live in this process only (so they are for one `ferry serve`, not for a fleet of replicas).
 *
 * Only the SHA-256 of a code is kept, and presented codes are compared with every live one in constant
 * time, as API tokens are (api-tokens.ts).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ONE_TIME_CODE_TTL_MS = 15 * 60 * 1000;

export interface OneTimeLogins {
  /** A new code (43 base64url characters), valid once for 15 minutes. */
  issue(): string;
  /** The login id the code was issued as, consumed; undefined for an unknown, used or expired code. */
  redeem(code: string): string | undefined;
}

interface Issued {
  readonly hash: Buffer;
  readonly id: string;
  readonly expires: number;
}

export function createOneTimeLogins(options: { readonly now?: () => number } = {}): OneTimeLogins {
  const now = options.now ?? Date.now;
  let issued: Issued[] = [];
  const hash = (code: string) => createHash('sha256').update(code, 'utf8').digest();
  return {
    issue() {
      const code = randomBytes(32).toString('base64url');
      issued.push({
        hash: hash(code),
        id: randomBytes(8).toString('hex'),
        expires: now() + ONE_TIME_CODE_TTL_MS,
      });
      return code;
    },
    redeem(code) {
      const presented = hash(code);
      const time = now();
      let found: Issued | undefined;
      for (const entry of issued) {
        if (timingSafeEqual(entry.hash, presented) && entry.expires > time) found = entry;
      }
      issued = issued.filter((entry) => entry !== found && entry.expires > time);
      return found?.id;
    },
  };
}
