/**
 * A registry bearer token used as-is (skopeo `--src-registry-token` / `--dest-registry-token`): sent
 * directly as `Authorization: Bearer`, no token exchange. Scoped to one registry like StaticKeychain.
 */
import { AuthConfigError } from './auth-error.ts';
import type { Credential, Keychain } from './credential.ts';
import { ANONYMOUS } from './credential.ts';
import { bearerCredential } from './credential-values.ts';
import { registryMatcher } from './registry-key.ts';

/**
 * What is wrong with a bearer token given as-is, or undefined. The token goes into an HTTP header
 * verbatim; whitespace or control characters would break the header (or smuggle another one), so it is
 * refused early, with a message that never echoes the value.
 */
export function registryTokenProblem(token: string): string | undefined {
  if (token === '') return 'is empty';
  if (!/^[\x21-\x7e]+$/.test(token)) return 'contains whitespace, control or non-ASCII characters';
  return undefined;
}

export class TokenKeychain implements Keychain {
  readonly #matches: (registry: string) => boolean;
  readonly #credential: Credential;
  readonly #registries: readonly string[];

  constructor(registry: string | readonly string[], token: string) {
    const problem = registryTokenProblem(token);
    if (problem) throw new AuthConfigError(`registry token ${problem}`);
    this.#matches = registryMatcher(registry);
    this.#registries = Object.freeze(typeof registry === 'string' ? [registry] : [...registry]);
    this.#credential = bearerCredential(token);
  }

  async resolve(registry: string): Promise<Credential> {
    return this.#matches(registry) ? this.#credential : ANONYMOUS;
  }

  toString(): string {
    return `TokenKeychain(${this.#registries.join(', ')}: bearer token)`;
  }

  toJSON(): unknown {
    return { type: 'token', registries: this.#registries, token: '<redacted>' };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
