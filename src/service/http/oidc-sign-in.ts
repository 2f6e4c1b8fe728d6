/**
 * OpenID Connect sign-in done by the server (openid-client): the authorization code flow with PKCE
 * (S256), `state` and `nonce`, the provider found by discovery from `auth.oidc.issuer`.
 */
import type { FastifyRequest } from 'fastify';
import type { PendingLogin, SessionClaims } from './sessions.ts';

export interface OidcSignIn {
  /** The authorization URL to send the browser to, and what the callback must find again. */
  start(returnTo: string): Promise<{ readonly url: string; readonly pending: PendingLogin }>;
  /** Checks the provider's answer against `pending` and returns who signed in. */
  finish(
    request: FastifyRequest,
    query: Readonly<Record<string, unknown>>,
    pending: PendingLogin | undefined,
  ): Promise<SessionClaims>;
}
