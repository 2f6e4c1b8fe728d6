/**
 * Authentication as a layer: requests to the registry's own host carry the Authorization the auth
 * session holds for their scopes (distribution "Token Authentication Specification"); a 401 teaches
 * the session the challenge, and the request is sent once more with fresh credentials (a first
 * contact, an expired token, a rotated token file, or `insufficient_scope`). Other hosts (redirect
 * targets such as pre-signed object-storage URLs) never see the registry's credentials.
 */
import { parseChallenges } from '../../auth/challenge.ts';
import type { AuthChallenge, AuthSession } from '../auth-session.ts';
import { discardResponse, isResendable, type Layer } from './exchange.ts';

export function withAuth(auth: AuthSession, isRegistryUrl: (url: string) => boolean): Layer {
  return (next) => async (req) => {
    if (!isRegistryUrl(req.url)) return next(req);
    let scopes = req.scopes;
    for (let reauthed = false; ; reauthed = true) {
      const authorization = await auth.authorization(scopes);
      const headers = authorization ? { ...req.headers, authorization } : req.headers;
      const res = await next({ ...req, headers });
      // A 401 means nothing was processed, so a body in memory may be sent again.
      if (res.status !== 401 || reauthed || !isResendable(req)) return res;
      const retryWith = auth.onUnauthorized(firstChallenge(res.headers['www-authenticate']), scopes);
      // Retrying cannot help: the body is left unread for the caller's RegistryError.
      if (!retryWith) return res;
      await discardResponse(res);
      scopes = retryWith;
    }
  };
}

function firstChallenge(value: string | string[] | undefined): AuthChallenge | undefined {
  if (value === undefined) return undefined;
  const challenges = parseChallenges(value);
  // Prefer Bearer when a registry offers both (it is what scopes and tokens are for).
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges[0];
}
