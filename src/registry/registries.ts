import type { Dispatcher } from 'undici';
import type { Keychain } from '../auth/credential.ts';
import type { BackoffOptions } from './backoff.ts';
import { createDispatcher } from './dispatcher.ts';
import { RegistryTransport, type RetryEvent } from './registry-transport.ts';
import { Repository } from './repository.ts';
import { loadTlsMaterial, type TlsMaterial } from './tls-files.ts';

/** How to reach registries on one side of a copy (source or destination): credentials and TLS. */
export interface Endpoint {
  readonly keychain: Keychain;
  /** Default true. false ⇒ no certificate verification, plain HTTP allowed. */
  readonly tlsVerify?: boolean | undefined;
  readonly certDir?: string | undefined;
  /** Extra CA certificate files (PEM), e.g. a cluster's service CA, added to the trusted roots. */
  readonly caFiles?: readonly string[] | undefined;
}

export interface RegistriesOptions {
  /** Extra attempts for temporary failures (default 3). */
  readonly retryTimes?: number | undefined;
  readonly backoff?: BackoffOptions | undefined;
  /** Connections per registry host (default 16). */
  readonly connectionsPerHost?: number | undefined;
  readonly connectTimeoutMs?: number | undefined;
  readonly headersTimeoutMs?: number | undefined;
  /** Max idle time between body chunks (default 5 min). */
  readonly bodyTimeoutMs?: number | undefined;
  readonly userAgent?: string | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
}

/** Docker Hub's API does not live on its canonical name (distribution/reference normalize.go). */
export function apiHostOf(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/**
 * Owns connection pools and transports. Created by the composition root (CLI command or service) and
 * closed when done; one transport per (endpoint, registry) so source and destination may use different
 * credentials on the same registry.
 */
export class Registries {
  readonly #options: RegistriesOptions;
  readonly #transports = new Map<Endpoint, Map<string, Promise<RegistryTransport>>>();
  readonly #dispatchers: Dispatcher[] = [];
  readonly #insecureHosts = new Set<string>();

  constructor(options: RegistriesOptions = {}) {
    this.#options = options;
  }

  get retryTimes(): number {
    return this.#options.retryTimes ?? 3;
  }

  async repository(endpoint: Endpoint, registry: string, name: string, push: boolean): Promise<Repository> {
    const transport = await this.transport(endpoint, registry);
    return new Repository(transport, name, { push });
  }

  transport(endpoint: Endpoint, registry: string): Promise<RegistryTransport> {
    let byRegistry = this.#transports.get(endpoint);
    if (!byRegistry) {
      byRegistry = new Map();
      this.#transports.set(endpoint, byRegistry);
    }
    let transport = byRegistry.get(registry);
    if (!transport) {
      transport = this.#create(endpoint, registry);
      byRegistry.set(registry, transport);
    }
    return transport;
  }

  /** Close pools gracefully: in-flight requests finish first. */
  async close(): Promise<void> {
    const all = this.#dispatchers.splice(0);
    await Promise.all(all.map((d) => d.close().catch(() => undefined)));
  }

  /** Close pools at once, aborting anything still in flight (a command that has finished or failed). */
  async destroy(): Promise<void> {
    const all = this.#dispatchers.splice(0);
    await Promise.all(all.map((d) => d.destroy().catch(() => undefined)));
  }

  async #create(endpoint: Endpoint, registry: string): Promise<RegistryTransport> {
    const tlsVerify = endpoint.tlsVerify ?? true;
    const apiHost = apiHostOf(registry);
    if (!tlsVerify) {
      this.#insecureHosts.add(apiHost);
      this.#insecureHosts.add(registry);
    }
    const tls: TlsMaterial = await loadTlsMaterial(endpoint.certDir, endpoint.caFiles);
    const dispatcher = await this.#dispatcher(tls, tlsVerify);
    // Token realms and redirect targets: always verified, trusting the endpoint's extra CAs too.
    const foreign = await this.#dispatcher({ ca: tls.ca }, true);
    this.#dispatchers.push(dispatcher, foreign);
    return new RegistryTransport({
      registry,
      apiHost,
      tlsVerify,
      keychain: endpoint.keychain,
      dispatcher,
      foreignDispatcher: foreign,
      allowsInsecure: (host) => this.#insecureHosts.has(host),
      retryTimes: this.retryTimes,
      backoff: this.#options.backoff,
      userAgent: this.#options.userAgent ?? 'ferry',
      onRetry: this.#options.onRetry,
    });
  }

  #dispatcher(tls: TlsMaterial, rejectUnauthorized: boolean): Promise<Dispatcher> {
    return createDispatcher({
      tls,
      rejectUnauthorized,
      connections: this.#options.connectionsPerHost ?? 16,
      connectTimeoutMs: this.#options.connectTimeoutMs ?? 15_000,
      headersTimeoutMs: this.#options.headersTimeoutMs ?? 60_000,
      bodyTimeoutMs: this.#options.bodyTimeoutMs ?? 300_000,
      env: this.#options.env ?? process.env,
    });
  }
}
