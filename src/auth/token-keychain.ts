/**
 * A registry bearer token used as-is (skopeo `--src-registry-token` / `--dest-registry-token`): sent
 * directly as `Authorization: Bearer`, no token exchange. Scoped to one registry like StaticKeychain.
 */
import { AuthConfigError } from './auth-error.ts';
import type { Credential, Keychain } from './credential.ts';
import { ANONYMOUS } from './credential.ts';
import { bearerCredential } from './credential-values.ts';
import { registryMatcher } from './registry-key.ts';

export class TokenKeychain implements Keychain {
  readonly #matches: (registry: string) => boolean;
  readonly #credential: Credential;
  readonly #registries: readonly string[];

  constructor(registry: string | readonly string[], token: string) {
    if (token === '') throw new AuthConfigError('registry token is empty');
    // The token goes into an HTTP header verbatim; whitespace or control characters would break the
    // header (or smuggle another one), so refuse early with a message that does not echo it.
    if (!/^[\x21-\x7e]+$/.test(token)) {
      throw new AuthConfigError('registry token contains whitespace, control or non-ASCII characters');
    }
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
