import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, recordPageErrors } from '../rig/browser.ts';
import { TEST_USERS, type TestUserName } from '../rig/oidc-provider.ts';
import { teardown } from '../support/teardown.ts';
import { SHA, startDashboardServer } from './dashboard-fixture.ts';

/*
 * The dashboard with people signed in through OpenID Connect, in Chromium against a real `ferry serve`
 * and the rig's identity provider (the `oidc-provider` package): each person signs in on the provider's
 * own login page, an approval-gated promotion is approved by two people in two browser contexts and
 * then runs, the audit trail names them as `<email> (oidc)`, a viewer gets no buttons while the API
 * refuses the action when forced, and signing out ends the provider's session too.
 */

const cleanup = teardown(after);
const server = await startDashboardServer(
  cleanup,
  [
    {
      name: 'payments',
      from: 'nonprod:payments/*',
      to: 'prod:payments/*',
      tags: SHA,
      approvals: { required: 2 },
    },
  ],
  { oidc: true },
);
const idp = server.idp!;
const { tokens } = server.config;
const browser = await launchChromium();
cleanup(() => browser.close());

/**
 * A fresh browser context in which `name` signs in from the dashboard through the provider's form.
 * `errors` are the dashboard's console errors, less the 401 of the signed-out first visit (which is how
 * the dashboard learns it must send the person to sign in) and anything the provider's pages log.
 */
async function signIn(name: TestUserName): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  cleanup(() => context.close());
  const all = recordPageErrors(context);
  const errors = {
    get list() {
      return all.filter((e) => !/status of 401/.test(e) && !e.includes(new URL(idp.issuer).origin));
    },
  };
  const page = await context.newPage();
  await page.goto(`${server.url}/`);
  // Not signed in: the dashboard sends the person to its sign-in page, which links to /auth/login.
  await page.getByRole('link', { name: 'Sign in with your company account' }).click();
  await page.waitForURL((url) => url.origin === new URL(idp.issuer).origin);
  const user = TEST_USERS[name];
  await page.getByLabel('User').fill(user.login);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Promotions' }).waitFor();
  assert.equal(new URL(page.url()).origin, server.url);
  await page.getByText(`${user.email} (oidc)`).waitFor();
  return {
    page,
    get errors() {
      return errors.list;
    },
  };
}

async function newestPromotion(repository: string): Promise<{ id: string; status: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${server.url}/api/v1/promotions?repository=${repository}`, {
      headers: { authorization: `Bearer ${tokens.viewer}` },
    });
    const body = (await response.json()) as { promotions: { id: string; status: string }[] };
    if (body.promotions[0] !== undefined) return body.promotions[0];
    if (Date.now() > deadline) throw new Error(`no promotion of ${repository}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function approve(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Approve', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
  const outcome = dialog.locator('.result, .error-box');
  await outcome.waitFor();
  const text = (await outcome.textContent()) ?? '';
  await dialog
    .getByRole('button', { name: 'Close' })
    .or(dialog.getByRole('button', { name: 'Cancel' }))
    .click();
  return text;
}

describe('dashboard with OpenID Connect sign-in', () => {
  test("a person signs in on the provider's login page; the session lives only in an httpOnly cookie", async () => {
    const before = idp.logins.length;
    const { page, errors } = await signIn('victor');
    assert.deepEqual(idp.logins.slice(before), [{ login: 'victor', ok: true }]);
    const cookies = await page.context().cookies(server.url);
    const session = cookies.find((c) => c.name === 'ferry_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    const seen = (await page.evaluate(
      '({ cookie: document.cookie, local: Object.keys(localStorage), session: Object.keys(sessionStorage) })',
    )) as { cookie: string; local: string[]; session: string[] };
    assert.doesNotMatch(seen.cookie, /ferry_session/);
    assert.deepEqual([seen.local, seen.session], [[], []]);
    assert.deepEqual(errors, []);
  });

  test('two people approve in two browsers, the promotion runs, and the audit trail names them', async () => {
    await server.trigger('payments/api', 'c0ffee1', 'oidc-payments-1');
    const { id } = await newestPromotion('payments/api');
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    await alice.page.goto(`${server.url}/promotions/${id}`);
    await bob.page.goto(`${server.url}/promotions/${id}`);
    await bob.page.getByText('Approvals: 0 of 2').waitFor();

    assert.match(await approve(alice.page), /awaiting approval \(1 of 2 approvals\)/);
    await bob.page.getByText('Approvals: 1 of 2').waitFor();
    assert.match(await approve(bob.page), /now (queued|running|succeeded)/);
    await bob.page.locator('.page-head').getByText('succeeded').waitFor({ timeout: 60_000 });

    const approvals = await bob.page.locator('.checks li li').allTextContents();
    assert.equal(approvals.length, 2);
    assert.match(approvals[0]!, /approved by alice@example\.com \(oidc\)/);
    assert.match(approvals[1]!, /approved by bob@example\.com \(oidc\)/);

    const audit = await fetch(`${server.url}/api/v1/audit?promotion=${id}`, {
      headers: { authorization: `Bearer ${tokens.viewer}` },
    });
    const { events } = (await audit.json()) as { events: { kind: string; actor: string }[] };
    const approvers = events.filter((e) => e.kind === 'approved').map((e) => e.actor);
    assert.deepEqual(approvers.sort(), ['alice@example.com (oidc)', 'bob@example.com (oidc)']);
    assert.deepEqual([...alice.errors, ...bob.errors], []);
  });

  test('a viewer sees no action buttons, and the API refuses the approval when forced', async () => {
    await server.trigger('payments/web', 'c0ffee2', 'oidc-payments-2');
    const { id } = await newestPromotion('payments/web');
    const { page } = await signIn('victor');
    await page.goto(`${server.url}/promotions/${id}`);
    await page.getByText('Approvals: 0 of 2').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Approve', exact: true }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Reject', exact: true }).count(), 0);

    const request = page.context().request;
    const me = (await (await request.get(`${server.url}/api/v1/me`)).json()) as { csrfToken: string };
    const forced = await request.post(`${server.url}/api/v1/promotions/${id}/approve`, {
      headers: { 'x-ferry-csrf': me.csrfToken, 'content-type': 'application/json' },
      data: {},
    });
    assert.equal(forced.status(), 403);
    assert.equal(((await forced.json()) as { code: string }).code, 'FERRY_E_API_FORBIDDEN');
  });

  test("Sign out ends the provider's session too and comes back to the dashboard's sign-in page", async () => {
    const { page, errors } = await signIn('carol');
    await page.getByRole('button', { name: 'Sign out' }).click();
    // The provider's own confirmation page (RP-Initiated Logout), reached through ferry's redirect.
    await page.waitForURL((url) => url.origin === new URL(idp.issuer).origin);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.getByRole('link', { name: 'Sign in with your company account' }).waitFor();
    assert.equal(new URL(page.url()).origin, server.url);
    const cookies = await page.context().cookies(server.url);
    assert.equal(
      cookies.find((c) => c.name === 'ferry_session'),
      undefined,
    );
    // The provider forgot the person: signing in again asks for the password.
    const before = idp.logins.length;
    await page.getByRole('link', { name: 'Sign in with your company account' }).click();
    await page.getByLabel('Password').waitFor();
    assert.equal(idp.logins.length, before);
    assert.deepEqual(errors, []);
  });
});
