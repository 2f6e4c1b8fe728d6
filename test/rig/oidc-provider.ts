/**
 * A real OpenID Connect provider for tests and the demo: the certified `oidc-provider` package, on
 * loopback over plain HTTP, with four users and group claims. Its login page is deliberately plain HTML
 * with stable field names (`login`, `password`) and a submit button, so a test can sign in by HTTP
 * (sign-in-client.ts follows the redirects and posts the form) and a browser test can fill it in.
 *
 *   user    password          sub (opaque)   email               groups
 *   alice   alice-password    u-alice-7f3a   alice@example.com   release-managers
 *   bob     bob-password      u-bob-91c2     bob@example.com     release-managers
 *   carol   carol-password    u-carol-5d08   carol@example.com   platform
 *   victor  victor-password   u-victor-e44b  victor@example.com  developers
 *   olga    olga-password     u-olga-2b6e    olga@example.com    too many: an Entra ID style overage
 *                                                                marker (`_claim_names.groups`)
 *
 * Sign-out (RP-Initiated Logout 1.0) is on: discovery lists `end_session_endpoint`, whose page asks to
confirm with a form (`logout=yes`); the client may come back to the origin of its redirect URIs.

Consent is granted automatically (a first-party client, oidc-provider's documented
 * `loadExistingGrant` recipe): the flow is login → back to the client, as with a company IdP.
 * `email`, `name` and `groups` are in the ID token (`conformIdTokenClaims: false`), as Keycloak, Dex
 * and Okta put them there when the scopes ask for them.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export interface TestUser {
  readonly login: string;
  readonly password: string;
  readonly sub: string;
  readonly email: string;
  readonly name: string;
  readonly groups: readonly string[];
  /** In "too many" groups: the claims point elsewhere (`_claim_names`) instead of listing them. */
  readonly overage?: true | undefined;
}

function user(login: string, sub: string, groups: readonly string[]): TestUser {
  const name = `${login[0]!.toUpperCase()}${login.slice(1)} Example`;
  return { login, password: `${login}-password`, sub, email: `${login}@example.com`, name, groups };
}

export const TEST_USERS = {
  alice: user('alice', 'u-alice-7f3a', ['release-managers']),
  bob: user('bob', 'u-bob-91c2', ['release-managers']),
  carol: user('carol', 'u-carol-5d08', ['platform']),
  victor: user('victor', 'u-victor-e44b', ['developers']),
  olga: { ...user('olga', 'u-olga-2b6e', []), overage: true },
} as const;

export type TestUserName = keyof typeof TEST_USERS;

export interface TestIdpOptions {
  /** Where the client may be sent back to (ferry's `/auth/callback` URLs). */
  readonly redirectUris: readonly string[];
  /**
   * Where the provider may send the browser after its sign-out (RP-Initiated Logout
   * `post_logout_redirect_uri`). Default: the origin of each redirect URI + `/`, as ferry sends.
   */
  readonly postLogoutRedirectUris?: readonly string[] | undefined;
  /** Default `ferry`. */
  readonly clientId?: string | undefined;
  /** Default: random. */
  readonly clientSecret?: string | undefined;
}

export interface TestIdp {
  /** `http://127.0.0.1:<port>`: what `auth.oidc.issuer` is set to. */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Logins that were submitted, with the outcome (a test asserts the form was really used). */
  readonly logins: ReadonlyArray<{ readonly login: string; readonly ok: boolean }>;
  /**
   * Changes a user's email address from the next sign-in on (as a directory does when someone is
   * renamed; the `sub` stays); undefined restores the original.
   */
  setEmail(login: TestUserName, email: string | undefined): void;
  stop(): Promise<void>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, message?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider: sign in</title></head>
<body><main>
<h1>Sign in</h1>
${message === undefined ? '' : `<p role="alert">${escapeHtml(message)}</p>`}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>User <input name="login" autocomplete="username" autofocus required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
</main></body></html>`;
}

/**
 * The `auth.oidc` section of a ferry.yaml signing in with `idp` (its client secret written to
 * `<dir>/oidc-client-secret`, mode 0600, and referenced as a file), asking for the groups scope.
 */
export async function oidcSection(
  idp: TestIdp,
  dir: string,
  roles: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const secretFile = join(dir, 'oidc-client-secret');
  await writeFile(secretFile, `${idp.clientSecret}\n`, { mode: 0o600 });
  return {
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: { file: secretFile },
    scopes: ['openid', 'email', 'profile', 'groups'],
    roles,
  };
}

function logoutPage(form: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider: sign out</title></head>
<body><main>
<h1>Sign out of the test identity provider?</h1>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
</main></body></html>`;
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  const clientId = options.clientId ?? 'ferry';
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const logins: Array<{ login: string; ok: boolean }> = [];
  let handler: (request: IncomingMessage, response: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server: Server = createServer((request, response) => handler(request, response));
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const bySub = new Map(Object.values(TEST_USERS).map((u) => [u.sub, u]));
  const emails = new Map<string, string>();
  // Its own signing key and lifetimes, so the provider runs without its development defaults.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-idp', alg: 'RS256', use: 'sig' };
  const configuration: Configuration = {
    jwks: { keys: [jwk as Parameters<typeof JSON.stringify>[0]] },
    ttl: {
      Interaction: 600,
      Grant: 3600,
      Session: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...options.redirectUris],
        post_logout_redirect_uris: [
          ...(options.postLogoutRedirectUris ?? options.redirectUris.map((uri) => `${new URL(uri).origin}/`)),
        ],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    async findAccount(_ctx, sub) {
      const found = bySub.get(sub);
      if (found === undefined) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            email: emails.get(sub) ?? found.email,
            email_verified: true,
            name: found.name,
            // OpenID Connect Core §5.6.2 distributed claims, as Entra ID sends for more than 200 groups.
            ...(found.overage
              ? {
                  _claim_names: { groups: 'src1' },
                  _claim_sources: { src1: { endpoint: `${issuer}/graph/getMemberObjects` } },
                }
              : { groups: [...found.groups] }),
          };
        },
      };
    },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      // RP-Initiated Logout 1.0 (end_session_endpoint in discovery): a plain confirmation page whose
      // form (`form`, the provider's, with its xsrf field) a test submits with logout=yes.
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.type = 'html';
          ctx.body = logoutPage(form);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.type = 'html';
          ctx.body =
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head><body><main><h1>Signed out</h1></main></body></html>';
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const client = ctx.oidc.client;
      const session = ctx.oidc.session;
      if (client === undefined || session === undefined || session.accountId === undefined) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (grantId !== undefined) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing !== undefined) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid email profile groups');
      await grant.save();
      session.grantIdFor(client.clientId, grant.jti);
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const providerCallback = provider.callback();

  const interaction = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    const details = await provider.interactionDetails(request, response);
    const uid = details.uid;
    if (request.method === 'GET' && path === `/interaction/${uid}`) {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.setHeader('cache-control', 'no-store');
      response.end(loginPage(uid));
      return;
    }
    if (request.method === 'POST' && path === `/interaction/${uid}/login`) {
      const form = await readForm(request);
      const login = form.get('login') ?? '';
      const found = Object.values(TEST_USERS).find((u) => u.login === login);
      const ok = found !== undefined && found.password === (form.get('password') ?? '');
      logins.push({ login, ok });
      if (!ok || found === undefined) {
        response.statusCode = 401;
        response.setHeader('content-type', 'text/html; charset=utf-8');
        response.end(loginPage(uid, 'Wrong user or password.'));
        return;
      }
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: found.sub } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    response.statusCode = 404;
    response.end();
  };

  handler = (request, response) => {
    const path = new URL(request.url ?? '/', issuer).pathname;
    if (path.startsWith('/interaction/')) {
      interaction(request, response, path).catch((err: unknown) => {
        response.statusCode = 400;
        response.setHeader('content-type', 'text/plain');
        response.end(`interaction failed: ${err instanceof Error ? err.message : String(err)}`);
      });
      return;
    }
    providerCallback(request, response);
  };

  return {
    issuer,
    clientId,
    clientSecret,
    logins,
    setEmail(login, email) {
      const { sub } = TEST_USERS[login];
      if (email === undefined) emails.delete(sub);
      else emails.set(sub, email);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
