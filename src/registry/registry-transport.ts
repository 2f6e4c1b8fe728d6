import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { parseChallenges } from '../auth/challenge.ts';
import type { Keychain } from '../auth/credential.ts';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { type AuthChallenge, AuthSession } from './auth-session.ts';
import { type BackoffOptions, retryDelay } from './backoff.ts';
import { isTlsProtocolMismatch, wrapNetworkError } from './network-error.ts';
import { redactUrl } from './redact-url.ts';
import { isTemporaryStatus } from './registry-error.ts';
import { httpRequest } from './undici-parts.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface RegistryRequest {
  readonly method: HttpMethod;
  /** A `/v2/…` path on this registry, or an absolute URL (upload locations, redirects). */
  readonly url: string;
  readonly headers?: Record<string, string>;
  /** A Buffer is replayable (retried); a stream or iterable is not and is sent once. */
  readonly body?: Buffer | Readable | AsyncIterable<Buffer>;
  /** Token scopes the request needs (`repository:name:pull,push`). */
  readonly scopes: readonly string[];
  readonly signal?: AbortSignal | undefined;
  /**
   * Retry temporary failures here (default: when the body is replayable). Chunk PATCHes opt out: a
   * replay after a half-received body could append bytes twice, so they resume from the registry's
   * reported offset instead.
   */
  readonly retry?: boolean;
  /** Follow 3xx (blob GETs redirect to object storage). Default: GET/HEAD only. */
  readonly followRedirects?: boolean;
}

export interface RegistryResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Dispatcher.ResponseData['body'];
  /** The final URL (after redirects). */
  readonly url: URL;
}

export interface RetryEvent {
  readonly registry: string;
  readonly method: string;
  readonly url: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly reason: string;
}

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

const MAX_REDIRECTS = 5;

/**
 * undici closes the connection after every HEAD unless told otherwise (client-h1: "interop with
 * misbehaving servers that may send a body"), so each blob/manifest HEAD cost a new TCP (and TLS)
 * connection. Registries answer HEAD per the spec; keep the connection.
 */
const KEEP_ALIVE_AFTER_HEAD = false;

/**
 * HTTP to one registry: scheme discovery (`GET /v2/`, spec "Determining support"), authentication
 * (challenge → token per scope, one re-auth on 401), retries with backoff for temporary failures, and
 * redirects that never carry the registry's Authorization to another host.
 */
export class RegistryTransport {
  readonly registry: string;
  readonly auth: AuthSession;
  readonly #options: RegistryTransportOptions;
  #base: Promise<URL> | undefined;
  /** True while the scheme is being learnt from a raced request (other such requests race too). */
  #racing = false;

  constructor(options: RegistryTransportOptions) {
    this.#options = options;
    this.registry = options.registry;
    this.auth = new AuthSession({
      registry: options.registry,
      keychain: options.keychain,
      allowsInsecure: options.allowsInsecure,
      fetchToken: (url, init) => this.#fetchToken(url, init),
    });
  }

  /**
   * Base URL of the API. With TLS verification on it is https, known without a round trip: the first
   * real request learns the auth challenge from its 401. With verification off (skopeo semantics: plain
   * HTTP allowed) `GET /v2/` is probed over https and http at once, https preferred, so finding out
   * costs one round trip instead of a failed handshake followed by a second ping.
   */
  base(signal?: AbortSignal): Promise<URL> {
    if (!this.#base) {
      this.#base = this.#options.tlsVerify
        ? Promise.resolve(new URL(`https://${this.#options.apiHost}/`))
        : this.#probe(signal);
      this.#base.catch(() => {
        this.#base = undefined; // let a later call try again
      });
    }
    return this.#base;
  }

  async request(req: RegistryRequest): Promise<RegistryResponse> {
    const raced = await this.#raceFirst(req);
    const base = raced?.base ?? (await this.base(req.signal));
    let pendingFirst = raced?.res;
    let url = new URL(req.url, base);
    let scopes = req.scopes;
    let reauthed = false;
    let redirects = 0;
    // A 401 means nothing was processed, so any Buffer body may be re-sent after re-auth; retries
    // after failures additionally need the caller's consent (see `retry`).
    const resendable = req.body === undefined || Buffer.isBuffer(req.body);
    const replayable = resendable && req.retry !== false;
    for (let attempt = 0; ; ) {
      const sameHost = url.host === base.host;
      const headers: Record<string, string> = { 'user-agent': this.#options.userAgent, ...req.headers };
      if (sameHost) {
        const authorization = await this.auth.authorization(scopes);
        if (authorization) headers.authorization = authorization;
      }
      let res: Dispatcher.ResponseData;
      if (pendingFirst) {
        res = pendingFirst;
        pendingFirst = undefined;
      } else
        try {
          res = await httpRequest(sameHost ? this.#options.dispatcher : this.#options.foreignDispatcher, {
            origin: url.origin,
            path: url.pathname + url.search,
            method: req.method,
            headers,
            // undici writes async iterables natively (client-h1 writeIterable); its types omit them.
            body: req.body as Dispatcher.RequestOptions['body'],
            signal: req.signal,
            reset: KEEP_ALIVE_AFTER_HEAD,
          });
        } catch (err) {
          const wrapped = wrapNetworkError(err, req.method, redactUrl(url));
          if (wrapped.temporary && replayable && attempt < this.#options.retryTimes && !req.signal?.aborted) {
            await this.#pause(attempt, undefined, req, url, wrapped.message);
            attempt++;
            continue;
          }
          throw wrapped;
        }
      const status = res.statusCode;
      if (status === 401 && sameHost && !reauthed && resendable) {
        const challenge = firstChallenge(res.headers['www-authenticate']);
        const next = this.auth.onUnauthorized(challenge, scopes);
        if (next) {
          await res.body.dump();
          scopes = next;
          reauthed = true;
          continue;
        }
        // Body left unread: the caller turns it into a RegistryError.
        return { status, headers: res.headers, body: res.body, url };
      }
      const follow = req.followRedirects ?? (req.method === 'GET' || req.method === 'HEAD');
      if (follow && status >= 300 && status < 400 && status !== 304 && res.headers.location) {
        await res.body.dump();
        if (++redirects > MAX_REDIRECTS) {
          throw new FerryError(ErrorCode.Registry, `${req.method} ${redactUrl(url)}: too many redirects`);
        }
        url = new URL(String(res.headers.location), url);
        continue;
      }
      if (isTemporaryStatus(status) && replayable && attempt < this.#options.retryTimes) {
        const retryAfter = headerValue(res.headers['retry-after']);
        await res.body.dump();
        await this.#pause(attempt, retryAfter, req, url, `status ${status}`);
        attempt++;
        continue;
      }
      return { status, headers: res.headers, body: res.body, url };
    }
  }

  /**
   * With TLS verification off and the scheme not yet known, credential-less GET/HEADs go out over
   * https and plain http at once and the answer itself tells the scheme (https preferred): the probe's
   * round trip disappears from the critical path. The first such request owns the discovery; others
   * sent before it settles race as well instead of queueing behind it (a no-op copy sends the source
   * manifest GET, the tag list and the referrers probe together: one round trip, not two). Nothing
   * secret is sent twice: a request that would carry credentials waits for the ordinary probe instead.
   */
  async #raceFirst(req: RegistryRequest): Promise<{ base: URL; res: Dispatcher.ResponseData } | undefined> {
    if (this.#options.tlsVerify || req.body !== undefined) return undefined;
    if ((req.method !== 'GET' && req.method !== 'HEAD') || /^https?:/.test(req.url)) return undefined;
    if (this.#base && !this.#racing) return undefined;
    if (await this.auth.authorization(req.scopes)) return undefined;
    if (this.#base && !this.#racing) return undefined; // settled while we looked at credentials
    let owner: PromiseWithResolvers<URL> | undefined;
    if (!this.#base) {
      owner = Promise.withResolvers<URL>();
      this.#base = owner.promise;
      this.#racing = true;
      owner.promise.then(
        () => {
          this.#racing = false;
        },
        () => {
          this.#racing = false;
          this.#base = undefined;
        },
      );
    }
    const send = (base: URL) => {
      const url = new URL(req.url, base);
      return httpRequest(this.#options.dispatcher, {
        origin: url.origin,
        path: url.pathname + url.search,
        method: req.method,
        headers: { 'user-agent': this.#options.userAgent, ...req.headers },
        signal: req.signal,
        reset: KEEP_ALIVE_AFTER_HEAD,
      });
    };
    const httpsBase = new URL(`https://${this.#options.apiHost}/`);
    const httpBase = new URL(`http://${this.#options.apiHost}/`);
    const viaHttps = send(httpsBase);
    const viaHttp = send(httpBase);
    viaHttp.catch(() => undefined);
    try {
      const res = await viaHttps;
      owner?.resolve(httpsBase);
      viaHttp.then(
        (r) => r.body.destroy(),
        () => undefined,
      );
      return { base: httpsBase, res };
    } catch (err) {
      const mismatch = isTlsProtocolMismatch(err) || isConnectionLevel(wrapNetworkError(err, req.method, ''));
      if (mismatch) {
        try {
          const res = await viaHttp;
          owner?.resolve(httpBase);
          return { base: httpBase, res };
        } catch {
          // neither scheme answered: fall through to the ordinary probe, which reports it properly
        }
      } else {
        viaHttp.then(
          (r) => r.body.destroy(),
          () => undefined,
        );
      }
      owner?.resolve(this.#probe(req.signal));
      return undefined;
    }
  }

  async #pause(
    attempt: number,
    retryAfter: string | undefined,
    req: RegistryRequest,
    url: URL,
    reason: string,
  ) {
    const delayMs = retryDelay(attempt, retryAfter, this.#options.backoff);
    this.#options.onRetry?.({
      registry: this.registry,
      method: req.method,
      url: redactUrl(url),
      attempt: attempt + 1,
      delayMs,
      reason,
    });
    await sleep(delayMs, undefined, { signal: req.signal });
  }

  async #probe(signal?: AbortSignal): Promise<URL> {
    const https = this.#pingAt(new URL(`https://${this.#options.apiHost}/`), signal);
    const http = this.#pingAt(new URL(`http://${this.#options.apiHost}/`), signal);
    http.catch(() => undefined); // only consulted when https fails
    try {
      return await https;
    } catch (err) {
      if (isTlsProtocolMismatch(err) || isConnectionLevel(err)) return http;
      throw err;
    }
  }

  async #pingAt(base: URL, signal?: AbortSignal): Promise<URL> {
    const url = new URL('/v2/', base);
    for (let attempt = 0; ; attempt++) {
      let res: Dispatcher.ResponseData;
      try {
        res = await httpRequest(this.#options.dispatcher, {
          origin: url.origin,
          path: url.pathname,
          method: 'GET',
          headers: { 'user-agent': this.#options.userAgent },
          signal,
        });
      } catch (err) {
        const wrapped = wrapNetworkError(err, 'GET', redactUrl(url));
        if (isTlsProtocolMismatch(err)) throw Object.assign(wrapped, { cause: err });
        if (wrapped.temporary && attempt < this.#options.retryTimes) {
          await sleep(retryDelay(attempt, undefined, this.#options.backoff), undefined, { signal });
          continue;
        }
        throw wrapped;
      }
      const status = res.statusCode;
      const challenge = status === 401 ? firstChallenge(res.headers['www-authenticate']) : undefined;
      await res.body.dump();
      if (isTemporaryStatus(status) && attempt < this.#options.retryTimes) {
        await sleep(
          retryDelay(attempt, headerValue(res.headers['retry-after']), this.#options.backoff),
          undefined,
          {
            signal,
          },
        );
        continue;
      }
      if (status === 401) {
        if (!challenge) {
          throw new FerryError(
            ErrorCode.Auth,
            `registry ${this.registry} answered 401 without a WWW-Authenticate challenge`,
          );
        }
        this.auth.setChallenge(challenge);
      } else if (status >= 500) {
        throw new FerryError(
          ErrorCode.Registry,
          `registry ${this.registry} is unavailable (GET /v2/ → ${status})`,
          {
            temporary: true,
          },
        );
      }
      // 200, and also 404 from registries that do not implement /v2/ (they still serve /v2/<name>/…).
      return base;
    }
  }

  async #fetchToken(
    url: URL,
    init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  ): Promise<{ status: number; text: string }> {
    const dispatcher =
      url.host === this.#options.apiHost ? this.#options.dispatcher : this.#options.foreignDispatcher;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await httpRequest(dispatcher, {
          origin: url.origin,
          path: url.pathname + url.search,
          method: init.method,
          headers: { 'user-agent': this.#options.userAgent, ...init.headers },
          body: init.body,
        });
        if (isTemporaryStatus(res.statusCode) && attempt < this.#options.retryTimes) {
          await res.body.dump();
          await sleep(retryDelay(attempt, headerValue(res.headers['retry-after']), this.#options.backoff));
          continue;
        }
        return { status: res.statusCode, text: await res.body.text() };
      } catch (err) {
        const wrapped = wrapNetworkError(err, init.method, redactUrl(url));
        if (wrapped.temporary && attempt < this.#options.retryTimes) {
          await sleep(retryDelay(attempt, undefined, this.#options.backoff));
          continue;
        }
        throw wrapped;
      }
    }
  }
}

function isConnectionLevel(err: unknown): boolean {
  return err instanceof FerryError && (err.code === ErrorCode.Network || err.code === ErrorCode.Timeout);
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function firstChallenge(value: string | string[] | undefined): AuthChallenge | undefined {
  if (value === undefined) return undefined;
  const challenges = parseChallenges(value);
  // Prefer Bearer when a registry offers both (it is what scopes and tokens are for).
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges[0];
}
