/**
 * OpenID Connect sign-in done by the server with `openid-client`: the authorization code flow
 * (OpenID Connect Core §3.1) with PKCE S256 (RFC 7636), `state` (RFC 6749 §10.12) and `nonce` (Core
 * §3.1.2.1), the provider's endpoints and keys found by discovery from `auth.oidc.issuer`. openid-client
 * checks the ID token (signature against the provider's JWKS, `iss`, `aud`, `exp`, `nonce`) and the
 * `iss` authorization response parameter (RFC 9207) when the provider sends it.

Sign-out can end the provider's session too (OpenID Connect RP-Initiated Logout 1.0): when discovery
lists an `end_session_endpoint`, `endSessionUrl` builds the URL to send the browser to, with
`id_token_hint` (§2: the ID token of the session, when the session kept it), `client_id` and
`post_logout_redirect_uri` (ferry's origin, which must be registered with the provider).
 *
 * Discovery happens at the first sign-in, not at start-up, and is retried on the next sign-in when it
 * failed: an identity provider that is down must not keep ferry (and its webhooks) from starting. The
 * client secret is resolved at each code exchange, so a rotated secret file is picked up without a
 * restart. Nothing from the provider is kept but the claims the session needs: tokens are dropped once
 * the claims are read, except the ID token, returned for the session to keep as the logout hint.
 */
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { Agent, fetch as undiciFetch } from 'undici';
import { API_ERROR_STATUS, ApiErrorCode } from '../../api/api-error-codes.ts';
import { quoteValue } from '../../api/quote-value.ts';
import { isLoopbackHost, type OidcConfig } from '../config/auth-schema.ts';
import { mappedGroups } from '../config/role-mapping.ts';
import { HttpError } from './errors.ts';
import type { PendingLogin, SessionClaims } from './sessions.ts';

export interface OidcSignIn {
  /** The authorization URL to send the browser to, and what the callback must find again. */
  start(returnTo: string): Promise<{ readonly url: string; readonly pending: PendingLogin }>;
  /** Checks the provider's answer against `pending` and returns who signed in, and the ID token. */
  finish(
    request: FastifyRequest,
    query: Readonly<Record<string, unknown>>,
    pending: PendingLogin | undefined,
  ): Promise<{ readonly claims: SessionClaims; readonly idToken: string | undefined }>;
  /**
   * Where to send the browser after ferry's own sign-out so the provider signs the person out too;
   * undefined when the provider has no `end_session_endpoint` (or cannot be reached: ferry's sign-out
   * must not depend on it).
   */
  endSessionUrl(idToken: string | undefined): Promise<string | undefined>;
  /** The issuer's origin: where the dashboard's sign-out form may lead (its CSP `form-action`). */
  readonly providerOrigin: string;
}

export interface OidcSignInOptions {
  readonly config: OidcConfig;
  /** The redirect URL registered with the provider (`…/auth/callback`). */
  readonly redirectUrl: string;
  /**
   * Where the provider sends the browser back after its sign-out (`post_logout_redirect_uri`, registered
   * with the provider). Default: the redirect URL's origin + `/`.
   */
  readonly postLogoutRedirectUrl?: string | undefined;
  /** The client secret, resolved at each use (a secret reference); undefined for a public client. */
  readonly clientSecret?: (() => Promise<string>) | undefined;
  /**
   * Groups ferry.yaml names outside the role mapping (rules' `approvers`): kept in the session too.
   * Default none.
   */
  readonly alsoKeepGroups?: readonly string[] | undefined;
  /** Give up on a provider request after this long. Default 10 s. */
  readonly timeoutMs?: number | undefined;
}

function signInFailed(message: string, cause?: unknown): HttpError {
  return new HttpError(API_ERROR_STATUS[ApiErrorCode.SignInFailed], ApiErrorCode.SignInFailed, message, {
    ...(cause === undefined ? {} : { cause }),
  });
}

/** 502: the identity provider could not be asked, or answered with something unusable. */
function providerFailed(what: string, cause: unknown): HttpError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new HttpError(
    API_ERROR_STATUS[ApiErrorCode.IdentityProviderFailed],
    ApiErrorCode.IdentityProviderFailed,
    `${what}: ${quoteValue(detail, 200)}`,
    { cause },
  );
}

/** A string claim, or undefined. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The claim at a dotted path (`realm_access.roles`), or undefined. */
function claimAt(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  // A claim whose own name contains dots (`https://example.com/groups`) wins over a nested look-up.
  if (path in claims) return claims[path];
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      claims,
    );
}

/** The groups claim as a list of strings: an array, or one string (some providers send one group so). */
export function groupsOf(claims: Readonly<Record<string, unknown>>, path: string): string[] | undefined {
  const value = claimAt(claims, path);
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return undefined;
}

/**
 * Why the groups claim is missing, when the provider says it left the groups out: Microsoft Entra ID
 * sends no `groups` for a person in more than 200 groups (150 in SAML, 6 in the implicit flow) and
 * points to Microsoft Graph instead, as an OpenID Connect distributed claim (Core §5.6.2:
 * `_claim_names: {groups: "src1"}`) or as `hasgroups: true`. ferry does not follow the pointer (it
 * would need a Graph token), so such a person gets no group-based role; the caller warns with this.
 * Undefined when nothing says the claim was left out.
 */
export function groupsOverage(
  claims: Readonly<Record<string, unknown>>,
  groupsClaim: string,
): string | undefined {
  const names = claims._claim_names;
  if (typeof names === 'object' && names !== null && groupsClaim in names) {
    return `_claim_names.${groupsClaim}`;
  }
  if (claims.hasgroups === true || claims.hasgroups === 'true') return 'hasgroups';
  return undefined;
}

/** How the audit trail names a person: `alice@example.com (oidc)`. */
export function displayOf(claims: Readonly<Record<string, unknown>>, subject: string): string {
  const who = text(claims.email) ?? text(claims.preferred_username) ?? text(claims.name) ?? subject;
  return `${who} (oidc)`;
}

/** A fetch that trusts the system roots plus `caFile`, for providers behind a company CA. */
async function fetchWithCa(caFile: string, timeoutMs: number): Promise<client.CustomFetch> {
  const ca = await readFile(caFile, 'utf8');
  const dispatcher = new Agent({
    connect: { ca: [...rootCertificates, ca], timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return (url, options) =>
    undiciFetch(url, { ...options, dispatcher } as Parameters<
      typeof undiciFetch
    >[1]) as unknown as Promise<Response>;
}

export function createOidcSignIn(options: OidcSignInOptions): OidcSignIn {
  const { config, redirectUrl } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const postLogoutRedirectUrl = options.postLogoutRedirectUrl ?? `${new URL(redirectUrl).origin}/`;
  const insecure =
    new URL(config.issuer).protocol === 'http:' && isLoopbackHost(new URL(config.issuer).hostname);
  const keepGroups = new Set([...mappedGroups(config.roles), ...(options.alsoKeepGroups ?? [])]);
  let discovered: Promise<client.Configuration> | undefined;
  let customFetch: Promise<client.CustomFetch | undefined> | undefined;

  const fetcher = () => {
    customFetch ??=
      config.caFile === undefined ? Promise.resolve(undefined) : fetchWithCa(config.caFile, timeoutMs);
    return customFetch;
  };

  /** The provider's metadata (discovery, once; again after a failure). */
  function server(): Promise<client.Configuration> {
    discovered ??= (async () => {
      const custom = await fetcher();
      return client.discovery(new URL(config.issuer), config.clientId, undefined, undefined, {
        ...(custom === undefined ? {} : { [client.customFetch]: custom }),
        ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        timeout: Math.ceil(timeoutMs / 1000),
      });
    })().catch((err: unknown) => {
      discovered = undefined;
      throw providerFailed(`cannot read the identity provider's configuration from ${config.issuer}`, err);
    });
    return discovered;
  }

  /** A configuration for one exchange, with the client secret as it is now. */
  async function exchangeConfig(): Promise<client.Configuration> {
    const base = await server();
    const secret = options.clientSecret === undefined ? undefined : await options.clientSecret();
    const auth = secret === undefined ? client.None() : client.ClientSecretBasic(secret);
    const configuration = new client.Configuration(base.serverMetadata(), config.clientId, undefined, auth);
    const custom = await fetcher();
    if (custom !== undefined) configuration[client.customFetch] = custom;
    configuration.timeout = Math.ceil(timeoutMs / 1000);
    if (insecure) client.allowInsecureRequests(configuration);
    return configuration;
  }

  return {
    async start(returnTo) {
      const configuration = await server();
      const codeVerifier = client.randomPKCECodeVerifier();
      const pending: PendingLogin = {
        codeVerifier,
        state: client.randomState(),
        nonce: client.randomNonce(),
        returnTo,
      };
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUrl,
        scope: config.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url: url.href, pending };
    },

    async finish(request, query, pending) {
      if (pending === undefined) {
        throw signInFailed(
          'no sign-in was started in this browser, or it took longer than 10 minutes: start again at /auth/login',
        );
      }
      if (typeof query.error === 'string') {
        // The provider's own code (access_denied, login_required…); its description is its words, not ours.
        throw signInFailed(`the identity provider refused the sign-in: ${quoteValue(query.error, 80)}`);
      }
      const configuration = await exchangeConfig();
      const current = new URL(redirectUrl);
      current.search = new URL(request.url, 'http://callback.invalid').search;
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(configuration, current, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
      } catch (err) {
        throw classify(err);
      }
      const idClaims = tokens.claims();
      if (idClaims === undefined) throw signInFailed('the identity provider sent no ID token');
      let claims: Record<string, unknown> = { ...idClaims };
      // Some providers (Okta's org server, Keycloak without a mapper) put groups only in userinfo.
      if (
        groupsOf(claims, config.groupsClaim) === undefined &&
        configuration.serverMetadata().userinfo_endpoint
      ) {
        try {
          const info = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
          claims = { ...info, ...claims, [config.groupsClaim]: claimAt(info, config.groupsClaim) };
        } catch (err) {
          throw classify(err);
        }
      }
      const subject = idClaims.sub;
      const found = groupsOf(claims, config.groupsClaim);
      const overage = found === undefined ? groupsOverage(idClaims, config.groupsClaim) : undefined;
      if (overage !== undefined) {
        // The marker's name only: `_claim_sources` may carry an endpoint and even an access token.
        request.log.warn(
          { identity: displayOf(claims, subject), claim: config.groupsClaim, marker: overage },
          `the identity provider left the "${config.groupsClaim}" claim out of the ID token (${overage}: too many groups, Entra ID's group overage) and ferry does not fetch it from Microsoft Graph: this person gets no role by groups; limit the token to the groups assigned to the application, or map roles by app roles (groupsClaim: roles), emails or subjects (docs/sign-in.md)`,
        );
      }
      const groups = (found ?? []).filter((group) => keepGroups.has(group));
      return {
        claims: {
          kind: 'oidc',
          subject,
          display: displayOf(claims, subject),
          email: text(claims.email),
          name: text(claims.name),
          emailVerified: claims.email_verified === false ? false : undefined,
          groups,
        },
        idToken: tokens.id_token,
      };
    },

    async endSessionUrl(idToken) {
      let configuration: client.Configuration;
      try {
        configuration = await server();
      } catch {
        return undefined;
      }
      if (configuration.serverMetadata().end_session_endpoint === undefined) return undefined;
      return client.buildEndSessionUrl(configuration, {
        post_logout_redirect_uri: postLogoutRedirectUrl,
        // §2: client_id is RECOMMENDED with post_logout_redirect_uri; it also identifies ferry when the
        // ID token was too large for the session cookie.
        client_id: config.clientId,
        ...(idToken === undefined ? {} : { id_token_hint: idToken }),
      }).href;
    },

    providerOrigin: new URL(config.issuer).origin,
  };
}

/** A provider answer the checks refused is the sign-in's failure (400); not reaching it is a 502. */
function classify(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (
    err instanceof client.AuthorizationResponseError ||
    err instanceof client.ResponseBodyError ||
    err instanceof client.ClientError ||
    (err instanceof Error && err.name === 'OperationProcessingError')
  ) {
    const code = (err as { code?: unknown; error?: unknown }).error ?? (err as { code?: unknown }).code;
    return signInFailed(
      `the identity provider's answer was refused (${quoteValue(String(code ?? err.name), 80)}): ${quoteValue(err.message, 200)}`,
      err,
    );
  }
  return providerFailed('the identity provider could not be reached', err);
}
