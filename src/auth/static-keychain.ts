/**
 * Fixed credentials for one registry, from `--src-creds` / `--dest-creds` (or anything else that
 * already holds the secret). Scoped to a registry so a password given for the source is never offered
 * to the destination or to a token realm on another host.
 */
import { BadUsageError } from '../errors/kinds.ts';
import { hasControlCharacter } from '../reference/display-value.ts';
import type { Credential, Keychain } from './credential.ts';
import { ANONYMOUS } from './credential.ts';
import { describeCredential, redacting } from './credential-values.ts';
import { registryMatcher } from './registry-key.ts';

/** Result of parseCredsFlag. `password` is undefined when only `USER` was given (the caller prompts or reads stdin). */
export interface ParsedCreds {
  readonly username: string;
  readonly password: string | undefined;
}

/**
 * Parses skopeo's `USERNAME[:PASSWORD]` (skopeo cmd/skopeo/utils.go parseCreds): split at the first
 * ":" so the password may contain ":"; `user:` means an empty password. Unlike skopeo (which treats a
 * bare `USER` as an empty password), a bare `USER` yields `password: undefined` so the CLI can ask.
 * Errors never include the value: it may hold a password.
 */
export function parseCredsFlag(value: string, flag = '--creds'): ParsedCreds {
  if (value === '') throw new BadUsageError(`${flag}: credentials can't be empty`);
  const colon = value.indexOf(':');
  const username = colon === -1 ? value : value.slice(0, colon);
  const password = colon === -1 ? undefined : value.slice(colon + 1);
  if (username === '')
    throw new BadUsageError(`${flag}: username can't be empty (expected USERNAME[:PASSWORD])`);
  if (hasControlCharacter(username) || (password !== undefined && hasControlCharacter(password))) {
    // A stray newline (e.g. from `$(cat file)`) would otherwise become part of the secret and fail
    // later with a confusing 401.
    throw new BadUsageError(`${flag}: credentials contain a control character (a trailing newline?)`);
  }
  return redacting(
    { username, password },
    { username, password: password === undefined ? undefined : '<redacted>' },
  );
}

export class StaticKeychain implements Keychain {
  readonly #matches: (registry: string) => boolean;
  readonly #credential: Credential;
  readonly #registries: readonly string[];

  /** `credential` is used for `registry` (or each of several); every other registry gets anonymous. */
  constructor(registry: string | readonly string[], credential: Credential) {
    this.#matches = registryMatcher(registry);
    this.#registries = Object.freeze(typeof registry === 'string' ? [registry] : [...registry]);
    this.#credential = credential;
  }

  async resolve(registry: string): Promise<Credential> {
    return this.#matches(registry) ? this.#credential : ANONYMOUS;
  }

  toString(): string {
    return `StaticKeychain(${this.#registries.join(', ')}: ${describeCredential(this.#credential)})`;
  }

  toJSON(): unknown {
    return { type: 'static', registries: this.#registries, credential: describeCredential(this.#credential) };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
