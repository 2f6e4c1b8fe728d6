/**
 * Bearer API tokens for `/api/v1/*`. Tokens are looked up by hash in constant time (api-tokens.ts); the
 * role is checked in an onRequest hook — before the body is even read — and the rule scope
 * (`apiTokens[].promotions`) once the route knows which rule is concerned.
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
 * Webhook routes never use these tokens: each is authenticated by its own mechanism (hook-routes.ts).
 * Refusals carry the API's own codes (FERRY_E_API_UNAUTHORIZED 401, FERRY_E_API_FORBIDDEN 403), so a
 * client can tell a token problem from a webhook-secret problem (FERRY_E_TRIGGER_*).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_ERROR_STATUS, ApiErrorCode } from '../../api/api-error-codes.ts';
import { type Action, findToken, type TokenIdentity, tokenAllows } from '../config/api-tokens.ts';
import type { FerryConfig } from '../config/schema.ts';
import type { Actor } from '../promote/promotion-service.ts';
import { HttpError } from './errors.ts';

const BEARER_RE = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  return BEARER_RE.exec(header)?.[1];
}

function unauthorized(message: string): HttpError {
  return new HttpError(API_ERROR_STATUS[ApiErrorCode.Unauthorized], ApiErrorCode.Unauthorized, message, {
    fields: ['authorization'],
  });
}

/** 403: authenticated, but not allowed. */
export function forbidden(message: string): HttpError {
  return new HttpError(API_ERROR_STATUS[ApiErrorCode.Forbidden], ApiErrorCode.Forbidden, message);
}

/** Throws 403 unless the token may perform `action` (for `rule`, when given). */
export function requireAllowed(token: TokenIdentity, action: Action, rule?: string): void {
  if (tokenAllows(token, action, rule)) return;
  const what = rule === undefined ? action : `${action} for promotion rule "${rule}"`;
  throw forbidden(`API token "${token.name}" (role ${token.role}) may not ${what}`);
}

/**
 * Throws 403 unless `token` may cancel `promotion`: its own request (role and rule scope were checked
 * for `promote` already), or anyone's with `admin` for the promotion's rule.
 */
export function requireMayCancel(
  token: TokenIdentity,
  promotion: { readonly requestedBy: string; readonly rule: string },
): void {
  if (promotion.requestedBy === token.name || tokenAllows(token, 'admin', promotion.rule)) return;
  throw forbidden(
    `API token "${token.name}" (role ${token.role}) may cancel only promotions it requested; this one was requested by "${promotion.requestedBy}", so cancelling it needs role admin`,
  );
}

export function tokenActor(token: TokenIdentity): Actor {
  return { name: token.name, kind: 'token' };
}

export type TokenHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface TokenAuth {
  /** An onRequest hook: 401 without a valid token, 403 when its role does not allow `action`. */
  require(action: Action): TokenHook;
  /** The token a `require` hook accepted for this request. */
  tokenOf(request: FastifyRequest): TokenIdentity;
}

/** Token authentication for one app (the accepted tokens are remembered per request, not globally). */
export function createTokenAuth(config: Pick<FerryConfig, 'apiTokens'>): TokenAuth {
  const tokens = new WeakMap<FastifyRequest, TokenIdentity>();
  return {
    require(action) {
      return async (request, reply) => {
        // RFC 6750 §3: a 401 names the scheme, so clients know what to send.
        const challenge = () => reply.header('www-authenticate', 'Bearer realm="ferry"');
        const presented = bearerToken(request.headers.authorization);
        if (presented === undefined) {
          challenge();
          throw unauthorized('an API token is required: send "Authorization: Bearer <token>"');
        }
        const token = findToken(config, presented);
        if (token === undefined) {
          challenge();
          throw unauthorized('the API token is not valid');
        }
        requireAllowed(token, action);
        tokens.set(request, token);
      };
    },
    tokenOf(request) {
      const token = tokens.get(request);
      // Only reachable when a route forgot its hook: a bug, answered 500.
      if (token === undefined) throw new Error('route has no token hook');
      return token;
    },
  };
}
