import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiErrorCode } from '../../api/api-error-codes.ts';
import { meSchema } from '../../api/identity.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../../api/sign-in.ts';
import { bearer, buildTestApp, type TestApp, TOKENS } from './http-fixture.ts';
import { createOneTimeLogins } from './one-time-login.ts';

async function withApp(fn: (app: TestApp, code: () => string) => Promise<void>): Promise<void> {
  const oneTime = createOneTimeLogins();
  const app = await buildTestApp({ extra: { sessions: { key: Buffer.alloc(32, 7), oneTime } } });
  try {
    await fn(app, () => oneTime.issue());
  } finally {
    await app.app.close();
  }
}

/** The `name=value` of the session cookie a response sets. */
function sessionCookie(setCookie: string | string[] | undefined): string {
  const lines = Array.isArray(setCookie) ? setCookie : [setCookie ?? ''];
  const line = lines.find((l) => l.startsWith(`${SESSION_COOKIE}=`));
  assert.ok(line, `no ${SESSION_COOKIE} cookie in ${JSON.stringify(setCookie)}`);
  return line.split(';')[0]!;
}

test('/api/v1/me without a credential is 401 FERRY_E_API_UNAUTHENTICATED', async () => {
  await withApp(async ({ app }) => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/me' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, ApiErrorCode.Unauthenticated);
  });
});

test('/api/v1/me with a bearer token: kind token, its role, no CSRF token', async () => {
  await withApp(async ({ app }) => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(TOKENS.approver) });
    assert.equal(res.statusCode, 200);
    const me = meSchema.parse(res.json());
    assert.equal(me.identity.kind, 'token');
    assert.deepEqual(me.roles, ['approver']);
    assert.equal(me.csrfToken, null);
    assert.deepEqual(me.permissions, { view: true, promote: [], approve: '*', admin: false });
    const wrong = await app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer('nope') });
    assert.equal(wrong.json().code, ApiErrorCode.Unauthorized);
  });
});

test('a one-time link signs in once; the session needs the CSRF header to change anything', async () => {
  await withApp(async ({ app }, issue) => {
    const code = issue();
    const login = await app.inject({ method: 'GET', url: `/auth/one-time?code=${code}` });
    assert.equal(login.statusCode, 302);
    assert.equal(login.headers.location, '/');
    const setCookie = String(login.headers['set-cookie']);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /Secure/);
    assert.match(setCookie, /SameSite=Lax/);
    assert.match(setCookie, /Path=\//);
    const cookie = sessionCookie(login.headers['set-cookie']);
    const again = await app.inject({ method: 'GET', url: `/auth/one-time?code=${code}` });
    assert.equal(again.statusCode, 401);
    assert.equal(again.json().code, ApiErrorCode.OneTimeCodeInvalid);

    const me = meSchema.parse(
      (await app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } })).json(),
    );
    assert.equal(me.identity.kind, 'one-time');
    assert.equal(me.identity.display, 'demo (one-time)');
    assert.deepEqual(me.roles, ['admin']);
    assert.ok(me.csrfToken !== null && me.csrfToken.length >= 32);

    const id = '0190a0a0-0000-7000-8000-000000000000';
    const noCsrf = await app.inject({
      method: 'POST',
      url: `/api/v1/promotions/${id}/cancel`,
      headers: { cookie },
    });
    assert.equal(noCsrf.statusCode, 403);
    assert.equal(noCsrf.json().code, ApiErrorCode.CsrfRequired);
    const wrongCsrf = await app.inject({
      method: 'POST',
      url: `/api/v1/promotions/${id}/cancel`,
      headers: { cookie, [CSRF_HEADER]: `${me.csrfToken.slice(0, -1)}x` },
    });
    assert.equal(wrongCsrf.json().code, ApiErrorCode.CsrfRequired);
    const withCsrf = await app.inject({
      method: 'POST',
      url: `/api/v1/promotions/${id}/cancel`,
      headers: { cookie, [CSRF_HEADER]: me.csrfToken },
    });
    assert.equal(withCsrf.statusCode, 404, 'past authentication: the promotion does not exist');

    const logout = await app.inject({ method: 'POST', url: '/auth/logout', headers: { cookie } });
    assert.equal(logout.statusCode, 403, 'logout needs the CSRF header too');
    const out = await app.inject({
      method: 'POST',
      url: '/auth/logout',
      headers: { cookie, [CSRF_HEADER]: me.csrfToken },
    });
    assert.equal(out.statusCode, 204);
    assert.match(String(out.headers['set-cookie']), new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
  });
});

test('a tampered session cookie is refused as an invalid session', async () => {
  await withApp(async ({ app }, issue) => {
    const login = await app.inject({ method: 'GET', url: `/auth/one-time?code=${issue()}` });
    const cookie = sessionCookie(login.headers['set-cookie']);
    const value = decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1));
    const flipped = `${value[0] === 'A' ? 'B' : 'A'}${value.slice(1)}`;
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { cookie: `${SESSION_COOKIE}=${encodeURIComponent(flipped)}` },
    });
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().code, ApiErrorCode.Unauthorized);
    assert.match(res.json().message, /session has expired or is not valid/);
  });
});

test('/auth/login without auth.oidc is 404 FERRY_E_API_SIGN_IN_NOT_CONFIGURED', async () => {
  await withApp(async ({ app }) => {
    const res = await app.inject({ method: 'GET', url: '/auth/login?returnTo=/x' });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().code, ApiErrorCode.SignInNotConfigured);
  });
});
