import type { Credential, Keychain } from '../../src/auth/credential.ts';
import { type Endpoint, Registries } from '../../src/registry/registries.ts';
import type { Repository } from '../../src/registry/repository.ts';
import type { RegistryInstance } from '../rig/registry.ts';

/** A keychain that always answers `credential` (tests only; the CLI composes real sources). */
export function fixedKeychain(credential: Credential): Keychain {
  return { resolve: async () => credential };
}

/** An endpoint for a rig registry: its CA dir for TLS, plain HTTP allowed otherwise, and its user. */
export function endpointFor(reg: RegistryInstance, credential?: Credential): Endpoint {
  const cred: Credential =
    credential ??
    (reg.username && reg.password
      ? { kind: 'basic', username: reg.username, password: reg.password }
      : { kind: 'anonymous' });
  return reg.tls
    ? { keychain: fixedKeychain(cred), certDir: reg.certDir }
    : { keychain: fixedKeychain(cred), tlsVerify: false };
}

export async function repoOn(
  registries: Registries,
  reg: RegistryInstance,
  name: string,
  push: boolean,
  credential?: Credential,
): Promise<Repository> {
  return registries.repository(endpointFor(reg, credential), reg.host, name, push);
}

export function fastRegistries(): Registries {
  // Short backoff keeps fault tests quick; behaviour is otherwise the production default.
  return new Registries({ retryTimes: 3, backoff: { baseMs: 20, maxMs: 200, maxRetryAfterMs: 3000 } });
}
