import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Credential, Keychain } from '../auth/credential.ts';
import { ANONYMOUS } from '../auth/credential.ts';
import { basicCredential, bearerCredential, identityTokenCredential } from '../auth/credential-values.ts';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import {
  type AuthChallenge,
  AuthSession,
  type AuthSessionOptions,
  type TokenFetchResult,
} from './auth-session.ts';

const REGISTRY = 'reg.example';
const PULL = 'repository:app:pull';
const PUSH = 'repository:dest:pull,push';

const bearer = (params: Record<string, string> = {}): AuthChallenge => ({
  scheme: 'bearer',
  params: { realm: 'https://auth.example/token', service: 'reg.example', ...params },
});

const basicB64 = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** A keychain whose answer can change between calls (a rotating token file). */
class FakeKeychain implements Keychain {
  calls: string[] = [];
  credential: Credential;
  constructor(credential: Credential) {
    this.credential = credential;
  }
  async resolve(registry: string): Promise<Credential> {
    this.calls.push(registry);
    return this.credential;
  }
}

interface TokenCall {
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body: string | undefined;
}

/** A token server: answers queued results in order, then the default; records every request. */
class FakeTokenServer {
  calls: TokenCall[] = [];
  queue: TokenFetchResult[] = [];
  #counter = 0;
  /** Set to hold answers until release() (to observe concurrency). */
  gate: Promise<void> | undefined;
  fetchToken: AuthSessionOptions['fetchToken'] = async (url, init) => {
    this.calls.push({ url, method: init.method, headers: init.headers, body: init.body });
    if (this.gate) await this.gate;
    const queued = this.queue.shift();
    if (queued) return queued;
    this.#counter += 1;
    return { status: 200, text: JSON.stringify({ token: `tok-${this.#counter}` }) };
  };
}

function session(
  credential: Credential,
  overrides: Partial<AuthSessionOptions> = {},
): { auth: AuthSession; keychain: FakeKeychain; server: FakeTokenServer; clock: { now: number } } {
  const keychain = new FakeKeychain(credential);
  const server = new FakeTokenServer();
  const clock = { now: 1_000_000 };
  const auth = new AuthSession({
    registry: REGISTRY,
    keychain,
    fetchToken: server.fetchToken,
    allowsInsecure: () => false,
    now: () => clock.now,
    ...overrides,
  });
  return { auth, keychain, server, clock };
}

async function authError(promise: Promise<unknown>): Promise<FerryError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof FerryError, `expected FerryError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

describe('AuthSession without a challenge or with Basic', () => {
  test('no challenge: nothing, unless the credential is a registry token', async () => {
    assert.equal(await session(basicCredential('bob', 'pw')).auth.authorization([PULL]), undefined);
    assert.equal(await session(ANONYMOUS).auth.authorization([PULL]), undefined);
    assert.equal(await session(bearerCredential('regtok')).auth.authorization([PULL]), 'Bearer regtok');
  });

  test('Basic challenge → Basic header from the keychain (no token exchange)', async () => {
    const { auth, server, keychain } = session(basicCredential('bob', 'p@ss:w0rd'));
    auth.setChallenge({ scheme: 'basic', params: { realm: 'Registry' } });
    assert.equal(await auth.authorization([PULL]), basicB64('bob', 'p@ss:w0rd'));
    assert.equal(server.calls.length, 0);
    assert.deepEqual(keychain.calls, [REGISTRY]);
  });

  test('Basic challenge with a registry token or anonymous', async () => {
    const tok = session(bearerCredential('regtok'));
    tok.auth.setChallenge({ scheme: 'basic', params: {} });
    assert.equal(await tok.auth.authorization([]), 'Bearer regtok');
    const anon = session(ANONYMOUS);
    anon.auth.setChallenge({ scheme: 'basic', params: {} });
    assert.equal(await anon.auth.authorization([]), undefined);
  });

  test('unsupported scheme → FERRY_E_AUTH naming it', async () => {
    const { auth } = session(basicCredential('bob', 'pw'));
    auth.setChallenge({ scheme: 'negotiate', params: {} });
    const err = await authError(auth.authorization([PULL]));
    assert.equal(err.code, 'FERRY_E_AUTH');
    assert.match(err.message, /"negotiate"/);
  });
});

describe('AuthSession Bearer token exchange', () => {
  test('GET to the realm with service and each scope as its own param, Basic auth for a basic credential', async () => {
    const { auth, server } = session(basicCredential('bob', 'hunter2'));
    auth.setChallenge(bearer({ realm: 'https://auth.example/token?client=x' }));
    assert.equal(await auth.authorization([PULL, PUSH]), 'Bearer tok-1');
    assert.equal(server.calls.length, 1);
    const call = server.calls[0]!;
    assert.equal(call.method, 'GET');
    assert.equal(call.url.origin + call.url.pathname, 'https://auth.example/token');
    assert.equal(call.url.searchParams.get('client'), 'x', 'realm query parameters are kept');
    assert.equal(call.url.searchParams.get('service'), 'reg.example');
    assert.deepEqual(call.url.searchParams.getAll('scope'), [PULL, PUSH]);
    assert.equal(call.headers.authorization, basicB64('bob', 'hunter2'));
    assert.equal(call.body, undefined);
    assert.equal(auth.exchanges, 1);
  });

  test('anonymous: no Authorization on the token request; no service param when the challenge has none', async () => {
    const { auth, server } = session(ANONYMOUS);
    auth.setChallenge({ scheme: 'bearer', params: { realm: 'https://auth.example/token' } });
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-1');
    const call = server.calls[0]!;
    assert.equal(call.headers.authorization, undefined);
    assert.equal(call.url.searchParams.has('service'), false);
    assert.deepEqual(call.url.searchParams.getAll('scope'), [PULL]);
  });

  test('a registry token is used as-is, with no exchange', async () => {
    const { auth, server } = session(bearerCredential('regtok'));
    auth.setChallenge(bearer());
    assert.equal(await auth.authorization([PULL]), 'Bearer regtok');
    assert.equal(server.calls.length, 0);
    assert.equal(auth.exchanges, 0);
  });

  test('accepts token or access_token (token preferred)', async () => {
    const a = session(ANONYMOUS);
    a.server.queue.push({ status: 200, text: '{"access_token":"oauth-tok"}' });
    a.auth.setChallenge(bearer());
    assert.equal(await a.auth.authorization([PULL]), 'Bearer oauth-tok');

    const b = session(ANONYMOUS);
    b.server.queue.push({ status: 200, text: '{"token":"spec-tok","access_token":"oauth-tok"}' });
    b.auth.setChallenge(bearer());
    assert.equal(await b.auth.authorization([PULL]), 'Bearer spec-tok');

    const c = session(ANONYMOUS);
    c.server.queue.push({ status: 200, text: '{"token":"","access_token":"fallback"}' });
    c.auth.setChallenge(bearer());
    assert.equal(await c.auth.authorization([PULL]), 'Bearer fallback');
  });

  test('a body without a token, or not JSON → FERRY_E_AUTH', async () => {
    for (const text of ['{}', '{"token":42}', '<html>', '']) {
      const { auth, server } = session(ANONYMOUS);
      server.queue.push({ status: 200, text });
      auth.setChallenge(bearer());
      const err = await authError(auth.authorization([PULL]));
      assert.equal(err.code, 'FERRY_E_AUTH', text);
      assert.match(err.message, /auth\.example/);
    }
  });

  test('cached per scope set: same set (any order) → no second fetch; different set → new fetch', async () => {
    const { auth, server } = session(basicCredential('bob', 'pw'));
    auth.setChallenge(bearer());
    assert.equal(await auth.authorization([PULL, PUSH]), 'Bearer tok-1');
    assert.equal(await auth.authorization([PULL, PUSH]), 'Bearer tok-1');
    assert.equal(await auth.authorization([PUSH, PULL]), 'Bearer tok-1');
    assert.equal(server.calls.length, 1);
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-2');
    assert.equal(server.calls.length, 2);
    assert.equal(await auth.authorization([PULL, PUSH]), 'Bearer tok-1');
    assert.equal(auth.exchanges, 2);
  });

  test('expires_in defaults to 60 s: reused well within, renewed once it has passed', async () => {
    const { auth, server, clock } = session(ANONYMOUS);
    auth.setChallenge(bearer());
    const t0 = clock.now;
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-1');
    clock.now = t0 + 30_000;
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-1');
    clock.now = t0 + 60_000;
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-2');
    assert.equal(server.calls.length, 2);
  });

  test('expires_in is honoured (renewed 10% early)', async () => {
    const { auth, server, clock } = session(ANONYMOUS);
    server.queue.push({ status: 200, text: '{"token":"long","expires_in":300}' });
    auth.setChallenge(bearer());
    const t0 = clock.now;
    assert.equal(await auth.authorization([PULL]), 'Bearer long');
    clock.now = t0 + 200_000; // past the 60 s default, within 300 s
    assert.equal(await auth.authorization([PULL]), 'Bearer long');
    clock.now = t0 + 269_999;
    assert.equal(await auth.authorization([PULL]), 'Bearer long');
    clock.now = t0 + 270_000;
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-1');
    assert.equal(server.calls.length, 2);
  });

  test('nonsense expires_in falls back to 60 s', async () => {
    for (const expires of ['0', '-5', '"3600"']) {
      const { auth, server, clock } = session(ANONYMOUS);
      server.queue.push({ status: 200, text: `{"token":"t","expires_in":${expires}}` });
      auth.setChallenge(bearer());
      const t0 = clock.now;
      await auth.authorization([PULL]);
      clock.now = t0 + 50_000;
      assert.equal(await auth.authorization([PULL]), 'Bearer t', expires);
      clock.now = t0 + 60_000;
      assert.equal(await auth.authorization([PULL]), 'Bearer tok-1', expires);
    }
  });

  test('concurrent calls for the same scopes share one exchange', async () => {
    const { auth, server, keychain } = session(basicCredential('bob', 'pw'));
    let release!: () => void;
    server.gate = new Promise((resolve) => {
      release = resolve;
    });
    auth.setChallenge(bearer());
    const pending = Promise.all([
      auth.authorization([PULL]),
      auth.authorization([PULL]),
      auth.authorization([PULL]),
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    assert.deepEqual(await pending, ['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
    assert.equal(server.calls.length, 1);
    assert.equal(keychain.calls.length, 1);
    assert.equal(auth.exchanges, 1);
  });

  test('a failed shared exchange rejects every waiter and is not cached', async () => {
    const { auth, server } = session(ANONYMOUS);
    server.queue.push({ status: 503, text: 'down' });
    auth.setChallenge(bearer());
    const results = await Promise.allSettled([auth.authorization([PULL]), auth.authorization([PULL])]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    const reason = (results[0] as PromiseRejectedResult).reason as FerryError;
    assert.equal(reason.code, 'FERRY_E_AUTH');
    assert.equal(reason.temporary, true, '5xx from the token server is temporary');
    assert.equal(server.calls.length, 1);
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-1');
  });

  test('identity token → POST form with grant_type=refresh_token', async () => {
    const { auth, server } = session(identityTokenCredential('REFRESH-SECRET', 'bob'));
    server.queue.push({ status: 200, text: '{"access_token":"acc","refresh_token":"r2","expires_in":900}' });
    auth.setChallenge(bearer());
    assert.equal(await auth.authorization([PULL, PUSH]), 'Bearer acc');
    const call = server.calls[0]!;
    assert.equal(call.method, 'POST');
    assert.equal(call.url.href, 'https://auth.example/token');
    assert.equal(call.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(call.headers.authorization, undefined);
    const form = new URLSearchParams(call.body);
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('refresh_token'), 'REFRESH-SECRET');
    assert.equal(form.get('service'), 'reg.example');
    assert.equal(form.get('client_id'), 'ferry');
    assert.equal(form.get('scope'), `${PULL} ${PUSH}`);
  });

  test('401 from the token server → FERRY_E_AUTH naming the user, never the password', async () => {
    for (const status of [401, 403]) {
      const { auth, server } = session(basicCredential('bob', 'hunter2-SECRET'));
      server.queue.push({ status, text: '{"details":"incorrect username or password"}' });
      auth.setChallenge(bearer());
      const err = await authError(auth.authorization([PULL]));
      assert.equal(err.code, 'FERRY_E_AUTH');
      assert.equal(err.temporary, false);
      assert.match(err.message, /"bob"/);
      assert.match(err.message, new RegExp(`answered ${status}`));
      assert.match(err.message, /reg\.example/);
      assert.doesNotMatch(err.message, /hunter2|SECRET/);
      assert.doesNotMatch(err.message, new RegExp(Buffer.from('bob:hunter2-SECRET').toString('base64')));
    }
  });

  test('401 with an identity token does not claim the attempt was anonymous', async () => {
    const { auth, server } = session(identityTokenCredential('REFRESH-SECRET', 'bob'));
    server.queue.push({ status: 401, text: '' });
    auth.setChallenge(bearer());
    const err = await authError(auth.authorization([PULL]));
    assert.equal(err.code, 'FERRY_E_AUTH');
    assert.doesNotMatch(err.message, /REFRESH-SECRET/);
    assert.doesNotMatch(err.message, /anonymously/);
  });

  test('identity-token failures never show the refresh token', async () => {
    const { auth, server } = session(identityTokenCredential('REFRESH-SECRET'));
    server.queue.push({ status: 400, text: 'REFRESH-SECRET is invalid' });
    auth.setChallenge(bearer());
    const err = await authError(auth.authorization([PULL]));
    assert.equal(err.code, 'FERRY_E_AUTH');
    assert.doesNotMatch(err.message, /REFRESH-SECRET/);
  });

  test('plain-HTTP realm refused with FERRY_E_INSECURE_REALM, credentials never sent', async () => {
    const { auth, server } = session(basicCredential('bob', 'pw'));
    auth.setChallenge(bearer({ realm: 'http://evil.example/token' }));
    const err = await authError(auth.authorization([PULL]));
    assert.equal(err.code, 'FERRY_E_INSECURE_REALM');
    assert.match(err.message, /http:\/\/evil\.example/);
    assert.equal(server.calls.length, 0);
    assert.equal(auth.exchanges, 0);
  });

  test('plain-HTTP realm allowed when its host (with port) is marked insecure', async () => {
    const asked: string[] = [];
    const { auth, server } = session(basicCredential('bob', 'pw'), {
      allowsInsecure: (host) => {
        asked.push(host);
        return host === 'localhost:5001';
      },
    });
    auth.setChallenge(bearer({ realm: 'http://localhost:5001/auth' }));
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-1');
    assert.deepEqual(asked, ['localhost:5001']);
    assert.equal(server.calls[0]?.url.protocol, 'http:');
  });

  test('non-http(s) or missing realm → error, no request', async () => {
    const a = session(ANONYMOUS);
    a.auth.setChallenge(bearer({ realm: 'file:///etc/passwd' }));
    assert.equal((await authError(a.auth.authorization([PULL]))).code, 'FERRY_E_INSECURE_REALM');
    const b = session(ANONYMOUS);
    b.auth.setChallenge({ scheme: 'bearer', params: { service: 'x' } });
    assert.equal((await authError(b.auth.authorization([PULL]))).code, 'FERRY_E_AUTH');
    assert.equal(a.server.calls.length + b.server.calls.length, 0);
  });
});

describe('AuthSession.onUnauthorized', () => {
  test('insufficient_scope adds the scope the registry named', () => {
    const { auth } = session(ANONYMOUS);
    auth.setChallenge(bearer());
    const next = auth.onUnauthorized(
      bearer({ error: 'insufficient_scope', scope: `${PULL} repository:other:pull` }),
      [PULL],
    );
    assert.deepEqual(next, [PULL, 'repository:other:pull']);
  });

  test('the same scope: retry with the same scopes, cached token dropped so the keychain is re-read', async () => {
    const { auth, server, keychain } = session(basicCredential('bob', 'pw'));
    auth.setChallenge(bearer());
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-1');
    const next = auth.onUnauthorized(bearer({ error: 'invalid_token', scope: PULL }), [PULL]);
    assert.deepEqual(next, [PULL]);
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-2');
    assert.equal(server.calls.length, 2);
    assert.equal(keychain.calls.length, 2);
  });

  test('a 401 without a challenge keeps the current one; none ever seen → undefined', () => {
    const fresh = session(ANONYMOUS).auth;
    assert.equal(fresh.onUnauthorized(undefined, [PULL]), undefined);
    const { auth } = session(ANONYMOUS);
    auth.setChallenge(bearer());
    assert.deepEqual(auth.onUnauthorized(undefined, [PULL]), [PULL]);
  });

  test('a new challenge replaces the stored one (registry switched to Bearer)', async () => {
    const { auth, server } = session(basicCredential('bob', 'pw'));
    const before: AuthChallenge | null = auth.challenge;
    assert.equal(before, null);
    const next = auth.onUnauthorized(bearer(), [PULL]);
    assert.deepEqual(next, [PULL]);
    const after: AuthChallenge | null = auth.challenge;
    assert.equal(after?.scheme, 'bearer');
    assert.equal(await auth.authorization([PULL]), 'Bearer tok-1');
    assert.equal(server.calls.length, 1);
  });
});

describe('AuthSession credential rotation', () => {
  test('the keychain is re-resolved on every exchange: a rotated password is used next time', async () => {
    const { auth, server, keychain, clock } = session(basicCredential('sa', 'token-v1'));
    auth.setChallenge(bearer());
    await auth.authorization([PULL]);
    // The mounted token file is rewritten.
    keychain.credential = basicCredential('sa', 'token-v2');
    // Still cached: no new exchange yet.
    await auth.authorization([PULL]);
    assert.equal(server.calls.length, 1);
    // Expiry forces a new exchange, which must use the new password.
    clock.now += 61_000;
    await auth.authorization([PULL]);
    assert.equal(server.calls.length, 2);
    assert.equal(server.calls[0]?.headers.authorization, basicB64('sa', 'token-v1'));
    assert.equal(server.calls[1]?.headers.authorization, basicB64('sa', 'token-v2'));
  });

  test('after a 401, the retried exchange uses the rotated password', async () => {
    const { auth, server, keychain } = session(basicCredential('sa', 'token-v1'));
    auth.setChallenge(bearer());
    await auth.authorization([PULL]);
    keychain.credential = basicCredential('sa', 'token-v2');
    const scopes = auth.onUnauthorized(bearer({ error: 'invalid_token' }), [PULL]);
    assert.ok(scopes);
    await auth.authorization(scopes);
    assert.equal(server.calls[1]?.headers.authorization, basicB64('sa', 'token-v2'));
  });

  test('Basic challenge: every request re-reads the keychain', async () => {
    const { auth, keychain } = session(basicCredential('sa', 'v1'));
    auth.setChallenge({ scheme: 'basic', params: {} });
    assert.equal(await auth.authorization([]), basicB64('sa', 'v1'));
    keychain.credential = basicCredential('sa', 'v2');
    assert.equal(await auth.authorization([]), basicB64('sa', 'v2'));
  });

  test('requests made while the keychain is being read share that read; later ones read again', async () => {
    const { auth, keychain } = session(bearerCredential('v1'));
    const first = await Promise.all([
      auth.authorization([PULL]),
      auth.authorization([PULL]),
      auth.authorization([]),
    ]);
    assert.deepEqual(first, ['Bearer v1', 'Bearer v1', 'Bearer v1']);
    assert.equal(keychain.calls.length, 1);
    keychain.credential = bearerCredential('v2');
    assert.equal(await auth.authorization([PULL]), 'Bearer v2');
    assert.equal(keychain.calls.length, 2);
  });

  test('a failed keychain read fails the requests sharing it and is not kept', async () => {
    const { auth, keychain } = session(basicCredential('sa', 'v1'));
    auth.setChallenge({ scheme: 'basic', params: {} });
    const broken = new FerryError(ErrorCode.Auth, 'auth file is not JSON');
    const resolve = keychain.resolve.bind(keychain);
    keychain.resolve = async () => {
      throw broken;
    };
    const results = await Promise.allSettled([auth.authorization([]), auth.authorization([])]);
    assert.deepEqual(
      results.map((r) => r.status === 'rejected' && r.reason),
      [broken, broken],
    );
    keychain.resolve = resolve;
    assert.equal(await auth.authorization([]), basicB64('sa', 'v1'));
  });
});
