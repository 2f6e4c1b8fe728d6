/**
 * Browser sign-in and the caller's identity:
 *
 *   GET  /api/v1/me          token or session    200 {identity, roles, permissions, csrfToken}
 *   GET  /auth/login         none                302 to the identity provider (oidc-sign-in.ts)
 *   GET  /auth/callback      the login cookie    302 to returnTo, with the session cookie
 *   POST /auth/logout        session + CSRF      204 (header) or 303 (form: to the provider's sign-out)
 *   GET  /auth/one-time      a single-use code   302 /, with the session cookie
 *
 * Nothing here answers with a token, a code or a key; redirects go only to paths on this server
 * (safeReturnTo).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { API_ERROR_STATUS, ApiErrorCode } from '../../api/api-error-codes.ts';
import { DASHBOARD_PATHS } from '../../api/dashboard-paths.ts';
import { parseWithSchema } from '../../api/field-schemas.ts';
import type { MeBody } from '../../api/identity.ts';
import { PATHS } from '../../api/paths.ts';
import {
  callbackQuerySchema,
  loginQuerySchema,
  logoutFormSchema,
  oneTimeQuerySchema,
  safeReturnTo,
} from '../../api/sign-in.ts';
import { identityView, permissionsOf, rolesOf } from '../config/identity.ts';
import { requireCsrf } from './auth.ts';
import { HttpError } from './errors.ts';
import type { OidcSignIn } from './oidc-sign-in.ts';
import type { OneTimeLogins } from './one-time-login.ts';
import { rawBodyOf } from './request-body.ts';
import { parseQuery } from './request-query.ts';
import type { RouteContext } from './route-context.ts';
import type { Sessions } from './sessions.ts';

export interface SignInDeps {
  readonly sessions: Sessions;
  /** OpenID Connect sign-in; absent when ferry.yaml has no `auth.oidc`. */
  readonly oidc?: OidcSignIn | undefined;
  /** Single-use demo links; absent unless `--one-time-login` was given. */
  readonly oneTime?: OneTimeLogins | undefined;
}

/** The identity of one-time demo logins: admin, so a demo can show every button. */
export const ONE_TIME_DISPLAY = 'demo (one-time)';

function notConfigured(): HttpError {
  return new HttpError(
    API_ERROR_STATUS[ApiErrorCode.SignInNotConfigured],
    ApiErrorCode.SignInNotConfigured,
    'sign-in is not configured on this server (ferry.yaml has no auth.oidc); use an API token',
  );
}

/** Whether the request is a form submission (`application/x-www-form-urlencoded`). */
function isForm(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return (
    typeof type === 'string' &&
    type.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded'
  );
}

export function registerSignInRoutes(app: FastifyInstance, ctx: RouteContext, deps: SignInDeps): void {
  const { sessions } = deps;

  app.get(PATHS.me, async (request, reply): Promise<MeBody> => {
    const caller = await ctx.auth.caller(request, reply);
    // Per person and changing with ferry.yaml: never from a cache.
    reply.header('cache-control', 'no-store');
    return {
      identity: identityView(caller.identity),
      roles: rolesOf(caller.identity),
      permissions: permissionsOf(caller.identity),
      csrfToken: caller.csrfToken,
    };
  });

  app.get(PATHS.login, async (request, reply) => {
    const { returnTo } = parseQuery(loginQuerySchema, request.query);
    if (deps.oidc === undefined) throw notConfigured();
    const { url, pending } = await deps.oidc.start(safeReturnTo(returnTo));
    sessions.rememberLogin(request, pending);
    reply.header('cache-control', 'no-store');
    return reply.redirect(url, 302);
  });

  app.get(PATHS.callback, async (request, reply) => {
    const query = parseQuery(callbackQuerySchema, request.query);
    if (deps.oidc === undefined) throw notConfigured();
    const pending = sessions.takeLogin(request);
    const { claims, idToken } = await deps.oidc.finish(request, query, pending);
    sessions.signIn(request, claims, idToken);
    request.log.info({ identity: claims.display }, 'signed in');
    reply.header('cache-control', 'no-store');
    return reply.redirect(pending?.returnTo ?? '/', 302);
  });

  app.post(PATHS.logout, async (request, reply) => {
    // The dashboard's button is a form (a top-level navigation, so the answer can lead the browser to
    // the provider); a script sends the header and gets 204.
    const form = isForm(request)
      ? parseWithSchema(
          logoutFormSchema,
          Object.fromEntries(new URLSearchParams(rawBodyOf(request).toString('utf8'))),
          'sign-out form',
        )
      : undefined;
    const session = await sessions.current(request);
    // Without the CSRF token another site could sign people out; without a (valid) session there is
    // nothing to protect, and the answer only clears whatever cookie is left.
    if (session !== undefined) requireCsrf(request, session.csrfToken, form?.csrf);
    if (session !== undefined) request.log.info({ identity: session.claims.display }, 'signed out');
    const out = await sessions.signOut(request);
    reply.header('cache-control', 'no-store');
    if (form === undefined) return reply.code(204).send();
    // RP-Initiated Logout: the provider ends its own session and sends the browser back to ferry.
    // The URL carries the ID token as `id_token_hint` (spec §2): it is never logged (query strings are
    // dropped from logged URLs) and never part of a JSON answer.
    const provider =
      out.kind === 'oidc' && deps.oidc !== undefined ? await deps.oidc.endSessionUrl(out.idToken) : undefined;
    return reply.redirect(provider ?? DASHBOARD_PATHS.signIn, 303);
  });

  app.get(PATHS.oneTimeLogin, async (request, reply) => {
    const { code } = parseQuery(oneTimeQuerySchema, request.query);
    const id = deps.oneTime?.redeem(code);
    if (id === undefined) {
      throw new HttpError(
        API_ERROR_STATUS[ApiErrorCode.OneTimeCodeInvalid],
        ApiErrorCode.OneTimeCodeInvalid,
        'this one-time login link is not valid: it was used already, has expired, or this server did not issue it',
      );
    }
    sessions.signIn(request, { kind: 'one-time', subject: id, display: ONE_TIME_DISPLAY });
    request.log.info({ identity: ONE_TIME_DISPLAY }, 'signed in with a one-time link');
    reply.header('cache-control', 'no-store');
    return reply.redirect('/', 302);
  });
}
