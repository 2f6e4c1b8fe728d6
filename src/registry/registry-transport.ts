import type { Dispatcher } from 'undici';
import type { Keychain } from '../auth/credential.ts';
import { AuthSession } from './auth-session.ts';
import type { BackoffOptions } from './backoff.ts';
import type { RetryPolicy } from './retry.ts';
import {
  headerValue,
  type RegistryRequest,
  type RegistryResponse,
  type RoundTrip,
} from './transport/exchange.ts';
import { createSender } from './transport/send.ts';
import { withAuth } from './transport/with-auth.ts';
import { withRedirects } from './transport/with-redirects.ts';
import { type RetryEvent, withRetries } from './transport/with-retries.ts';

export type { HttpMethod, RegistryRequest, RegistryResponse } from './transport/exchange.ts';
export type { RetryEvent } from './transport/with-retries.ts';
export { headerValue };

export interface RegistryTransportOptions {
  /** Canonical registry name (`docker.io`, `host:5000`). */
  readonly registry: string;
  /** Host the API lives on (`registry-1.docker.io` for docker.io). */
  readonly apiHost: string;
  /** false ⇒ skip certificate verification and allow plain HTTP (skopeo's --tls-verify=false). */
  readonly tlsVerify: boolean;
  readonly keychain: Keychain;
  readonly dispatcher: Dispatcher;
  /** Dispatcher for other hosts (token realms, redirect targets): always verifies TLS. */
  readonly foreignDispatcher: Dispatcher;
  readonly allowsInsecure: (host: string) => boolean;
  /** Extra attempts after the first for temporary failures (default 3). */
  readonly retryTimes: number;
  readonly backoff?: BackoffOptions | undefined;
  readonly userAgent: string;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
}

/**
 * HTTP to one registry, as a stack of small layers (go-containerregistry `transport`): retries
 * (transport/with-retries.ts) around redirects (with-redirects.ts) around authentication
 * (with-auth.ts) around the exchange itself, whose scheme is found once per registry when TLS
 * verification is off (scheme-discovery.ts). Token requests go through the same retry helper.
 */
export class RegistryTransport {
  readonly registry: string;
  readonly auth: AuthSession;
  /** Attempts and backoff for everything on this registry (requests, resumed transfers). */
  readonly retry: RetryPolicy;
  readonly #request: RoundTrip;
  readonly #base: () => URL | undefined;

  constructor(options: RegistryTransportOptions) {
    this.registry = options.registry;
    this.retry = { times: options.retryTimes, backoff: options.backoff };
    const sender = createSender(options);
    this.#base = () => sender.scheme.known;
    const retries = withRetries(
      this.retry,
      { registry: options.registry, base: this.#base },
      options.onRetry,
    );
    // Token exchanges: retried, never redirected or authenticated by the registry's own session.
    const tokenRequest = retries(sender.send);
    this.auth = new AuthSession({
      registry: options.registry,
      keychain: options.keychain,
      allowsInsecure: options.allowsInsecure,
      fetchToken: async (url, init) => {
        const res = await tokenRequest({
          method: init.method,
          url: url.href,
          headers: init.headers,
          body: init.body === undefined ? undefined : Buffer.from(init.body),
          scopes: [],
        });
        return { status: res.status, text: await res.body.text() };
      },
    });
    const isRegistryUrl = (url: string) =>
      !/^https?:\/\//i.test(url) || new URL(url).host === options.apiHost;
    const layers = [retries, withRedirects(), withAuth(this.auth, isRegistryUrl)];
    this.#request = layers.reduceRight((next, layer) => layer(next), sender.send);
  }

  /** The registry's base URL once its scheme is known. */
  get base(): URL | undefined {
    return this.#base();
  }

  request(req: RegistryRequest): Promise<RegistryResponse> {
    return this.#request(req);
  }
}
