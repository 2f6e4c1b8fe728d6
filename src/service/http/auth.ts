/**
 * Who may call `/api/v1/*`: a bearer API token (machines) or a browser session (people signed in with
 * OpenID Connect or a one-time link, sessions.ts). Both become an Identity (config/identity.ts) and are
 * checked with the same role matrix. Tokens are looked up by hash in constant time (api-tokens.ts); the
 * role is checked in an onRequest hook — before the body is even read — and the rule scope
 * (`promotions: [rule…]`) once the route knows which rule is concerned.
 *
 * What each route needs (roleAllows matrix in api-tokens.ts, docs/security.md):
 *   view     GET promotions, a promotion, its events                 viewer, promoter, approver, admin
 *   promote  POST promotions, rerun, rollback, cancel                promoter, admin
 *   approve  approve, reject                                          approver, admin
 *   admin    cancel of a promotion another identity requested        admin
 * Cancel needs only `promote` for the identity that asked for the promotion, so a pipeline can withdraw
 * its own request; withdrawing someone else's (another team's pipeline, a webhook's) is an admin
 * decision. Rerun and rollback stay with `promote`: they make new promotions that pass the rule's tag
 * pattern, approvals and signature check again, so they cannot wave anything through.
 *
 * An `Authorization` header wins over a cookie: a request that sends one is judged by the token alone.
 * A request authenticated by the session cookie that changes state (anything but GET/HEAD/OPTIONS)
 * must carry `X-Ferry-CSRF` with the session's token, else 403 FERRY_E_API_CSRF_REQUIRED — checked
 * before the role, so a forged request learns nothing. Bearer requests need no CSRF token: a browser
 * never adds an `Authorization: Bearer` header by itself.
 *
 * Webhook routes never use these: each is authenticated by its own mechanism (hook-routes.ts).
 * Refusals carry the API's own codes (FERRY_E_API_UNAUTHORIZED 401, FERRY_E_API_FORBIDDEN 403), so a
 * client can tell a token problem from a webhook-secret problem (FERRY_E_TRIGGER_*).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_ERROR_STATUS, ApiErrorCode } from '../../api/api-error-codes.ts';
import { CSRF_HEADER } from '../../api/sign-in.ts';
import { type Action, findToken } from '../config/api-tokens.ts';
import {
  actorKey,
  type Grant,
  type Identity,
  identityAllows,
  rolesOf,
  tokenIdentity,
} from '../config/identity.ts';
import type { FerryConfig } from '../config/schema.ts';
import { isRequester } from '../promote/approver-policy.ts';
import type { Actor } from '../promote/promotion-service.ts';
import type { Promotion } from '../store/promotion.ts';
import { HttpError } from './errors.ts';
import type { SessionClaims, Sessions } from './sessions.ts';

const BEARER_RE = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/** Methods that only read: no CSRF token needed (RFC 9110 §9.2.1 safe methods). */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Constant-time comparison of two secrets (the length is not secret: tokens have a fixed one). */
function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER_RE.exec(header)?.[1];
}

function unauthorized(message: string, code: string = ApiErrorCode.Unauthorized): HttpError {
  return new HttpError(401, code, message, { fields: ['authorization'] });
}

/** 403: authenticated, but not allowed. */
export function forbidden(message: string): HttpError {
  return new HttpError(API_ERROR_STATUS[ApiErrorCode.Forbidden], ApiErrorCode.Forbidden, message);
}

function describe(identity: Identity): string {
  const roles = rolesOf(identity);
  const what = identity.kind === 'token' ? `API token "${identity.display}"` : `"${identity.display}"`;
  return `${what} (${roles.length === 0 ? 'no role' : `role ${roles.join(', ')}`})`;
}

/** Throws 403 unless the identity may perform `action` (for `rule`, when given). */
export function requireAllowed(identity: Identity, action: Action, rule?: string): void {
  if (identityAllows(identity, action, rule)) return;
  const what = rule === undefined ? action : `${action} for promotion rule "${rule}"`;
  throw forbidden(`${describe(identity)} may not ${what}`);
}

/**
 * Throws 403 unless `identity` may cancel `promotion`: its own request (role and rule scope were
 * checked for `promote` already), or anyone's with `admin` for the promotion's rule.
 */
export function requireMayCancel(
  identity: Identity,
  promotion: Pick<Promotion, 'requestedBy' | 'requesterKey' | 'rule'>,
): void {
  if (isRequester(promotion, identityActor(identity)) || identityAllows(identity, 'admin', promotion.rule)) {
    return;
  }
  throw forbidden(
    `${describe(identity)} may cancel only promotions it requested; this one was requested by "${promotion.requestedBy}", so cancelling it needs role admin`,
  );
}

/** How the engine and the audit trail see the identity. */
export function identityActor(identity: Identity): Actor {
  // A token's key is its name, the Actor default: tokens stay `{name, kind}` as before sessions.
  const key = actorKey(identity);
  return {
    name: identity.display,
    kind: identity.kind,
    ...(key === identity.display ? {} : { key }),
    ...(identity.kind === 'token'
      ? {}
      : {
          person: {
            subject: identity.subject,
            email: identity.email,
            emailVerified: identity.emailVerified,
            groups: identity.groups,
          },
        }),
  };
}

export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

/** Who is calling, as `/api/v1/me` reports it. */
export interface Caller {
  readonly identity: Identity;
  /** The session's CSRF token; null for a bearer token. */
  readonly csrfToken: string | null;
}

export interface ApiAuth {
  /**
   * An onRequest hook: 401 without a valid token or session, 403 without the CSRF header (session,
   * state-changing method), 403 when no role allows `action`.
   */
  require(action: Action): AuthHook;
  /** The identity a `require` hook accepted for this request. */
  identityOf(request: FastifyRequest): Identity;
  /** Whoever calls, with no role needed (`/api/v1/me`); 401 FERRY_E_API_UNAUTHENTICATED for nobody. */
  caller(request: FastifyRequest, reply: FastifyReply): Promise<Caller>;
}

export interface ApiAuthOptions {
  readonly config: Pick<FerryConfig, 'apiTokens'>;
  /** Browser sessions; absent: bearer tokens only. */
  readonly sessions?: Sessions | undefined;
  /** The grants of a signed-in person (role mapping of `auth.oidc.roles`; admin for one-time logins). */
  readonly grantsFor?: ((claims: SessionClaims) => readonly Grant[]) | undefined;
}

export function sessionIdentity(claims: SessionClaims, grants: readonly Grant[]): Identity {
  return {
    kind: claims.kind,
    subject: claims.subject,
    display: claims.display,
    email: claims.email,
    name: claims.name,
    emailVerified: claims.emailVerified,
    groups: claims.groups,
    grants,
  };
}

/** Authentication for one app (accepted identities are remembered per request, not globally). */
export function createApiAuth(options: ApiAuthOptions): ApiAuth {
  const { config, sessions } = options;
  const grantsFor = options.grantsFor ?? (() => []);
  const identities = new WeakMap<FastifyRequest, Identity>();

  /** The caller, or a 401 (`code` when nothing at all was presented). */
  async function authenticate(
    request: FastifyRequest,
    reply: FastifyReply,
    nobodyCode: string,
  ): Promise<Caller> {
    // RFC 6750 §3: a 401 names the scheme, so clients know what to send.
    const challenge = () => reply.header('www-authenticate', 'Bearer realm="ferry"');
    const header = request.headers.authorization;
    if (header !== undefined) {
      const presented = bearerToken(header);
      const token = presented === undefined ? undefined : findToken(config, presented);
      if (token === undefined) {
        challenge();
        throw unauthorized(
          presented === undefined
            ? 'the Authorization header is not "Bearer <token>"'
            : 'the API token is not valid',
        );
      }
      return { identity: tokenIdentity(token), csrfToken: null };
    }
    const session = await sessions?.current(request);
    if (session !== undefined) {
      return {
        identity: sessionIdentity(session.claims, grantsFor(session.claims)),
        csrfToken: session.csrfToken,
      };
    }
    challenge();
    if (sessions?.presented(request) === true) {
      throw unauthorized('the session has expired or is not valid: sign in again at /auth/login');
    }
    throw unauthorized(
      `an API token is required: send "Authorization: Bearer <token>"${sessions === undefined ? '' : ', or sign in at /auth/login'}`,
      nobodyCode,
    );
  }

  return {
    require(action) {
      return async (request, reply) => {
        const caller = await authenticate(request, reply, ApiErrorCode.Unauthorized);
        if (caller.csrfToken !== null && !SAFE_METHODS.has(request.method)) {
          requireCsrf(request, caller.csrfToken);
        }
        requireAllowed(caller.identity, action);
        identities.set(request, caller.identity);
      };
    },
    identityOf(request) {
      const identity = identities.get(request);
      // Only reachable when a route forgot its hook: a bug, answered 500.
      if (identity === undefined) throw new Error('route has no authentication hook');
      return identity;
    },
    caller(request, reply) {
      return authenticate(request, reply, ApiErrorCode.Unauthenticated);
    },
  };
}

/**
 * 403 FERRY_E_API_CSRF_REQUIRED unless the request carries the session's CSRF token: in the header, or
 * as `field` (the `csrf` field of a form, which cannot set headers) when given.
 */
export function requireCsrf(request: FastifyRequest, csrfToken: string, field?: string): void {
  const presented = field ?? request.headers[CSRF_HEADER];
  if (typeof presented === 'string' && sameSecret(presented, csrfToken)) return;
  throw new HttpError(
    API_ERROR_STATUS[ApiErrorCode.CsrfRequired],
    ApiErrorCode.CsrfRequired,
    `a request made with the session cookie must carry the ${CSRF_HEADER} header with the csrfToken of GET /api/v1/me`,
    { fields: [CSRF_HEADER] },
  );
}
