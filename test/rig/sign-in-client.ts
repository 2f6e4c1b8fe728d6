/**
 * A browser stand-in for sign-in tests: undici requests that follow redirects by hand and keep cookies
 * per host, as a browser does (cookies are not separated by port, RFC 6265 §8.5, so ferry's and the
 * identity provider's cookies on 127.0.0.1 share one jar, as they would in Chromium). Paths, expiry and
 * `Secure` are ignored: the tests look at the Set-Cookie attributes themselves.
 */
import { request } from 'undici';
import { SESSION_COOKIE } from '../../src/api/sign-in.ts';

export interface Hop {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly location: string | undefined;
  readonly setCookies: readonly string[];
}

export interface Answer {
  readonly status: number;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Every response on the way, redirects included. */
  readonly hops: readonly Hop[];
}

export class SignInClient {
  readonly #jar = new Map<string, Map<string, string>>();

  /** The cookie `name` held for `url`'s host. */
  cookie(url: string, name: string): string | undefined {
    return this.#jar.get(new URL(url).hostname)?.get(name);
  }

  setCookie(url: string, name: string, value: string): void {
    const host = new URL(url).hostname;
    const cookies = this.#jar.get(host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.#jar.set(host, cookies);
  }

  #store(url: string, setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      const host = new URL(url).hostname;
      const cookies = this.#jar.get(host) ?? new Map<string, string>();
      if (expired || value === '') cookies.delete(name);
      else cookies.set(name, value);
      this.#jar.set(host, cookies);
    }
  }

  #cookieHeader(url: string): string | undefined {
    const cookies = this.#jar.get(new URL(url).hostname);
    if (cookies === undefined || cookies.size === 0) return undefined;
    return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** One request with the jar's cookies, following redirects (303 and 302 become GET). */
  async fetch(
    url: string,
    init: { method?: string; headers?: Record<string, string>; body?: string; maxRedirects?: number } = {},
  ): Promise<Answer> {
    let method = init.method ?? 'GET';
    let current = url;
    let body = init.body;
    let headers = { ...init.headers };
    const hops: Hop[] = [];
    for (let i = 0; i <= (init.maxRedirects ?? 10); i++) {
      const cookie = this.#cookieHeader(current);
      const response = await request(current, {
        method: method as 'GET',
        headers: { ...headers, ...(cookie === undefined ? {} : { cookie }) },
        body,
      });
      const text = await response.body.text();
      const raw = response.headers['set-cookie'];
      const setCookies = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      this.#store(current, setCookies);
      const location = response.headers.location as string | undefined;
      hops.push({ method, url: current, status: response.statusCode, location, setCookies });
      const redirect = response.statusCode >= 300 && response.statusCode < 400 && location !== undefined;
      // With maxRedirects reached, the redirect itself is the answer (a test looks at its Location).
      if (!redirect || i === (init.maxRedirects ?? 10)) {
        return { status: response.statusCode, url: current, headers: response.headers, body: text, hops };
      }
      current = new URL(location as string, current).href;
      method = 'GET';
      body = undefined;
      headers = {};
    }
    throw new Error(`unreachable: the loop returns at maxRedirects (${url})`);
  }

  /**
   * Signs in at `ferryUrl` through the identity provider's login form as `login`/`password`, and
   * returns the last answer (ferry's page after the redirect to `returnTo`) with every hop from
   * `/auth/login` on.
   */
  async signIn(ferryUrl: string, login: string, password: string, returnTo = '/'): Promise<Answer> {
    const form = await this.fetch(`${ferryUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
    if (form.status !== 200 || !form.body.includes('name="login"')) {
      throw new Error(
        `expected the identity provider's login form, got ${form.status}: ${form.body.slice(0, 300)}`,
      );
    }
    const action = /<form method="post" action="([^"]+)"/.exec(form.body)?.[1];
    if (action === undefined) throw new Error('no form action on the login page');
    const done = await this.fetch(new URL(action.replace(/&amp;/g, '&'), form.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password }).toString(),
    });
    return { ...done, hops: [...form.hops, ...done.hops] };
  }

  /**
   * Follows the identity provider's end-session URL (where ferry's sign-out form led) and confirms the
   * provider's sign-out page (`logout=yes`), as a person clicking "Yes, sign me out"; returns the last
   * answer (ferry's page after `post_logout_redirect_uri`) with every hop.
   */
  async confirmProviderSignOut(endSessionUrl: string): Promise<Answer> {
    const page = await this.fetch(endSessionUrl);
    const form = /<form[^>]*id="op\.logoutForm"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
    const action = /action="([^"]+)"/.exec(form?.[0] ?? '')?.[1];
    if (form === null || action === undefined) {
      throw new Error(
        `expected the provider's sign-out form, got ${page.status}: ${page.body.slice(0, 300)}`,
      );
    }
    const fields = new URLSearchParams({ logout: 'yes' });
    for (const [, name, value] of form[1]!.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
      fields.set(name!, value!);
    }
    const done = await this.fetch(new URL(action.replace(/&amp;/g, '&'), page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fields.toString(),
    });
    return { ...done, hops: [...page.hops, ...done.hops] };
  }

  /** The session cookie ferry set, if any. */
  session(ferryUrl: string): string | undefined {
    return this.cookie(ferryUrl, SESSION_COOKIE);
  }
}
