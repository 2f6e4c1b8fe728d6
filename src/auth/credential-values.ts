/**
 * Constructors for Credential values that cannot leak by accident. Credentials travel through logging,
 * error reports and `JSON.stringify` of larger objects; each value built here is frozen and carries
 * non-enumerable `toJSON`, `toString` and `util.inspect` hooks that show the username but never the
 * secret. (Spreading such a value drops the hooks — don't.)
 */
import type { Credential } from './credential.ts';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
export const REDACTED = '<redacted>';

export function basicCredential(username: string, password: string): Credential {
  const credential: Credential = { kind: 'basic', username, password };
  return redacting(credential, { kind: 'basic', username, password: REDACTED });
}

export function bearerCredential(token: string): Credential {
  const credential: Credential = { kind: 'bearer', token };
  return redacting(credential, { kind: 'bearer', token: REDACTED });
}

export function identityTokenCredential(refreshToken: string, username?: string): Credential {
  const safe = username === undefined ? {} : { username };
  const credential: Credential = { kind: 'identity-token', ...safe, refreshToken };
  return redacting(credential, { kind: 'identity-token', ...safe, refreshToken: REDACTED });
}

/** One-line, secret-free description of any credential (e.g. `basic (user "bob")`), for debug output. */
export function describeCredential(credential: Credential): string {
  switch (credential.kind) {
    case 'anonymous':
      return 'anonymous';
    case 'basic':
      return `basic (user ${JSON.stringify(credential.username)})`;
    case 'bearer':
      return 'bearer token';
    case 'identity-token':
      return credential.username === undefined
        ? 'identity token'
        : `identity token (user ${JSON.stringify(credential.username)})`;
  }
}

/**
 * Freezes `value` after attaching hooks that render `safe` instead. Exported for other secret-bearing
 * plain objects in this module (parsed --creds values).
 */
export function redacting<T extends object>(value: T, safe: Readonly<Record<string, unknown>>): T {
  const text = `${'kind' in safe ? 'Credential' : 'Secret'} ${JSON.stringify(safe)}`;
  Object.defineProperties(value, {
    [INSPECT]: { value: () => text, enumerable: false },
    toJSON: { value: () => ({ ...safe }), enumerable: false },
    toString: { value: () => text, enumerable: false },
  });
  return Object.freeze(value);
}
