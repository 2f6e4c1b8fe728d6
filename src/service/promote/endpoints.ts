/**
 * How ferry reaches each configured environment's registry: ferry.yaml `environments.<name>` →
 * the copy library's `Endpoint` (a keychain plus TLS settings).
 *
 * Credentials are resolved at *use* time, on every token exchange, never once at start: a projected
 * service-account token or a mounted Secret is rotated in place, and a long-running server must pick up
 * the new value without a restart (the seed system's hand-copied non-expiring tokens are what this
 * replaces). Every keychain is scoped to the environment's own registry host, so a prod credential is
 * never offered to any other host.
 *
 * TLS: `verify`, `certDir` and `caFile` map onto the Endpoint directly (CAs are added to the system
 * roots).
 */
import { homedir } from 'node:os';
import { AuthFileKeychain } from '../../auth/auth-file-keychain.ts';
import { anonymousKeychain } from '../../auth/chain-keychain.ts';
import type { Credential, Keychain } from '../../auth/credential.ts';
import { ANONYMOUS } from '../../auth/credential.ts';
import { basicCredential, bearerCredential } from '../../auth/credential-values.ts';
import { registryMatcher } from '../../auth/registry-key.ts';
import { TokenFileKeychain } from '../../auth/token-file-keychain.ts';
import type { Endpoint } from '../../registry/registries.ts';
import type { ReadFile } from '../config/read-small-file.ts';
import { type Env, resolveSecret } from '../config/resolve-secret.ts';
import type { EnvironmentConfig, FerryConfig, SecretRef } from '../config/schema.ts';

export interface EndpointOptions {
  /** Environment for `env:` secret references (process.env in production). */
  readonly env: Env;
  /** Reads `file:` secret references. Default: bounded reads from the file system. */
  readonly readFile?: ReadFile | undefined;
  /** Home directory, only consulted by an auth file's credential helpers. Default os.homedir(). */
  readonly homeDir?: string | undefined;
}

/**
 * A keychain whose credential comes from a ferry.yaml secret reference, resolved again on every call.
 * Renders without the secret in logs, `JSON.stringify` and `util.inspect`.
 */
export class SecretRefKeychain implements Keychain {
  readonly #matches: (registry: string) => boolean;
  readonly #registry: string;
  readonly #make: (secret: string) => Credential;
  readonly #ref: SecretRef;
  readonly #options: EndpointOptions;
  readonly #key: string;
  readonly #kind: 'basic' | 'bearer';

  constructor(
    registry: string,
    credential:
      | { kind: 'basic'; username: string; password: SecretRef }
      | { kind: 'bearer'; token: SecretRef },
    options: EndpointOptions & { key: string },
  ) {
    this.#registry = registry;
    this.#matches = registryMatcher(registry);
    this.#options = options;
    this.#key = options.key;
    this.#kind = credential.kind;
    if (credential.kind === 'basic') {
      const { username } = credential;
      this.#ref = credential.password;
      this.#make = (secret) => basicCredential(username, secret);
    } else {
      this.#ref = credential.token;
      this.#make = (secret) => bearerCredential(secret);
    }
  }

  async resolve(registry: string): Promise<Credential> {
    if (!this.#matches(registry)) return ANONYMOUS;
    const secret = await resolveSecret(this.#ref, {
      env: this.#options.env,
      readFile: this.#options.readFile,
      key: this.#key,
    });
    return this.#make(secret);
  }

  toString(): string {
    return `SecretRefKeychain(${this.#registry}: ${this.#kind}, ${this.#key})`;
  }

  toJSON(): unknown {
    return { type: 'secret-ref', registry: this.#registry, kind: this.#kind, key: this.#key };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A keychain answering only for `registry`, delegating to `inner` (auth files hold many registries). */
function scoped(registry: string, inner: Keychain): Keychain {
  const matches = registryMatcher(registry);
  return { resolve: (host) => (matches(host) ? inner.resolve(host) : Promise.resolve(ANONYMOUS)) };
}

/** The keychain of one environment (`name` only names config keys in error messages). */
export function keychainForEnvironment(
  name: string,
  environment: EnvironmentConfig,
  options: EndpointOptions,
): Keychain {
  const { registry, credentials } = environment;
  const key = `environments.${name}.credentials`;
  switch (credentials.kind) {
    case 'anonymous':
      return anonymousKeychain;
    case 'token-file':
      return new TokenFileKeychain({ registry, path: credentials.tokenFile, username: credentials.username });
    case 'basic':
      return new SecretRefKeychain(
        registry,
        { kind: 'basic', username: credentials.username, password: credentials.password },
        { ...options, key: `${key}.password` },
      );
    case 'registry-token':
      return new SecretRefKeychain(
        registry,
        { kind: 'bearer', token: credentials.registryToken },
        { ...options, key: `${key}.registryToken` },
      );
    case 'auth-file':
      return scoped(
        registry,
        new AuthFileKeychain({
          authFile: credentials.authFile,
          env: options.env,
          homeDir: options.homeDir ?? homedir(),
        }),
      );
  }
}

export function endpointForEnvironment(
  name: string,
  environment: EnvironmentConfig,
  options: EndpointOptions,
): Endpoint {
  const keychain = keychainForEnvironment(name, environment, options);
  if (!environment.tls.verify) return { keychain, tlsVerify: false };
  return {
    keychain,
    tlsVerify: true,
    certDir: environment.tls.certDir,
    caFiles: environment.tls.caFile ? [environment.tls.caFile] : undefined,
  };
}

export type EndpointLookup = (environment: string) => Endpoint | undefined;

/**
 * One Endpoint per environment, made once: `Registries` keys its connection pools and token caches by
 * Endpoint identity, so handing out a new object per copy would open new pools every time.
 */
export function environmentEndpoints(
  config: Pick<FerryConfig, 'environments'>,
  options: EndpointOptions,
): EndpointLookup {
  const endpoints = new Map<string, Endpoint>();
  for (const [name, environment] of Object.entries(config.environments)) {
    endpoints.set(name, endpointForEnvironment(name, environment, options));
  }
  return (name) => endpoints.get(name);
}
