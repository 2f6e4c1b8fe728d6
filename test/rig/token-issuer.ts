import { createPrivateKey, randomBytes, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestCa } from './ca.ts';
import { runChecked } from './run-command.ts';
import { makeTempDir, type TempDir } from './temp-dir.ts';

/** One entry of the JWT `access` claim, as distribution's token auth expects it. */
export interface Access {
  type: string;
  name: string;
  actions: string[];
}

export interface GrantRequest {
  /** Undefined for anonymous requests. */
  username: string | undefined;
  type: string;
  name: string;
  actions: string[];
}

export interface TokenRequestLogEntry {
  method: string;
  username: string | undefined;
  service: string | undefined;
  /** The raw `scope` values, in request order. */
  scopes: string[];
  granted: Access[];
  status: number;
}

export interface TokenIssuerStats {
  /** Every request to the token endpoint, successful or not. */
  requests: number;
  tokensIssued: number;
  rejected: number;
}

export interface TokenIssuerOptions {
  /** `iss` claim; the registry config's `auth.token.issuer` must match. */
  issuer?: string;
  /** Default audience for mintToken (requests carry their own `service`). */
  service?: string;
  /** Lifetime in seconds, reported as `expires_in` and used for `exp`. Default 300. */
  expiresIn?: number;
  /** Passwords accepted with ANY username (OpenShift service-account token style). */
  acceptedPasswords?: Iterable<string>;
  /** Exact username/password pairs. */
  users?: ReadonlyArray<{ username: string; password: string }>;
  /** Anonymous requests get pull access to what they ask for. Default false. */
  allowAnonymousPull?: boolean;
  /**
   * What anonymous requests get when pull is not allowed: a token with empty access (like
   * Docker Hub / OpenShift; the registry then answers 401 insufficient_scope) or a 401 here.
   */
  anonymous?: 'empty-token' | 'reject';
  /** Overrides the default policy (authenticated: everything asked; anonymous: see above). */
  grant?: (req: GrantRequest) => string[];
  /** Serve over HTTPS with a certificate from this CA (clients should insist on https realms). */
  ca?: TestCa;
  /** Where the signing key lives; a temp dir (removed on stop) when omitted. */
  dir?: string;
}

export interface MintOptions {
  service?: string;
  subject?: string;
  expiresIn?: number;
  /** Shifts iat/nbf/exp, e.g. -3600 to mint an already expired token. */
  clockOffsetSeconds?: number;
}

export interface TokenIssuer {
  readonly url: string;
  /** `<url>/token`, to be used as the registry's `auth.token.realm`. */
  readonly realm: string;
  readonly issuer: string;
  readonly service: string;
  /** Self-signed EC P-256 cert whose key signs tokens: the registry's `rootcertbundle`. */
  readonly certFile: string;
  readonly tls: boolean;
  readonly caFile: string | undefined;
  /** Mutable at run time; tests add/remove tokens to simulate rotation. */
  readonly acceptedPasswords: Set<string>;
  readonly users: Map<string, string>;
  /** Refresh tokens (OAuth2 POST / auth.json `identitytoken`) → username. */
  readonly refreshTokens: Map<string, string>;
  allowAnonymousPull: boolean;
  anonymous: 'empty-token' | 'reject';
  expiresIn: number;
  readonly stats: TokenIssuerStats;
  readonly log: TokenRequestLogEntry[];
  /** Adds a random (or the given) service-account-style token and returns it. */
  addServiceAccountToken(token?: string): string;
  /** Replaces every accepted password with `newToken` (random when omitted) and returns it. */
  rotate(newToken?: string): string;
  /** Signs a token directly, bypassing HTTP (the rig's own pushes use this). */
  mintToken(access: Access[], opts?: MintOptions): string;
  resetStats(): void;
  stop(): Promise<void>;
}

const DEFAULT_ACTIONS = new Set(['pull', 'push', 'delete', '*']);

export async function startTokenIssuer(opts: TokenIssuerOptions = {}): Promise<TokenIssuer> {
  let temp: TempDir | undefined;
  let dir = opts.dir;
  if (dir === undefined) {
    temp = await makeTempDir('issuer');
    dir = temp.path;
  }
  await mkdir(dir, { recursive: true });
  const certFile = join(dir, 'token-signing.crt');
  const keyFile = join(dir, 'token-signing.key');
  // Self-signed leaf that is its own trust root: registry verifies x5c against rootcertbundle.
  await runChecked('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    '/CN=ferry rig token issuer',
  ]);
  const certPem = await readFile(certFile, 'utf8');
  const signingKey = createPrivateKey(await readFile(keyFile, 'utf8'));
  const x5c = [new X509Certificate(certPem).raw.toString('base64')];

  const issuerName = opts.issuer ?? 'ferry-rig-token-issuer';
  const defaultService = opts.service ?? 'ferry-rig-registry';
  const stats: TokenIssuerStats = { requests: 0, tokensIssued: 0, rejected: 0 };

  const mintToken = (access: Access[], mint: MintOptions = {}): string => {
    const now = Math.floor(Date.now() / 1000) + (mint.clockOffsetSeconds ?? 0);
    const header = { alg: 'ES256', typ: 'JWT', x5c };
    const claims = {
      iss: issuerName,
      sub: mint.subject ?? '',
      aud: mint.service ?? defaultService,
      exp: now + (mint.expiresIn ?? state.expiresIn),
      // A little backdating so a clock a second apart cannot make a fresh token "not yet valid".
      nbf: now - 5,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    // JWS ES256 wants raw r||s, not the DER that crypto.sign produces by default.
    const signature = sign('sha256', Buffer.from(signingInput), {
      key: signingKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${signingInput}.${signature.toString('base64url')}`;
  };

  let server: Server;
  let tlsCaFile: string | undefined;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    handleTokenRequest(state, mintToken, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { errors: [{ code: 'UNKNOWN', message: String(err) }] });
      else res.destroy();
    });
  };
  if (opts.ca) {
    const cert = await opts.ca.issueServerCert();
    server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, handler);
    tlsCaFile = opts.ca.caFile;
  } else {
    server = createHttpServer(handler);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${opts.ca ? 'https' : 'http'}://127.0.0.1:${port}`;

  const state: TokenIssuer & { grant: TokenIssuerOptions['grant'] } = {
    url,
    realm: `${url}/token`,
    issuer: issuerName,
    service: defaultService,
    certFile,
    tls: opts.ca !== undefined,
    caFile: tlsCaFile,
    acceptedPasswords: new Set(opts.acceptedPasswords ?? []),
    users: new Map((opts.users ?? []).map((u) => [u.username, u.password])),
    refreshTokens: new Map(),
    allowAnonymousPull: opts.allowAnonymousPull ?? false,
    anonymous: opts.anonymous ?? 'empty-token',
    expiresIn: opts.expiresIn ?? 300,
    stats,
    log: [],
    grant: opts.grant,
    addServiceAccountToken(token = randomToken()) {
      state.acceptedPasswords.add(token);
      return token;
    },
    rotate(newToken = randomToken()) {
      state.acceptedPasswords.clear();
      state.acceptedPasswords.add(newToken);
      return newToken;
    },
    mintToken,
    resetStats() {
      stats.requests = 0;
      stats.tokensIssued = 0;
      stats.rejected = 0;
      state.log.length = 0;
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await temp?.remove();
    },
  };
  await writeFile(join(dir, 'issuer.json'), JSON.stringify({ url, issuer: issuerName }, null, 2));
  return state;
}

type IssuerState = TokenIssuer & { grant: TokenIssuerOptions['grant'] };

async function handleTokenRequest(
  state: IssuerState,
  mintToken: (access: Access[], opts?: MintOptions) => string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const reqUrl = new URL(req.url ?? '/', 'http://issuer');
  if (reqUrl.pathname !== '/token' && reqUrl.pathname !== '/openshift/token') {
    sendJson(res, 404, { errors: [{ code: 'NOT_FOUND', message: 'no such endpoint' }] });
    return;
  }
  state.stats.requests += 1;
  const method = req.method ?? 'GET';
  let params: URLSearchParams;
  let username: string | undefined;
  let password: string | undefined;
  let viaRefreshToken = false;
  let wantRefreshToken = false;

  if (method === 'POST') {
    // OAuth2 form (docker's "identity token" flow): grant_type=password or refresh_token.
    params = new URLSearchParams((await readBody(req)).toString('utf8'));
    const grantType = params.get('grant_type');
    if (grantType === 'refresh_token') {
      const refresh = params.get('refresh_token') ?? '';
      const owner = state.refreshTokens.get(refresh);
      if (owner === undefined) return reject(state, res, method, params, 'invalid refresh token');
      username = owner;
      viaRefreshToken = true;
    } else if (grantType === 'password') {
      username = params.get('username') ?? '';
      password = params.get('password') ?? '';
      wantRefreshToken = params.get('access_type') === 'offline';
    } else {
      sendJson(res, 400, { error: 'unsupported_grant_type' });
      return;
    }
  } else if (method === 'GET') {
    params = reqUrl.searchParams;
    const basic = parseBasic(req.headers.authorization);
    if (req.headers.authorization !== undefined && basic === undefined) {
      return reject(state, res, method, params, 'unsupported authorization');
    }
    username = basic?.username;
    password = basic?.password;
  } else {
    sendJson(res, 405, { errors: [{ code: 'UNSUPPORTED', message: 'method not allowed' }] });
    return;
  }

  if (username !== undefined && !viaRefreshToken) {
    const ok =
      (password !== undefined && state.acceptedPasswords.has(password)) ||
      (password !== undefined && state.users.get(username) === password);
    if (!ok) return reject(state, res, method, params, 'incorrect username or password');
  }
  if (username === undefined && !state.allowAnonymousPull && state.anonymous === 'reject') {
    return reject(state, res, method, params, 'authentication required');
  }

  // GET repeats `scope`; the OAuth2 POST form carries them space separated.
  const scopes =
    method === 'POST'
      ? params.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean))
      : params.getAll('scope');
  const granted: Access[] = [];
  for (const scope of scopes) {
    const parsed = parseScope(scope);
    if (!parsed) continue;
    const actions = state.grant
      ? state.grant({ username, ...parsed })
      : defaultGrant(username, parsed.actions, state.allowAnonymousPull);
    if (actions.length > 0) granted.push({ type: parsed.type, name: parsed.name, actions });
  }
  const service = params.get('service') ?? undefined;
  const token = mintToken(granted, { service: service ?? state.service, subject: username ?? '' });
  state.stats.tokensIssued += 1;
  state.log.push({ method, username, service, scopes, granted, status: 200 });
  const body: Record<string, unknown> = {
    token,
    access_token: token,
    expires_in: state.expiresIn,
    issued_at: new Date().toISOString(),
  };
  if (wantRefreshToken && username !== undefined) {
    const refresh = randomToken();
    state.refreshTokens.set(refresh, username);
    body['refresh_token'] = refresh;
  }
  sendJson(res, 200, body);
}

function defaultGrant(username: string | undefined, asked: string[], allowAnonymousPull: boolean): string[] {
  if (username === undefined) return allowAnonymousPull && asked.includes('pull') ? ['pull'] : [];
  return asked.filter((a) => DEFAULT_ACTIONS.has(a));
}

function reject(
  state: IssuerState,
  res: ServerResponse,
  method: string,
  params: URLSearchParams,
  message: string,
): void {
  state.stats.rejected += 1;
  state.log.push({
    method,
    username: undefined,
    service: params.get('service') ?? undefined,
    scopes: params.getAll('scope'),
    granted: [],
    status: 401,
  });
  res.setHeader('WWW-Authenticate', 'Basic realm="ferry-rig-token-issuer"');
  sendJson(res, 401, { errors: [{ code: 'UNAUTHORIZED', message }], details: message });
}

/** `repository:name:pull,push` → parts. Type may carry a class (`repository(plugin)`). */
export function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first <= 0 || last === first) return undefined;
  const type = scope.slice(0, first).replace(/\(.*\)$/, '');
  return {
    type,
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

function parseBasic(header: string | undefined): { username: string; password: string } | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': bytes.length });
  res.end(bytes);
}

function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}

function randomToken(): string {
  return `sha256~${randomBytes(24).toString('base64url')}`;
}
