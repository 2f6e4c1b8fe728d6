import assert from 'node:assert/strict';
import { hkdfSync, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import secureSession from '@fastify/secure-session';
import { fastify } from 'fastify';
import pino from 'pino';
import { ApiErrorCode } from '../../src/api/api-error-codes.ts';
import { errorBodySchema } from '../../src/api/error-body.ts';
import { meSchema } from '../../src/api/identity.ts';
import { acceptedSchema, promotionDetailSchema } from '../../src/api/promotion-responses.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../../src/api/sign-in.ts';
import { type RunningServer, startServer } from '../../src/service/main.ts';
import { PromotionErrorCode } from '../../src/service/promote/promotion-error.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import {
  oidcSection,
  startTestIdp,
  TEST_USERS,
  type TestIdp,
  type TestUserName,
} from '../rig/oidc-provider.ts';
import { freePort } from '../rig/ports.ts';
import { withRig } from '../rig/rig.ts';
import { SignInClient } from '../rig/sign-in-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { backendDatabaseUrl } from './backend-database.ts';
import { post, writeServeConfig } from './serve-fixture.ts';

/**
 * Sign-in as people use it, against `ferry serve` (startServer, every answer checked against the API
 * contract by the server itself) with the rig's OpenID Connect provider and real registries, on either
 * store: the login round trip through the provider's form, roles from groups and emails, two people
 * approving a promotion that then runs, four eyes, a viewer refused, CSRF, tampered and expired
 * cookies, sign-out, open redirects, and secrets that must never show up in a log or an answer.
 */
export async function defineSignInSuite(database: 'embedded' | 'postgresql'): Promise<void> {
  const cleanup = teardown(after);
  const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
  const temp = await makeTempDir(`sign-in-${database}`);
  cleanup(() => temp.remove());
  const databaseUrl = await backendDatabaseUrl(cleanup, database);
  const port = await freePort();
  const ferry = `http://127.0.0.1:${port}`;
  const idp: TestIdp = await startTestIdp({ redirectUris: [`${ferry}/auth/callback`] });
  cleanup(() => idp.stop());
  const sessionKey = randomBytes(32).toString('base64');
  const keyFile = join(temp.path, 'session-key');
  await writeFile(keyFile, sessionKey, { mode: 0o600 });

  const { path, tokens } = await writeServeConfig({
    dir: temp.path,
    nonprod: rig.anonymous,
    prod: rig.basicTls,
    server: { publicUrl: ferry },
    rules: [
      {
        name: 'payments',
        from: 'nonprod:payments/*',
        to: 'prod:payments/*',
        tags: 'v[0-9]+',
        approvals: { required: 2 },
      },
      { name: 'web', from: 'nonprod:web/*', to: 'prod:web/*', tags: 'v[0-9]+', approvals: { required: 1 } },
      {
        name: 'checkout',
        from: 'nonprod:checkout/*',
        to: 'prod:checkout/*',
        tags: 'v[0-9]+',
        // People by a group no role names (so the session must keep it for this list), and a token.
        approvals: { required: 1, approvers: [{ group: 'platform' }, 'root'] },
      },
    ],
    auth: {
      oidc: await oidcSection(idp, temp.path, {
        viewer: { groups: ['developers'] },
        approver: { groups: ['release-managers'], promotions: ['payments', 'checkout'] },
        // By subject too, so carol stays admin when her address changes.
        admin: [{ emails: ['carol@example.com'] }, { subjects: [TEST_USERS.carol.sub] }],
      }),
      session: { key: { file: keyFile } },
    },
  });

  const logs: string[] = [];
  const answers: string[] = [];
  /** ID tokens seen in sign-out redirects: never in a log line or a JSON answer. */
  const idTokens: string[] = [];
  let server: RunningServer;

  before(async () => {
    const image = await buildImage({ layers: [3_000], seed: `sign-in-${database}` });
    for (const tag of ['v1', 'v2', 'v3', 'v4']) await pushImage(rig.anonymous!, 'payments/app', tag, image);
    await pushImage(rig.anonymous!, 'checkout/app', 'v1', image);
    server = await startServer({
      configPath: path,
      databaseUrl,
      listen: { host: '127.0.0.1', port },
      env: {},
      version: '0.0.0-test',
      logger: pino({ level: 'debug' }, { write: (line: string) => logs.push(line) }),
      checkResponses: true,
    });
    cleanup(() => server.close(0));
  });

  /** A browser signed in as `name`, and the CSRF token of its session. */
  async function signedIn(
    name: TestUserName,
    returnTo = '/',
  ): Promise<{ browser: SignInClient; csrf: string }> {
    const browser = new SignInClient();
    const user = TEST_USERS[name];
    const done = await browser.signIn(ferry, user.login, user.password, returnTo);
    for (const hop of done.hops) answers.push(JSON.stringify(hop));
    const me = await browser.fetch(`${ferry}/api/v1/me`);
    answers.push(me.body);
    assert.equal(me.status, 200, me.body);
    return { browser, csrf: meSchema.parse(JSON.parse(me.body)).csrfToken ?? '' };
  }

  /** A request with the browser's cookies (and the CSRF header when given); status and JSON. */
  async function call(
    browser: SignInClient,
    method: 'GET' | 'POST',
    pathAndQuery: string,
    options: { csrf?: string; body?: unknown } = {},
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const answer = await browser.fetch(`${ferry}${pathAndQuery}`, {
      method,
      headers: {
        ...(options.csrf === undefined ? {} : { [CSRF_HEADER]: options.csrf }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      maxRedirects: 0,
    });
    answers.push(answer.body);
    return { status: answer.status, json: answer.body === '' ? {} : JSON.parse(answer.body) };
  }

  async function requestPayments(tag: string): Promise<string> {
    const accepted = await post(`${ferry}/api/v1/promotions`, tokens.ci, {
      source: { environment: 'nonprod', repository: 'payments/app', tag },
    });
    // 200: an equal promotion was waiting already (another test asked for the same tag).
    assert.ok(accepted.status === 202 || accepted.status === 200, JSON.stringify(accepted.json));
    return acceptedSchema.parse(accepted.json).promotion.id;
  }

  async function waitForStatus(id: string, statuses: readonly string[]) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await fetch(`${ferry}/api/v1/promotions/${id}`, {
        headers: { authorization: `Bearer ${tokens.viewer}` },
      });
      const detail = promotionDetailSchema.parse(await response.json());
      if (statuses.includes(detail.promotion.status)) return detail;
      if (Date.now() > deadline) throw new Error(`promotion ${id} stayed ${detail.promotion.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  describe(`sign-in with OpenID Connect on the ${database} store`, () => {
    test('signing in goes through the provider’s login form and comes back with a session cookie', async () => {
      const browser = new SignInClient();
      const done = await browser.signIn(
        ferry,
        'alice',
        TEST_USERS.alice.password,
        '/promotions?status=failed',
      );
      const callback = done.hops.find((hop) => hop.url.startsWith(`${ferry}/auth/callback`));
      assert.ok(callback, JSON.stringify(done.hops));
      assert.equal(callback.status, 302);
      assert.equal(callback.location, '/promotions?status=failed', 'back where the sign-in started');
      const cookie = callback.setCookies.find((line) => line.startsWith(`${SESSION_COOKIE}=`));
      assert.ok(cookie, 'the session cookie is set');
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Lax/);
      assert.match(cookie, /; Path=\//);
      assert.doesNotMatch(cookie, /; Secure/, 'publicUrl is plain http://, so no Secure (docs/sign-in.md)');
      const login = done.hops.find((hop) => hop.url.startsWith(`${ferry}/auth/login`));
      assert.match(login?.location ?? '', /code_challenge_method=S256/);
      assert.match(login?.location ?? '', /[?&]state=/);
      assert.match(login?.location ?? '', /[?&]nonce=/);
      assert.deepEqual(idp.logins.at(-1), { login: 'alice', ok: true });

      const me = meSchema.parse(JSON.parse((await browser.fetch(`${ferry}/api/v1/me`)).body));
      assert.deepEqual(me.identity, {
        subject: TEST_USERS.alice.sub,
        display: 'alice@example.com (oidc)',
        key: `oidc:${TEST_USERS.alice.sub}`,
        kind: 'oidc',
        email: 'alice@example.com',
        name: 'Alice Example',
      });
      assert.deepEqual(me.roles, ['approver']);
      assert.deepEqual(me.permissions, {
        view: true,
        promote: [],
        approve: ['checkout', 'payments'],
        admin: false,
      });
      assert.ok(me.csrfToken !== null && me.csrfToken.length >= 32);
    });

    test('roles come from groups and emails; a person no rule names has none', async () => {
      const roles = async (name: TestUserName) => {
        const { browser } = await signedIn(name);
        return meSchema.parse((await call(browser, 'GET', '/api/v1/me')).json).roles;
      };
      assert.deepEqual(await roles('carol'), ['admin'], 'by email');
      assert.deepEqual(await roles('victor'), ['viewer'], 'by group');
      assert.deepEqual(await roles('bob'), ['approver']);
    });

    test('two people approve, the promotion runs; each counts once; the trail names them', async () => {
      const id = await requestPayments('v1');
      const alice = await signedIn('alice');
      const bob = await signedIn('bob');
      const first = await call(alice.browser, 'POST', `/api/v1/promotions/${id}/approve`, {
        csrf: alice.csrf,
        body: { comment: 'looks good' },
      });
      assert.equal(first.status, 200, JSON.stringify(first.json));
      const again = await call(alice.browser, 'POST', `/api/v1/promotions/${id}/approve`, {
        csrf: alice.csrf,
      });
      assert.equal(again.status, 409);
      assert.equal(again.json.code, PromotionErrorCode.AlreadyDecided);
      // The same person in a second browser is still one identity.
      const aliceAgain = await signedIn('alice');
      const twice = await call(aliceAgain.browser, 'POST', `/api/v1/promotions/${id}/approve`, {
        csrf: aliceAgain.csrf,
      });
      assert.equal(twice.status, 409, 'a second session of the same subject does not count twice');
      assert.equal((await waitForStatus(id, ['awaiting_approval'])).promotion.status, 'awaiting_approval');
      const second = await call(bob.browser, 'POST', `/api/v1/promotions/${id}/approve`, { csrf: bob.csrf });
      assert.equal(second.status, 200, JSON.stringify(second.json));
      const done = await waitForStatus(id, ['succeeded', 'failed']);
      assert.equal(done.promotion.status, 'succeeded', done.promotion.reason ?? '');
      assert.deepEqual(
        done.promotion.approvals.map((a) => a.approver),
        ['alice@example.com (oidc)', 'bob@example.com (oidc)'],
      );
      const approvedBy = done.timeline.filter((e) => e.kind === 'approved').map((e) => e.actor);
      assert.deepEqual(approvedBy, ['alice@example.com (oidc)', 'bob@example.com (oidc)']);
    });

    /** `person` (signed in) requests the promotion of payments/app:`tag` through the API. */
    async function requestAs(person: { browser: SignInClient; csrf: string }, tag: string) {
      const requested = await call(person.browser, 'POST', '/api/v1/promotions', {
        csrf: person.csrf,
        body: { source: { environment: 'nonprod', repository: 'payments/app', tag } },
      });
      assert.equal(requested.status, 202, JSON.stringify(requested.json));
      return acceptedSchema.parse(requested.json).promotion;
    }

    test('the requester cannot approve their own promotion', async () => {
      const carol = await signedIn('carol');
      const promotion = await requestAs(carol, 'v2');
      assert.equal(promotion.requestedBy, 'carol@example.com (oidc)');
      const own = await call(carol.browser, 'POST', `/api/v1/promotions/${promotion.id}/approve`, {
        csrf: carol.csrf,
      });
      assert.equal(own.status, 403);
      assert.equal(own.json.code, PromotionErrorCode.Forbidden);
    });

    test('four eyes compares the OpenID Connect subject, not the name shown', async () => {
      const requested = await requestAs(await signedIn('carol'), 'v4');
      assert.equal(requested.requesterKey, `oidc:${TEST_USERS.carol.sub}`);
      const { id } = requested;
      try {
        // Bob's directory entry now carries carol's address: shown exactly as carol, still not her.
        idp.setEmail('bob', 'carol@example.com');
        const namesake = await signedIn('bob');
        const who = meSchema.parse((await call(namesake.browser, 'GET', '/api/v1/me')).json).identity;
        assert.equal(who.display, 'carol@example.com (oidc)');
        const approved = await call(namesake.browser, 'POST', `/api/v1/promotions/${id}/approve`, {
          csrf: namesake.csrf,
        });
        assert.equal(approved.status, 200, JSON.stringify(approved.json));
        // Carol renamed: a new address and name shown, the same subject, so still the requester.
        idp.setEmail('carol', 'carol@new.example');
        const renamed = await signedIn('carol');
        const own = await call(renamed.browser, 'POST', `/api/v1/promotions/${id}/approve`, {
          csrf: renamed.csrf,
        });
        assert.equal(own.status, 403, JSON.stringify(own.json));
        assert.equal(own.json.code, PromotionErrorCode.Forbidden);
        assert.match(String(own.json.message), /carol@new\.example \(oidc\) requested promotion/);
      } finally {
        idp.setEmail('bob', undefined);
        idp.setEmail('carol', undefined);
      }
      const detail = await waitForStatus(id, ['awaiting_approval']);
      assert.equal(detail.promotion.approvalsReceived, 1, 'bob counted once, the refused attempt not at all');
    });

    test('a rule’s approvers name people by group, and tokens by name; others with the role are refused', async () => {
      const accepted = await post(`${ferry}/api/v1/promotions`, tokens.ci, {
        source: { environment: 'nonprod', repository: 'checkout/app', tag: 'v1' },
      });
      assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
      const id = acceptedSchema.parse(accepted.json).promotion.id;
      const bob = await signedIn('bob');
      const notListed = await call(bob.browser, 'POST', `/api/v1/promotions/${id}/approve`, {
        csrf: bob.csrf,
      });
      assert.equal(notListed.status, 403, 'bob may approve checkout by role, but is not in group platform');
      assert.equal(notListed.json.code, PromotionErrorCode.Forbidden);
      assert.match(String(notListed.json.message), /approvers: group:platform, root/);
      const token = await post(`${ferry}/api/v1/promotions/${id}/approve`, tokens.alice, {});
      assert.equal(token.status, 403, 'the token alice may approve by role, but is not listed');
      const rules = await fetch(`${ferry}/api/v1/rules`, {
        headers: { authorization: `Bearer ${tokens.viewer}` },
      });
      const checkout = (
        (await rules.json()) as { rules: { name: string; approvals: { approvers: unknown } }[] }
      ).rules.find((r) => r.name === 'checkout');
      assert.deepEqual(checkout?.approvals.approvers, ['group:platform', 'root']);
      const carol = await signedIn('carol');
      const listed = await call(carol.browser, 'POST', `/api/v1/promotions/${id}/approve`, {
        csrf: carol.csrf,
      });
      assert.equal(listed.status, 200, JSON.stringify(listed.json));
      assert.equal((await waitForStatus(id, ['succeeded', 'failed'])).promotion.status, 'succeeded');
    });

    test('a viewer may look but not approve; an approver only for the rules of the role', async () => {
      const id = await requestPayments('v3');
      const victor = await signedIn('victor');
      assert.equal((await call(victor.browser, 'GET', `/api/v1/promotions/${id}`)).status, 200);
      const refused = await call(victor.browser, 'POST', `/api/v1/promotions/${id}/approve`, {
        csrf: victor.csrf,
      });
      assert.equal(refused.status, 403);
      assert.equal(refused.json.code, ApiErrorCode.Forbidden);
      const alice = await signedIn('alice');
      const cancel = await call(alice.browser, 'POST', `/api/v1/promotions/${id}/cancel`, {
        csrf: alice.csrf,
      });
      assert.equal(cancel.status, 403, 'approver is not promoter');
    });

    test('a state-changing request with the cookie but without the CSRF header is refused', async () => {
      const id = await requestPayments('v3').catch(async () => await requestPayments('v1'));
      const bob = await signedIn('bob');
      const missing = await call(bob.browser, 'POST', `/api/v1/promotions/${id}/reject`);
      assert.equal(missing.status, 403);
      assert.equal(missing.json.code, ApiErrorCode.CsrfRequired);
      const wrong = await call(bob.browser, 'POST', `/api/v1/promotions/${id}/reject`, {
        csrf: 'x'.repeat(43),
      });
      assert.equal(wrong.json.code, ApiErrorCode.CsrfRequired);
      const alice = await signedIn('alice');
      const foreign = await call(bob.browser, 'POST', `/api/v1/promotions/${id}/reject`, {
        csrf: alice.csrf,
      });
      assert.equal(foreign.json.code, ApiErrorCode.CsrfRequired, 'another session’s token does not fit');
      const status = (await waitForStatus(id, ['awaiting_approval', 'queued', 'running', 'succeeded']))
        .promotion;
      assert.notEqual(status.status, 'rejected');
    });

    test('a tampered cookie is refused; bearer tokens still work without any CSRF header', async () => {
      const { browser } = await signedIn('bob');
      const value = decodeURIComponent(browser.session(ferry) ?? '');
      const tampered = new SignInClient();
      tampered.setCookie(
        ferry,
        SESSION_COOKIE,
        encodeURIComponent(`${value[0] === 'A' ? 'B' : 'A'}${value.slice(1)}`),
      );
      const refused = await call(tampered, 'GET', '/api/v1/me');
      assert.equal(refused.status, 401);
      assert.equal(refused.json.code, ApiErrorCode.Unauthorized);
      const token = await fetch(`${ferry}/api/v1/me`, {
        headers: { authorization: `Bearer ${tokens.alice}` },
      });
      const me = meSchema.parse(await token.json());
      assert.equal(me.identity.kind, 'token');
      assert.equal(me.csrfToken, null);
    });

    test('an expired session is refused, whether by its own expiry or by the cookie’s age', async () => {
      // Cookies as ferry writes them (the same library, key derivation and cookie), but old: what a
      // browser still holds after the session's time is up.
      const key = Buffer.from(
        hkdfSync('sha256', Buffer.from(sessionKey, 'utf8'), Buffer.alloc(0), 'ferry session cookie v1', 32),
      );
      const sealer = fastify();
      await sealer.register(secureSession, { key, cookieName: SESSION_COOKIE });
      await sealer.ready();
      cleanup(() => sealer.close());
      const seal = (data: object) =>
        encodeURIComponent(sealer.encodeSecureSession(sealer.createSecureSession({ ...data })));
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        v: 1,
        kind: 'oidc',
        subject: TEST_USERS.carol.sub,
        display: 'carol@example.com (oidc)',
        email: 'carol@example.com',
        sid: 'forged',
        csrf: 'c'.repeat(43),
      };
      const fresh = new SignInClient();
      fresh.setCookie(ferry, SESSION_COOKIE, seal({ ...claims, exp: now + 600, __ts: now }));
      assert.equal(
        (await call(fresh, 'GET', '/api/v1/me')).status,
        200,
        'the forging is right: a live one works',
      );
      for (const stale of [
        { ...claims, exp: now - 1, __ts: now - 100 },
        { ...claims, exp: now + 600, __ts: now - 9 * 3600 },
      ]) {
        const browser = new SignInClient();
        browser.setCookie(ferry, SESSION_COOKIE, seal(stale));
        const answer = await call(browser, 'GET', '/api/v1/me');
        assert.equal(answer.status, 401, JSON.stringify(stale));
        assert.match(String(answer.json.message), /expired/);
      }
    });

    test('signing out clears the cookie and the session is refused even if replayed', async () => {
      const { browser, csrf } = await signedIn('victor');
      const cookie = browser.session(ferry) ?? '';
      const noCsrf = await call(browser, 'POST', '/auth/logout');
      assert.equal(noCsrf.status, 403);
      const out = await browser.fetch(`${ferry}/auth/logout`, {
        method: 'POST',
        headers: { [CSRF_HEADER]: csrf },
      });
      assert.equal(out.status, 204);
      assert.equal(browser.session(ferry), undefined);
      assert.equal((await call(browser, 'GET', '/api/v1/me')).json.code, ApiErrorCode.Unauthenticated);
      const replay = new SignInClient();
      replay.setCookie(ferry, SESSION_COOKIE, cookie);
      assert.equal((await call(replay, 'GET', '/api/v1/me')).status, 401);
    });

    test('the sign-out form ends the provider’s session too (RP-Initiated Logout) and comes back', async () => {
      const { browser, csrf } = await signedIn('victor');
      // While the provider's session lasts, signing in again needs no password (single sign-on).
      const again = await browser.fetch(`${ferry}/auth/login`, { maxRedirects: 10 });
      assert.ok(
        again.hops.some((hop) => hop.url.startsWith(`${ferry}/auth/callback`)),
        'signed in again without the form',
      );
      const csrfNow = meSchema.parse(JSON.parse((await browser.fetch(`${ferry}/api/v1/me`)).body)).csrfToken;
      const out = await browser.fetch(`${ferry}/auth/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf: csrfNow ?? csrf }).toString(),
        maxRedirects: 0,
      });
      assert.equal(out.status, 303, out.body);
      assert.equal(browser.session(ferry), undefined, 'ferry’s cookie is cleared');
      const end = new URL(String(out.headers.location));
      assert.equal(end.origin, idp.issuer);
      assert.equal(end.searchParams.get('client_id'), idp.clientId);
      assert.equal(end.searchParams.get('post_logout_redirect_uri'), `${ferry}/`);
      const hint = end.searchParams.get('id_token_hint') ?? '';
      idTokens.push(hint);
      const payload = JSON.parse(Buffer.from(hint.split('.')[1] ?? '', 'base64url').toString('utf8'));
      assert.equal(payload.sub, TEST_USERS.victor.sub, 'the hint is the ID token of this session');

      const back = await browser.confirmProviderSignOut(end.href);
      assert.ok(
        back.hops.some((hop) => hop.location === `${ferry}/`),
        `the provider sent the browser back to ferry: ${JSON.stringify(back.hops.map((h) => h.location))}`,
      );
      const form = await browser.fetch(`${ferry}/auth/login`);
      assert.match(form.body, /name="login"/, 'the provider’s session ended: its login form again');
      assert.equal((await call(browser, 'GET', '/api/v1/me')).status, 401);
    });

    test('the sign-out form needs the CSRF field; without a session it leads to the sign-in page', async () => {
      const { browser } = await signedIn('victor');
      const form = (csrf: string) =>
        browser.fetch(`${ferry}/auth/logout`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf }).toString(),
          maxRedirects: 0,
        });
      const forged = await form('x'.repeat(43));
      assert.equal(forged.status, 403);
      assert.equal(JSON.parse(forged.body).code, ApiErrorCode.CsrfRequired);
      assert.equal((await call(browser, 'GET', '/api/v1/me')).status, 200, 'still signed in');
      const nobody = await new SignInClient().fetch(`${ferry}/auth/logout`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'csrf=',
        maxRedirects: 0,
      });
      assert.equal(nobody.status, 303);
      assert.equal(nobody.headers.location, '/sign-in');
    });

    test('a person whose groups the provider left out (Entra ID overage) is warned about in the log', async () => {
      const { browser } = await signedIn('olga');
      const me = meSchema.parse((await call(browser, 'GET', '/api/v1/me')).json);
      assert.deepEqual(me.roles, [], 'no role by groups');
      const warning = logs.find((line) => line.includes('group overage'));
      assert.ok(warning, 'the overage is logged');
      assert.match(warning, /"identity":"olga@example\.com \(oidc\)"/);
      assert.match(warning, /"marker":"_claim_names\.groups"/);
      assert.match(warning, /"level":40/);
    });

    test('returnTo can only lead back to this server', async () => {
      for (const hostile of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
        const browser = new SignInClient();
        const done = await browser.signIn(ferry, 'bob', TEST_USERS.bob.password, hostile);
        const callback = done.hops.find((hop) => hop.url.startsWith(`${ferry}/auth/callback`));
        assert.equal(callback?.location, '/', hostile);
      }
    });

    test('a callback that does not belong to a sign-in of this browser is refused', async () => {
      const browser = new SignInClient();
      const answer = await call(browser, 'GET', '/auth/callback?code=abc&state=def');
      assert.equal(answer.status, 400);
      assert.equal(answer.json.code, ApiErrorCode.SignInFailed);
      const denied = await call(browser, 'GET', '/auth/callback?error=access_denied&state=x');
      assert.equal(errorBodySchema.parse(denied.json).code, ApiErrorCode.SignInFailed);
    });

    test('the client secret and the session key never appear in a log line or an answer', async () => {
      const haystacks = [...logs, ...answers];
      assert.ok(
        logs.some((line) => line.includes('signed in')),
        'the sign-ins were logged',
      );
      assert.ok(idTokens.length > 0 && idTokens.every((token) => token.length > 100));
      for (const secret of [idp.clientSecret, sessionKey, ...idTokens]) {
        assert.ok(!haystacks.some((text) => text.includes(secret)), 'a secret leaked');
      }
      assert.ok(!logs.some((line) => /[?&]code=[^…&]/.test(line)), 'an authorization code reached the log');
    });
  });
}
