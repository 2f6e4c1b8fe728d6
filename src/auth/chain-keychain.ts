/**
 * Tries credential sources in order; the first that returns a non-anonymous credential wins, e.g.
 * explicit flags → token file → auth files. Sources are consulted lazily and again on every resolve(),
 * so a file-backed source picks up changes.
 *
 * A source that throws does not stop the chain (containers/image getCredentialsWithHomeDir does the same
 * across its helpers): a broken credential helper for one registry should not prevent a later source
 * from supplying credentials. If no source yields a credential and one or more failed, the failure is
 * thrown — silently going anonymous would turn a clear "helper not found" into a confusing 401 later.
 * Errors from sources must therefore be secret-free (ferry's own sources guarantee that).
 */
import { AuthLookupError } from './auth-error.ts';
import type { Credential, Keychain } from './credential.ts';
import { ANONYMOUS } from './credential.ts';

/** Always anonymous: the end of a chain, or the explicit `--no-creds` choice. */
export const anonymousKeychain: Keychain = Object.freeze({
  resolve: async (_registry: string): Promise<Credential> => ANONYMOUS,
});

export class ChainKeychain implements Keychain {
  readonly #sources: readonly Keychain[];

  constructor(sources: readonly Keychain[]) {
    this.#sources = Object.freeze([...sources]);
  }

  async resolve(registry: string): Promise<Credential> {
    const errors: unknown[] = [];
    for (const source of this.#sources) {
      try {
        const credential = await source.resolve(registry);
        if (credential.kind !== 'anonymous') return credential;
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AuthLookupError(registry, errors);
    return ANONYMOUS;
  }
}
