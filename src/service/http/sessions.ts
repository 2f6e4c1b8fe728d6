/**
 * Browser sessions: who signed in, kept in an encrypted cookie (`@fastify/secure-session`: libsodium
 * secretbox, XSalsa20-Poly1305, so the cookie is both secret and tamper-proof), httpOnly, SameSite=Lax,
 * Path=/, and Secure unless ferry is reached over plain HTTP (`secure`). Any replica with the same key
 * reads any session, and a restart signs nobody out. What is kept server-side is only the ids of
 * sessions signed out early (`revocations`: the store's session_revocations table in `ferry serve`,
 * shared by every replica and kept across restarts), each until its cookie would have expired; every
 * request made with a cookie looks its id up there (one primary-key lookup), so a signed-out cookie
 * copied before sign-out is refused by every replica at once.
 *
 * The session holds the identity's claims (subject, display, email, name, and only the groups
 * `auth.oidc.roles` and the rules' `approvers` mention, so a person in hundreds of directory groups
 * still fits a cookie), never a role: roles are worked out on every request from the current
 * ferry.yaml, so taking a group out of the config takes its power away at once. It expires `ttlSeconds` after sign-in (absolute: checked by
 * the library from its own timestamp, and again here from `exp`), and holds the CSRF token. It also
 * keeps the provider's ID token, the `id_token_hint` of the provider's sign-out (oidc-sign-in.ts), when
 * the cookie stays small enough with it (browsers drop cookies over 4096 bytes; Entra ID tokens with
 * many claims do not fit): encrypted like the rest, never readable by scripts, and never sent anywhere
 * but in the redirect to the provider's end-session endpoint.
 *
 * A second cookie, `ferry_login` (Path=/auth/callback, 10 minutes), carries the PKCE verifier, `state`,
 * `nonce` and `returnTo` between `/auth/login` and `/auth/callback`, so a half-finished sign-in needs no
 * server state either. Both cookies use their own key, derived from the master key with HKDF.
 */
import { hkdfSync, randomBytes } from 'node:crypto';
import secureSession from '@fastify/secure-session';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IdentityKind } from '../../api/identity.ts';
import { SESSION_COOKIE } from '../../api/sign-in.ts';

export const LOGIN_COOKIE = 'ferry_login';
const LOGIN_TTL_SECONDS = 600;
/**
 * The largest session (as JSON) that keeps the ID token: sealing adds 40 bytes, base64 a third, and
 * URL-encoding the `+` and `/` of base64 about a tenth, so 2,600 bytes stay under the 4,096 a browser
 * keeps of a cookie (RFC 6265 §6.1) with room for the name and attributes.
 */
const MAX_SESSION_JSON = 2600;
export const DEFAULT_SESSION_TTL_SECONDS = 8 * 3600;

/**
 * Whether the cookies get `Secure`: yes, unless `server.publicUrl` says ferry is reached over plain
 * `http://` (a demo or test on a laptop; browsers drop Secure cookies set over plain HTTP, except on
 * localhost). Without a publicUrl ferry assumes a TLS-terminating proxy in front, the normal set-up.
 */
export function cookiesSecure(publicUrl: string | undefined): boolean {
  return publicUrl === undefined || !publicUrl.toLowerCase().startsWith('http://');
}

/** What a signed-in session remembers about the person. */
export interface SessionClaims {
  readonly kind: Exclude<IdentityKind, 'token'>;
  readonly subject: string;
  readonly display: string;
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  /** False only when the provider said `email_verified: false` (emails then map to no role). */
  readonly emailVerified?: false | undefined;
  /** Groups from the groups claim that ferry.yaml's role mapping names (the others are dropped). */
  readonly groups?: readonly string[] | undefined;
}

interface StoredSession extends SessionClaims {
  readonly v: 1;
  /** Random session id: what sign-out revokes. */
  readonly sid: string;
  readonly csrf: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
  /** The provider's ID token, for its sign-out (absent when it would not fit). */
  readonly idt?: string | undefined;
}

/** The state of a sign-in between `/auth/login` and `/auth/callback`. */
export interface PendingLogin {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
}

/** What sign-out leaves for ending the provider's session. */
export interface SignedOut {
  /** The kind of the session that was ended; undefined when there was none (or it was no longer valid). */
  readonly kind?: SessionClaims['kind'] | undefined;
  /** The session's ID token, when it was kept. */
  readonly idToken?: string | undefined;
}

export interface SignedIn {
  readonly claims: SessionClaims;
  readonly csrfToken: string;
}

/** Where signed-out session ids are kept until their cookie would have expired. */
export interface SessionRevocations {
  revoke(sessionId: string, expiresAt: Date): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

/**
 * Revocations in this process only, forgotten at exit: for an HTTP app without a store (tests of the
 * HTTP layer). `ferry serve` keeps them in the store (store/session-revocation-store.ts).
 */
export function processRevocations(now: () => number = Date.now): SessionRevocations {
  const revoked = new Map<string, number>();
  return {
    async revoke(sessionId, expiresAt) {
      const time = now();
      for (const [id, exp] of revoked) if (exp <= time) revoked.delete(id);
      revoked.set(sessionId, expiresAt.getTime());
    },
    async isRevoked(sessionId) {
      return revoked.has(sessionId);
    },
  };
}

export interface SessionOptions {
  /** The master key, at least 32 bytes (session-key.ts). */
  readonly key: Buffer;
  /** Send the cookies with `Secure`. False only when ferry is reached over plain HTTP. */
  readonly secure: boolean;
  /** Session lifetime from sign-in. Default 8 hours. */
  readonly ttlSeconds?: number | undefined;
  /** Signed-out sessions. Default: this process only (processRevocations). */
  readonly revocations?: SessionRevocations | undefined;
  /** Clock (tests). */
  readonly now?: (() => number) | undefined;
}

export interface Sessions {
  /** The signed-in session of the request, or undefined (no cookie, tampered, expired, signed out). */
  current(request: FastifyRequest): Promise<SignedIn | undefined>;
  /** Whether the request carried a session cookie at all (valid or not). */
  presented(request: FastifyRequest): boolean;
  /**
   * Starts a session: the cookie is set when the answer is sent. `idToken` is kept for the provider's
   * sign-out when the cookie has room for it.
   */
  signIn(request: FastifyRequest, claims: SessionClaims, idToken?: string | undefined): void;
  /**
   * Ends the session: the answer clears the cookie, and the revocation is recorded, so every replica
   * refuses the cookie from now on even if it is replayed (until it would have expired anyway).
   */
  signOut(request: FastifyRequest): Promise<SignedOut>;
  rememberLogin(request: FastifyRequest, pending: PendingLogin): void;
  /** The pending sign-in, consumed (the cookie is cleared with the answer). */
  takeLogin(request: FastifyRequest): PendingLogin | undefined;
}

const SESSION = 'session';
const LOGIN = 'loginState';

function deriveKey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `ferry ${purpose} cookie v1`, 32));
}

type RawSession = FastifyRequest['session'];

function sessionOf(request: FastifyRequest, name: string): RawSession | undefined {
  return (request as unknown as Record<string, RawSession | null | undefined>)[name] ?? undefined;
}

/** Replaces the request's session `name` with a new one holding `data`, sent with the answer. */
function replaceSession(app: FastifyInstance, request: FastifyRequest, name: string, data: object): void {
  // A new session object (new library timestamp, nothing of the old cookie kept): never one an
  // attacker planted before sign-in (session fixation).
  const fresh = app.createSecureSession({ ...data });
  fresh.touch();
  (request as unknown as Record<string, RawSession>)[name] = fresh;
}

function isStoredSession(value: unknown): value is StoredSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.v === 1 &&
    (v.kind === 'oidc' || v.kind === 'one-time') &&
    typeof v.subject === 'string' &&
    typeof v.sid === 'string' &&
    typeof v.display === 'string' &&
    typeof v.csrf === 'string' &&
    typeof v.exp === 'number' &&
    (v.idt === undefined || typeof v.idt === 'string')
  );
}

/** Registers the cookie plugin on `app` (before any route) and returns the session operations. */
export function registerSessions(app: FastifyInstance, options: SessionOptions): Sessions {
  if (options.key.length < 32) throw new Error('the session key must be at least 32 bytes');
  const ttl = options.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  const now = options.now ?? Date.now;
  const cookie = { path: '/', httpOnly: true, secure: options.secure, sameSite: 'lax' as const };
  const revocations = options.revocations ?? processRevocations(now);
  const stored = async (request: FastifyRequest): Promise<StoredSession | undefined> => {
    const data = sessionOf(request, SESSION)?.data();
    if (!isStoredSession(data)) return undefined;
    // Expiry first: an expired cookie costs no lookup.
    if (data.exp * 1000 <= now() || (await revocations.isRevoked(data.sid))) return undefined;
    return data;
  };
  app.register(secureSession, [
    {
      sessionName: SESSION,
      cookieName: SESSION_COOKIE,
      key: deriveKey(options.key, 'session'),
      expiry: ttl,
      cookie: { ...cookie, maxAge: ttl },
    },
    {
      sessionName: LOGIN,
      cookieName: LOGIN_COOKIE,
      key: deriveKey(options.key, 'login'),
      expiry: LOGIN_TTL_SECONDS,
      // Lax cookies are sent on the identity provider's top-level redirect back (a GET navigation).
      cookie: { ...cookie, path: '/auth/callback', maxAge: LOGIN_TTL_SECONDS },
    },
  ]);

  return {
    async current(request) {
      const data = await stored(request);
      if (data === undefined) return undefined;
      const { v: _v, sid: _sid, csrf, exp: _exp, idt: _idt, ...claims } = data;
      return { claims, csrfToken: csrf };
    },
    presented(request) {
      return request.cookies?.[SESSION_COOKIE] !== undefined;
    },
    signIn(request, claims, idToken) {
      const stored: StoredSession = {
        ...claims,
        v: 1,
        sid: randomBytes(16).toString('base64url'),
        csrf: randomBytes(32).toString('base64url'),
        exp: Math.floor(now() / 1000) + ttl,
      };
      const withToken = idToken === undefined ? stored : { ...stored, idt: idToken };
      const json = JSON.stringify(withToken);
      replaceSession(
        app,
        request,
        SESSION,
        JSON.parse(json.length <= MAX_SESSION_JSON ? json : JSON.stringify(stored)),
      );
    },
    async signOut(request) {
      const data = await stored(request);
      if (data !== undefined) await revocations.revoke(data.sid, new Date(data.exp * 1000));
      sessionOf(request, SESSION)?.delete();
      return data === undefined ? {} : { kind: data.kind, idToken: data.idt };
    },
    rememberLogin(request, pending) {
      replaceSession(app, request, LOGIN, pending);
    },
    takeLogin(request) {
      const login = sessionOf(request, LOGIN);
      const data = login?.data() as Partial<PendingLogin> | undefined;
      if (login !== undefined && request.cookies?.[LOGIN_COOKIE] !== undefined) login.delete();
      if (
        data === undefined ||
        typeof data.state !== 'string' ||
        typeof data.nonce !== 'string' ||
        typeof data.codeVerifier !== 'string' ||
        typeof data.returnTo !== 'string'
      ) {
        return undefined;
      }
      return {
        state: data.state,
        nonce: data.nonce,
        codeVerifier: data.codeVerifier,
        returnTo: data.returnTo,
      };
    },
  };
}
