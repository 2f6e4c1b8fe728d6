/**
 * The browser sign-in contract: the session cookie, the CSRF header, and the query parameters of the
 * `/auth/*` routes. The server signs people in with OpenID Connect (authorization code flow with PKCE,
 * `state` and `nonce`, done by the server) or with a single-use demo link, and keeps the result in an
 * encrypted cookie; a client never sees a token of the identity provider.
 *
 * CSRF: the cookie is `SameSite=Lax`, which already keeps other sites' POSTs from carrying it in modern
 * browsers; the header is the second lock (OWASP CSRF cheat sheet, "synchronizer token"), because Lax
 * does not cover same-site subdomains or older browsers. A cross-origin page cannot read the token
 * (`/api/v1/me` is same-origin JSON) and cannot set a custom header without a CORS preflight ferry
 * never grants.
 */
import { z } from 'zod';

/** The session cookie: encrypted, httpOnly, SameSite=Lax, Path=/ (Secure unless served over plain HTTP). */
export const SESSION_COOKIE = 'ferry_session';

/** The header every state-changing request made with the session cookie must carry. */
export const CSRF_HEADER = 'x-ferry-csrf';

/** Longest `returnTo` accepted; longer ones fall back to `/`. */
const MAX_RETURN_TO = 2048;

/**
 * `value` when it is a path on this origin (`/promotions/1?x=y#z`), else `/`. Refused: absolute URLs,
 * scheme-relative `//host`, `/\host` (browsers treat `\` as `/`), and control characters, so a sign-in
 * link can never be turned into an open redirect (OWASP "Unvalidated Redirects and Forwards").
 */
export function safeReturnTo(value: string | undefined | null): string {
  if (value === undefined || value === null || value === '' || value.length > MAX_RETURN_TO) return '/';
  if (!value.startsWith('/')) return '/';
  if (value.startsWith('//') || value.startsWith('/\\')) return '/';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return '/';
  // Parse against a throwaway origin: whatever the path does (`/..//x`, encoded slashes), the result
  // must stay on that origin.
  const origin = 'http://ferry.invalid';
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return '/';
  }
  if (url.origin !== origin) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

export const loginQuerySchema = z.strictObject({
  returnTo: z.string().optional().meta({
    description:
      'Where to go after signing in: a path on this server (`/promotions`); anything else means `/`.',
  }),
});

/** What the identity provider appends to the redirect URL (RFC 6749 §4.1.2, OpenID Connect Core §3.1.2.5). */
export const callbackQuerySchema = z.looseObject({
  code: z.string().optional().meta({ description: 'Authorization code.' }),
  state: z.string().optional().meta({ description: 'The state ferry sent.' }),
  iss: z.string().optional().meta({ description: 'Issuer (RFC 9207), checked when present.' }),
  error: z.string().optional().meta({ description: 'Set by the identity provider when sign-in failed.' }),
  error_description: z.string().optional(),
});

/**
 * The dashboard's sign-out form (`application/x-www-form-urlencoded`): a top-level POST can carry no
 * header, so the CSRF token travels as a field, and the answer is a redirect the browser follows (to
 * the provider's end-session endpoint).
 */
export const logoutFormSchema = z.strictObject({
  csrf: z.string().max(256).meta({ description: 'The session’s `csrfToken` (GET /api/v1/me).' }),
});

export const oneTimeQuerySchema = z.strictObject({
  code: z.string().min(1).max(256).meta({
    description: 'The single-use code `ferry serve --one-time-login` wrote; valid once, for 15 minutes.',
  }),
});
