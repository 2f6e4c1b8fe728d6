import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { LAPTOP, launchChromium, PHONE, recordPageErrors, seriousAxeViolations } from '../rig/browser.ts';
import { teardown } from '../support/teardown.ts';
import { SHA, screenshot, signInOnce, startDashboardServer, tokenContext } from './dashboard-fixture.ts';

/*
 * The dashboard in Chromium against a real `ferry serve` (the built CLI and app) between real
 * registries: sign-in, a webhook-triggered promotion appearing and finishing without a reload, the
 * detail view, what a viewer may not do, CSRF, accessibility (axe-core) and phone width. Every page
 * must log no console error. Screenshots go to test-results/ (FERRY_UPDATE_SCREENSHOTS=1: docs/too).
 */

const cleanup = teardown(after);
const server = await startDashboardServer(cleanup, [
  { name: 'shop', from: 'nonprod:shop/*', to: 'prod:shop/*', tags: SHA, releaseTag: 'prod' },
  {
    name: 'payments',
    from: 'nonprod:payments/*',
    to: 'prod:payments/*',
    tags: SHA,
    releaseTag: 'prod',
    approvals: { required: 2, approvers: ['alice', 'root'] },
  },
]);
const browser = await launchChromium();
cleanup(() => browser.close());

let admin: BrowserContext;
let page: Page;
let adminErrors: string[];

before(async () => {
  admin = await browser.newContext({ viewport: LAPTOP });
  adminErrors = recordPageErrors(admin);
  page = await signInOnce(admin, server.oneTimeLink);
});

after(() => {
  assert.deepEqual(adminErrors, [], 'console errors in the signed-in session');
});

async function axe(p: Page, what: string): Promise<void> {
  const violations = await seriousAxeViolations(p);
  assert.deepEqual(violations, [], `${what}: ${JSON.stringify(violations, null, 2)}`);
}

/** The row of a promotion in the list (by its destination tag). */
function row(p: Page, tag: string) {
  return p.locator('.promotion-list a.row', { hasText: `:${tag}` });
}

describe('signing in', () => {
  test('the one-time link signs in: the session cookie is httpOnly, and the identity is shown', async () => {
    assert.equal(new URL(page.url()).pathname, '/');
    await page.getByText('demo (one-time)').waitFor();
    const cookie = (await admin.cookies()).find((c) => c.name === 'ferry_session');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    // Nothing of the session reaches script-readable storage.
    // Browser-side expressions are strings: the tests' TypeScript has no DOM library.
    const stored = await page.evaluate<{ cookie: string; local: string[]; session: string[] }>(
      '({ cookie: document.cookie, local: Object.keys(localStorage), session: Object.keys(sessionStorage) })',
    );
    assert.deepEqual(stored, { cookie: '', local: [], session: [] });
  });

  test('the link is single-use, and an anonymous visitor is sent to the sign-in page', async () => {
    const context = await browser.newContext({ viewport: LAPTOP });
    const errors = recordPageErrors(context);
    const other = await context.newPage();
    const reuse = await other.goto(server.oneTimeLink);
    assert.equal(reuse?.status(), 401);
    await other.goto(`${server.url}/releases`);
    await other.getByRole('link', { name: 'Sign in with your company account' }).waitFor();
    assert.equal(new URL(other.url()).pathname, '/sign-in');
    assert.equal(new URL(other.url()).searchParams.get('returnTo'), '/releases');
    await axe(other, 'sign-in page');
    await screenshot(other, 'sign-in');
    await context.close();
    // The expected 401s (the reused link, /api/v1/me) are the only failed loads; the reused link's
    // answer is JSON, not a dashboard page, so Chromium also asks for /favicon.ico there.
    assert.deepEqual(
      errors.filter((e) => !/status of 401/.test(e) && !/\/favicon\.ico\)$/.test(e)),
      [],
    );
  });
});

describe('promotions, live', () => {
  test('a webhook-triggered promotion appears and reaches succeeded without a reload', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('heading', { name: 'Promotions' }).waitFor();
    // Updates come over the all-promotions event stream, not by polling.
    await page.getByText('Live', { exact: true }).waitFor();
    // A marker that a reload or navigation would lose.
    await page.evaluate('window.marker = 42');
    await server.trigger('shop/web', 'a1b2c3d', 'shop-1');
    await row(page, 'a1b2c3d').getByText('succeeded').waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate('window.marker'), 42);
    await axe(page, 'promotions page');
    await screenshot(page, 'promotions-live');
  });

  test('filters narrow the list and live in the URL', async () => {
    await server.trigger('shop/api', 'b2c3d4e', 'shop-2');
    await row(page, 'b2c3d4e').getByText('succeeded').waitFor({ timeout: 60_000 });
    await page.getByLabel('Repository').fill('shop/api');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/repository=shop%2Fapi/);
    // The filtered page replaces the list when it arrives (the list may be empty while it loads).
    await row(page, 'b2c3d4e').waitFor();
    await row(page, 'a1b2c3d').waitFor({ state: 'detached' });
    assert.equal(await row(page, 'b2c3d4e').count(), 1);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row(page, 'a1b2c3d').waitFor();
  });
});

describe('promotion detail', () => {
  test('offers no rollback to what the release tag points at now', async () => {
    await page.goto(`${server.url}/`);
    await server.trigger('shop/web', 'c3d4e5f', 'shop-3');
    await row(page, 'c3d4e5f').getByText('succeeded').waitFor({ timeout: 60_000 });
    await row(page, 'c3d4e5f').click();
    await page.getByText('(points at this digest now)').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Roll back to this' }).count(), 0);
  });

  test('shows source and destination digests, the checks and the timeline', async () => {
    await page.goto(`${server.url}/`);
    await row(page, 'a1b2c3d').click();
    await page.getByRole('heading', { name: 'shop/web:a1b2c3d' }).waitFor();
    const digests = await page
      .locator('.route code[title^="sha256:"]')
      .evaluateAll((codes) => codes.map((c) => c.getAttribute('title')));
    assert.equal(digests.length, 2);
    assert.equal(digests[0], digests[1], 'the destination holds the source digest');
    const timeline = await page.locator('.timeline .event-kind').allTextContents();
    for (const kind of ['accepted', 'started', 'copied', 'succeeded'])
      assert.ok(timeline.includes(kind), `timeline ${timeline.join(', ')} has ${kind}`);
    // Per-blob copy progress as recorded: every blob of the image copied (none was in prod before).
    const states = await page
      .getByRole('table', { name: 'Blobs' })
      .locator('tbody td:nth-child(2)')
      .allTextContents();
    assert.ok(states.length >= 2, `blobs: ${states.join(', ')}`);
    assert.ok(
      states.every((state) => state === 'copied'),
      `blobs: ${states.join(', ')}`,
    );
    await page.getByRole('button', { name: 'Roll back to this' }).waitFor();
    await axe(page, 'promotion detail');
    await screenshot(page, 'promotion-detail');
  });
});

describe('what a viewer sees', () => {
  test('no action buttons, and the API refuses an action forced from the page', async () => {
    const context = await tokenContext(browser, server.config.tokens.viewer);
    const errors = recordPageErrors(context);
    const viewer = await context.newPage();
    await viewer.goto(`${server.url}/`);
    await row(viewer, 'a1b2c3d').click();
    await viewer.getByRole('heading', { name: 'shop/web:a1b2c3d' }).waitFor();
    await viewer.getByRole('heading', { name: 'Timeline' }).waitFor();
    assert.equal(await viewer.getByRole('region', { name: 'Actions' }).count(), 0);
    assert.equal(await viewer.locator('main button:not(.copy)').count(), 0);
    const id = new URL(viewer.url()).pathname.split('/').at(-1)!;
    const forced = await viewer.evaluate(async (path) => {
      const response = await fetch(path, { method: 'POST' });
      return { status: response.status, body: (await response.json()) as { code: string } };
    }, `/api/v1/promotions/${id}/rollback`);
    assert.equal(forced.status, 403);
    assert.equal(forced.body.code, 'FERRY_E_API_FORBIDDEN');
    await context.close();
    assert.deepEqual(
      errors.filter((e) => !/status of 403/.test(e)),
      [],
    );
  });
});

describe('CSRF', () => {
  test('a state-changing request with the session cookie but without the CSRF header is refused', async () => {
    const answer = await page.evaluate(async () => {
      const list = (await (await fetch('/api/v1/promotions?limit=1')).json()) as {
        promotions: { id: string }[];
      };
      const response = await fetch(`/api/v1/promotions/${list.promotions[0]!.id}/rerun`, { method: 'POST' });
      return { status: response.status, body: (await response.json()) as { code: string } };
    });
    assert.equal(answer.status, 403);
    assert.equal(answer.body.code, 'FERRY_E_API_CSRF_REQUIRED');
    // The page's console reports the refused load; it was provoked here, not by the app.
    adminErrors.splice(0, adminErrors.length, ...adminErrors.filter((e) => !/status of 403/.test(e)));
  });
});

describe('every page', () => {
  test('releases, a release, rules and audit: no serious accessibility violation', async () => {
    await page.goto(`${server.url}/releases`);
    await page.getByRole('heading', { name: 'Releases' }).waitFor();
    await page.getByRole('link', { name: 'shop/web:prod' }).waitFor();
    await axe(page, 'releases');
    await screenshot(page, 'releases');
    await page.getByRole('link', { name: 'shop/web:prod' }).click();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    await axe(page, 'release');
    await screenshot(page, 'release');
    for (const [path, heading, name] of [
      ['/rules', 'Rules and triggers', 'rules'],
      ['/audit', 'Audit trail', 'audit'],
    ] as const) {
      await page.goto(`${server.url}${path}`);
      await page.getByRole('heading', { name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      await axe(page, name);
      await screenshot(page, name);
    }
    // The export link downloads with the session, as the browser would follow it.
    await page.getByRole('cell', { name: 'succeeded' }).first().waitFor();
    const href = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
    const csv = await page.evaluate<{ status: number; type: string | null; text: string }>(
      `fetch(${JSON.stringify(href)}).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), text: await r.text() }))`,
    );
    assert.equal(csv.status, 200);
    assert.match(csv.type ?? '', /^text\/csv/);
    assert.match(csv.text, /^id,at,promotionId,actor,kind,digest,outcome,bytes,detail\r\n/);
    assert.match(csv.text, /,succeeded,/);
  });

  test('at phone width nothing overflows sideways', async () => {
    const phone = await admin.newPage();
    await phone.setViewportSize(PHONE);
    for (const path of ['/', '/releases', '/rules', '/audit']) {
      await phone.goto(`${server.url}${path}`);
      await phone.waitForLoadState('networkidle');
      const overflow = await phone.evaluate<number>(
        'document.documentElement.scrollWidth - window.innerWidth',
      );
      assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the phone`);
    }
    await phone.goto(`${server.url}/`);
    await row(phone, 'a1b2c3d').waitFor();
    await screenshot(phone, 'promotions-phone');
    await phone.close();
  });

  test('keyboard: the skip link, and an action dialog opened and dismissed without a mouse', async () => {
    await page.goto(`${server.url}/`);
    await row(page, 'a1b2c3d').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate('document.activeElement?.textContent'), 'Skip to content');
    await row(page, 'a1b2c3d').focus();
    await page.keyboard.press('Enter');
    const rollback = page.getByRole('button', { name: 'Roll back to this' });
    await rollback.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Roll back to this?' });
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', /shop\/web:prod/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });
});

describe('signing out', () => {
  test('ends the session: the next visit goes to the sign-in page', async () => {
    await page.goto(`${server.url}/rules`);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in$/);
    await page.goto(`${server.url}/audit`);
    await page.getByRole('link', { name: 'Sign in with your company account' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('returnTo'), '/audit');
    // The 401s of the visit after sign-out are expected; nothing else may have failed.
    adminErrors.splice(0, adminErrors.length, ...adminErrors.filter((e) => !/status of 401/.test(e)));
  });
});
