import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ApiErrorCode } from '../../src/api/api-error-codes.ts';
import { meSchema } from '../../src/api/identity.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/api/sign-in.ts';
import { oidcSection, startTestIdp, TEST_USERS } from '../rig/oidc-provider.ts';
import { freePort } from '../rig/ports.ts';
import { startPostgres } from '../rig/postgres.ts';
import { SignInClient } from '../rig/sign-in-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { writeServeConfig } from './serve-fixture.ts';
import { type FerryProcess, startFerryProcess } from './serve-process.ts';

/*
 * Signing out ends the session everywhere, not just in the process that answered: two real `ferry
 * serve` processes share PostgreSQL (and the session key, as replicas behind one Service must), a
 * person signs in on A and out on A, and B refuses the cookie copied before the sign-out. And a single
 * `ferry serve` on the embedded store still refuses it after a restart (SIGKILL: the sign-out must have
 * been committed before it was answered).
 */

const cleanup = teardown(after);
const temp = await makeTempDir('sign-out-replicas');
cleanup(() => temp.remove());
const pg = await startPostgres();
cleanup(() => pg.stop());
const databaseUrl = await pg.createDatabase();

const [portA, portB, portC] = [await freePort(), await freePort(), await freePort()];
const [urlA, urlB, urlC] = [portA, portB, portC].map((port) => `http://127.0.0.1:${port}`) as [
  string,
  string,
  string,
];
const idp = await startTestIdp({ redirectUris: [`${urlA}/auth/callback`, `${urlC}/auth/callback`] });
cleanup(() => idp.stop());
const keyFile = join(temp.path, 'session-key');
await writeFile(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });

/** ferry.yaml in `dir` for a server whose public URL is `publicUrl`. */
async function config(dir: string, publicUrl: string, sessionKey: boolean): Promise<string> {
  await mkdir(dir);
  const { path } = await writeServeConfig({
    dir,
    server: { publicUrl },
    auth: {
      oidc: await oidcSection(idp, dir, { viewer: { anyone: true } }),
      // The embedded server generates its key into the data directory; replicas must share one.
      ...(sessionKey ? { session: { key: { file: keyFile } } } : {}),
    },
  });
  return path;
}

function serve(configPath: string, port: number, env: Record<string, string>): Promise<FerryProcess> {
  return startFerryProcess(['serve', '--config', configPath, '--listen', `127.0.0.1:${port}`], {
    env: { HOME: temp.path, ...env },
    cleanup,
  });
}

/** Signs `browser` in on `url` as alice; the CSRF token of the session. */
async function signIn(browser: SignInClient, url: string): Promise<string> {
  const done = await browser.signIn(url, 'alice', TEST_USERS.alice.password);
  assert.ok(browser.session(url), `no session cookie after sign-in (${done.status})`);
  const me = await browser.fetch(`${url}/api/v1/me`);
  assert.equal(me.status, 200, me.body);
  return meSchema.parse(JSON.parse(me.body)).csrfToken ?? '';
}

/** `GET /api/v1/me` on `url` with nothing but `cookie`: the status and the error code. */
async function meWith(url: string, cookie: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${url}/api/v1/me`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });
  const body = (await response.json()) as { code?: string };
  return { status: response.status, code: body.code };
}

async function signOut(browser: SignInClient, url: string, csrf: string): Promise<void> {
  const out = await browser.fetch(`${url}/auth/logout`, { method: 'POST', headers: { [CSRF_HEADER]: csrf } });
  assert.equal(out.status, 204, out.body);
  assert.equal(browser.session(url), undefined, 'the answer cleared the cookie');
}

test('signed out on replica A, the copied cookie is refused by replica B on the same PostgreSQL', async () => {
  const dir = join(temp.path, 'replicas');
  const path = await config(dir, urlA, true);
  const [a, b] = await Promise.all([
    serve(path, portA, { FERRY_DATABASE_URL: databaseUrl }),
    serve(path, portB, { FERRY_DATABASE_URL: databaseUrl }),
  ]);
  const browser = new SignInClient();
  const csrf = await signIn(browser, urlA);
  const cookie = browser.session(urlA) ?? '';
  assert.equal((await meWith(urlB, cookie)).status, 200, 'B reads the session A issued');

  await signOut(browser, urlA, csrf);
  assert.deepEqual(await meWith(urlA, cookie), { status: 401, code: ApiErrorCode.Unauthorized });
  assert.deepEqual(
    await meWith(urlB, cookie),
    { status: 401, code: ApiErrorCode.Unauthorized },
    'B refuses it',
  );

  // Another session of the same person is not touched by that sign-out.
  const other = new SignInClient();
  await signIn(other, urlA);
  assert.equal((await meWith(urlB, other.session(urlA) ?? '')).status, 200);
  for (const replica of [a, b]) assert.doesNotMatch(replica.log(), new RegExp(cookie.slice(0, 40)));
});

test('signed out on the embedded store, the cookie is still refused after a restart', async () => {
  const dir = join(temp.path, 'embedded');
  const path = await config(dir, urlC, false);
  const first = await serve(path, portC, {});
  const browser = new SignInClient();
  const csrf = await signIn(browser, urlC);
  const cookie = browser.session(urlC) ?? '';
  const kept = new SignInClient();
  await signIn(kept, urlC);
  await signOut(browser, urlC, csrf);
  assert.equal((await meWith(urlC, cookie)).status, 401);
  await first.killHard();

  await serve(path, portC, {});
  assert.equal((await meWith(urlC, cookie)).status, 401, 'the sign-out survived the restart');
  assert.equal(
    (await meWith(urlC, kept.session(urlC) ?? '')).status,
    200,
    'a session not signed out survives the restart (same generated key)',
  );
});
