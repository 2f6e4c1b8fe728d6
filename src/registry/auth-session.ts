import { parseBearerError } from '../auth/challenge.ts';
import type { Credential, Keychain } from '../auth/credential.ts';
import { mergeScopes } from '../auth/scope.ts';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';

/** The parsed challenge a registry answered `GET /v2/` (or any request) with. */
export interface AuthChallenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface TokenFetchResult {
  readonly status: number;
  readonly text: string;
}

export interface AuthSessionOptions {
  readonly registry: string;
  readonly keychain: Keychain;
  /** Performs the token request (with the transport's TLS, retries and timeouts). */
  readonly fetchToken: (
    url: URL,
    init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
  ) => Promise<TokenFetchResult>;
  /** Whether plain-HTTP realms on `host` are acceptable (the host was marked insecure). */
  readonly allowsInsecure: (host: string) => boolean;
  readonly now?: () => number;
}

interface CachedToken {
  readonly value: string;
  readonly expiresAt: number;
}

/**
 * Registry authentication for one registry host: the challenge, the credential and a token cache per
 * scope set (distribution "Token Authentication Specification"). Credentials are resolved from the
 * keychain on every token exchange, so a rotated service-account token file is picked up on the next
 * exchange without restarting.
 */
export class AuthSession {
  readonly #options: AuthSessionOptions;
  #challenge: AuthChallenge | null = null;
  readonly #tokens = new Map<string, CachedToken>();
  readonly #inflight = new Map<string, Promise<string>>();
  #resolving: Promise<Credential> | undefined;
  /** Incremented when a token exchange happens: tests and metrics read it. */
  exchanges = 0;

  constructor(options: AuthSessionOptions) {
    this.#options = options;
  }

  get challenge(): AuthChallenge | null {
    return this.#challenge;
  }

  setChallenge(challenge: AuthChallenge | null): void {
    this.#challenge = challenge;
  }

  /** The Authorization header value for a request needing `scopes`, or undefined for none. */
  async authorization(scopes: readonly string[]): Promise<string | undefined> {
    const challenge = this.#challenge;
    if (challenge === null) {
      // No challenge seen: the registry is open. A registry token given as-is is still sent, as skopeo does.
      const cred = await this.#credential();
      return cred.kind === 'bearer' ? `Bearer ${cred.token}` : undefined;
    }
    if (challenge.scheme === 'basic') {
      const cred = await this.#credential();
      if (cred.kind === 'basic') return basicHeader(cred.username, cred.password);
      if (cred.kind === 'bearer') return `Bearer ${cred.token}`;
      return undefined;
    }
    if (challenge.scheme !== 'bearer') {
      throw new FerryError(
        ErrorCode.Auth,
        `registry ${this.#options.registry} asks for unsupported auth scheme ${JSON.stringify(challenge.scheme)}`,
      );
    }
    const key = scopeKey(scopes);
    const now = (this.#options.now ?? Date.now)();
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > now) return `Bearer ${cached.value}`;
    let pending = this.#inflight.get(key);
    if (!pending) {
      // Parallel blob requests needing the same scope share one exchange.
      pending = this.#exchange(challenge, scopes).finally(() => this.#inflight.delete(key));
      this.#inflight.set(key, pending);
    }
    return `Bearer ${await pending}`;
  }

  /**
   * Called on a 401. Returns the scopes to retry with (the request is retried once), or undefined when
   * retrying cannot help. Cached tokens for the scopes are dropped so the retry re-resolves credentials
   * (a rotated token file) and, on `insufficient_scope`, asks for the scope the registry named.
   */
  onUnauthorized(
    challenge: AuthChallenge | undefined,
    scopes: readonly string[],
  ): readonly string[] | undefined {
    if (challenge) this.#challenge = challenge;
    const current = this.#challenge;
    if (!current) return undefined;
    this.#tokens.delete(scopeKey(scopes));
    // Only an explicit insufficient_scope adds the registry's scope; a first-contact 401 names the scope
    // of this one request (often just `pull`), which ours already covers. Merging per resource keeps
    // one token (one cache entry) per repository instead of one per action set.
    const wanted = current.params.scope;
    if (current.scheme === 'bearer' && wanted && parseBearerError(current.params)?.insufficientScope) {
      const merged = mergeScopes([...scopes, wanted]);
      if (merged.join(' ') !== mergeScopes(scopes).join(' ')) return merged;
    }
    return scopes;
  }

  /**
   * The keychain's credential, read afresh unless a read is already under way: without a challenge
   * (or with Basic) every request asks, and a copy starts ~20 requests at once, each of which would
   * otherwise try every auth file in turn (measured: ~6 ms of a 0.55 s incremental copy). A call made
   * after a read has finished reads again, so a rotated token file is still seen by the next request.
   */
  #credential(): Promise<Credential> {
    if (this.#resolving === undefined) {
      const reading = this.#options.keychain.resolve(this.#options.registry);
      this.#resolving = reading;
      const done = () => {
        if (this.#resolving === reading) this.#resolving = undefined;
      };
      reading.then(done, done);
    }
    return this.#resolving;
  }

  async #exchange(challenge: AuthChallenge, scopes: readonly string[]): Promise<string> {
    const cred = await this.#credential();
    if (cred.kind === 'bearer') return cred.token;
    const realm = this.#realm(challenge);
    const service = challenge.params.service;
    this.exchanges += 1;
    const result =
      cred.kind === 'identity-token'
        ? await this.#oauthRefresh(realm, service, scopes, cred)
        : await this.#tokenGet(realm, service, scopes, cred);
    if (result.status === 401 || result.status === 403) {
      const who =
        cred.kind === 'basic'
          ? ` as ${JSON.stringify(cred.username)}`
          : cred.kind === 'identity-token'
            ? ' with an identity (refresh) token'
            : ' anonymously';
      throw new FerryError(
        ErrorCode.Auth,
        `authentication to ${this.#options.registry} failed${who}: token server ${realm.host} answered ${result.status}`,
      );
    }
    if (result.status < 200 || result.status >= 300) {
      throw new FerryError(
        ErrorCode.Auth,
        `token server ${realm.host} for ${this.#options.registry} answered ${result.status}`,
        { temporary: result.status >= 500 || result.status === 429 },
      );
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(result.text) as typeof body;
    } catch (cause) {
      throw new FerryError(ErrorCode.Auth, `token server ${realm.host} answered with invalid JSON`, {
        cause,
      });
    }
    // Spec: `token`, with `access_token` as the OAuth2-compatible alias; either may be present.
    const token = typeof body.token === 'string' && body.token ? body.token : body.access_token;
    if (typeof token !== 'string' || !token) {
      throw new FerryError(ErrorCode.Auth, `token server ${realm.host} answered without a token`);
    }
    // Spec: expires_in defaults to 60 s. Renew 10% early so a long copy does not race expiry.
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    const now = (this.#options.now ?? Date.now)();
    this.#tokens.set(scopeKey(scopes), { value: token, expiresAt: now + expiresIn * 900 });
    return token;
  }

  #realm(challenge: AuthChallenge): URL {
    const raw = challenge.params.realm;
    let realm: URL;
    try {
      realm = new URL(raw ?? '');
    } catch {
      throw new FerryError(ErrorCode.Auth, `registry ${this.#options.registry} sent an invalid token realm`);
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new FerryError(ErrorCode.InsecureRealm, `token realm ${realm.origin} is not http(s)`);
    }
    // A hostile registry could name any URL as its realm and have us send credentials there over plain
    // HTTP; only hosts the user marked insecure may use http (go-containerregistry does the same).
    if (realm.protocol === 'http:' && !this.#options.allowsInsecure(realm.host)) {
      throw new FerryError(
        ErrorCode.InsecureRealm,
        `registry ${this.#options.registry} points its token realm at plain-HTTP ${realm.origin}; ` +
          'refusing to send credentials there (mark that host insecure with --*-tls-verify=false if intended)',
      );
    }
    return realm;
  }

  async #tokenGet(
    realm: URL,
    service: string | undefined,
    scopes: readonly string[],
    cred: Credential,
  ): Promise<TokenFetchResult> {
    const url = new URL(realm.href);
    if (service) url.searchParams.set('service', service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    if (cred.kind === 'basic') headers.authorization = basicHeader(cred.username, cred.password);
    return this.#options.fetchToken(url, { method: 'GET', headers });
  }

  async #oauthRefresh(
    realm: URL,
    service: string | undefined,
    scopes: readonly string[],
    cred: Extract<Credential, { kind: 'identity-token' }>,
  ): Promise<TokenFetchResult> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: cred.refreshToken,
      client_id: 'ferry',
      service: service ?? '',
      scope: scopes.join(' '),
    });
    return this.#options.fetchToken(realm, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  }
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

function scopeKey(scopes: readonly string[]): string {
  return [...scopes].sort().join(' ');
}
