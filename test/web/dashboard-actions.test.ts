import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { launchChromium, recordPageErrors } from '../rig/browser.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { post } from '../service/serve-fixture.ts';
import { runFerry } from '../support/run-ferry.ts';
import { teardown } from '../support/teardown.ts';
import { SHA, screenshot, startDashboardServer, tokenContext } from './dashboard-fixture.ts';

/*
 * Acting on promotions from the dashboard, in Chromium against a real `ferry serve` between real
 * registries: an approval-gated promotion approved by two different identities in two browser contexts,
 * the requester's own approval refused, a failed promotion's reason and its rerun, and a rollback from
 * the releases view that moves the release tag (checked with `ferry inspect`). The identities are API
 * tokens of ferry.yaml sent by the browser (each context its own).
 */

const cleanup = teardown(after);
const temp = await makeTempDir('dashboard-actions');
cleanup(() => temp.remove());
const keyFile = join(temp.path, 'cosign.pub');
await writeFile(
  keyFile,
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }),
);
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
  {
    name: 'signed',
    from: 'nonprod:signed/*',
    to: 'prod:signed/*',
    tags: SHA,
    signature: { required: true, publicKeyFiles: [keyFile], tlog: false },
  },
]);
const { tokens } = server.config;
const browser = await launchChromium();
cleanup(() => browser.close());

async function signedInAs(token: string) {
  const context = await tokenContext(browser, token);
  const errors = recordPageErrors(context);
  cleanup(() => context.close());
  return { page: await context.newPage(), errors };
}

/** The newest promotion of `repository:tag`, through the API. */
async function promotionOf(repository: string, tag: string): Promise<{ id: string; status: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(`${server.url}/api/v1/promotions?repository=${repository}&q=${tag}`, {
      headers: { authorization: `Bearer ${tokens.viewer}` },
    });
    const body = (await response.json()) as { promotions: { id: string; status: string }[] };
    if (body.promotions[0] !== undefined) return body.promotions[0];
    if (Date.now() > deadline) throw new Error(`no promotion of ${repository}:${tag}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function act(page: Page, button: string, comment?: string): Promise<string> {
  await page.getByRole('button', { name: button, exact: true }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  if (comment !== undefined) await dialog.getByLabel(/Comment/).fill(comment);
  await dialog.getByRole('button', { name: button, exact: true }).click();
  const outcome = dialog.locator('.result, .error-box');
  await outcome.waitFor();
  return (await outcome.textContent()) ?? '';
}

async function closeDialog(page: Page): Promise<void> {
  await page
    .getByRole('dialog')
    .getByRole('button', { name: 'Close' })
    .or(page.getByRole('dialog').getByRole('button', { name: 'Cancel' }))
    .click();
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
}

describe('approvals', () => {
  test('two different identities approve in two browsers; the promotion then runs, shown live', async () => {
    await server.trigger('payments/api', 'c0ffee1', 'payments-1');
    const { id } = await promotionOf('payments/api', 'c0ffee1');
    const alice = await signedInAs(tokens.alice);
    const root = await signedInAs(tokens.root);
    await alice.page.goto(`${server.url}/promotions/${id}`);
    await root.page.goto(`${server.url}/promotions/${id}`);
    await root.page.getByText('Approvals: 0 of 2').waitFor();
    await screenshot(alice.page, 'promotion-awaiting-approval');

    const first = await act(alice.page, 'Approve', 'looks good');
    assert.match(first, /awaiting approval \(1 of 2 approvals\)/);
    // The other browser sees the first approval without a reload.
    await root.page.getByText('Approvals: 1 of 2').waitFor();
    const second = await act(root.page, 'Approve');
    assert.match(second, /now (queued|running|succeeded)/);
    await closeDialog(root.page);
    await root.page.locator('.page-head').getByText('succeeded').waitFor({ timeout: 60_000 });
    await alice.page.locator('.page-head').getByText('succeeded').waitFor({ timeout: 60_000 });
    const approvals = await root.page.locator('.checks li li').allTextContents();
    assert.equal(approvals.length, 2);
    assert.match(approvals[0]!, /approved by alice.*looks good/);
    assert.match(approvals[1]!, /approved by root/);
    assert.deepEqual([...alice.errors, ...root.errors], []);
  });

  test("the requester's own approval is refused, and the refusal is shown with its code", async () => {
    // root (admin: may promote and approve, and a listed approver of the rule) asks for it itself.
    await server.push('payments/web', 'c0ffee3', 'payments-3');
    const own = await post(`${server.url}/api/v1/promotions`, tokens.root, {
      source: { environment: 'nonprod', repository: 'payments/web', tag: 'c0ffee3' },
      destination: { environment: 'prod' },
    });
    assert.equal(own.status, 202, JSON.stringify(own.json));
    const { id } = await promotionOf('payments/web', 'c0ffee3');
    const root = await signedInAs(tokens.root);
    await root.page.goto(`${server.url}/promotions/${id}`);
    const refusal = await act(root.page, 'Approve');
    assert.match(refusal, /FERRY_E_PROMOTION_FORBIDDEN/);
    await closeDialog(root.page);
    assert.deepEqual(
      root.errors.filter((e) => !/status of 403/.test(e)),
      [],
    );
  });
});

describe('a failed promotion', () => {
  test('shows its reason and code, and reruns from the UI', async () => {
    await server.trigger('signed/app', 'deadbee', 'signed-1');
    const root = await signedInAs(tokens.root);
    const { id } = await promotionOf('signed/app', 'deadbee');
    await root.page.goto(`${server.url}/promotions/${id}`);
    const failure = root.page.getByRole('region', { name: 'Why it failed' });
    await failure.waitFor({ timeout: 60_000 });
    assert.match((await failure.textContent()) ?? '', /FERRY_E_PROMOTION_SIGNATURE_REQUIRED/);
    await screenshot(root.page, 'promotion-failed');
    const result = await act(root.page, 'Rerun');
    assert.match(result, /Created rerun/);
    await root.page
      .getByRole('dialog')
      .getByRole('link', { name: /^rerun / })
      .click();
    await root.page.locator('.kind', { hasText: 'rerun' }).waitFor();
    const rerunId = new URL(root.page.url()).pathname.split('/').at(-1);
    assert.notEqual(rerunId, id);
    await root.page.getByRole('link', { name: id }).waitFor();
    assert.deepEqual(root.errors, []);
  });
});

describe('rollback from the releases view', () => {
  test('moves the release tag back to the earlier digest (ferry inspect agrees)', async () => {
    const v1 = await server.trigger('shop/cart', '1111111', 'cart-1');
    await waitForStatus('shop/cart', '1111111', 'succeeded');
    const v2 = await server.trigger('shop/cart', '2222222', 'cart-2');
    await waitForStatus('shop/cart', '2222222', 'succeeded');
    assert.equal(await inspectProd('shop/cart:prod'), v2.manifestDigest);

    const root = await signedInAs(tokens.root);
    await root.page.goto(`${server.url}/releases`);
    await root.page.getByRole('link', { name: 'shop/cart:prod' }).click();
    await root.page.getByRole('heading', { name: 'History' }).waitFor();
    await screenshot(root.page, 'release-history');
    const target = root.page.getByRole('button', {
      name: `Roll back to this: ${v1.manifestDigest.slice(0, 19)}`,
    });
    await target.click();
    const dialog = root.page.getByRole('dialog');
    assert.match(
      (await dialog.textContent()) ?? '',
      new RegExp(`${v2.manifestDigest.slice(0, 19)}.*back to ${v1.manifestDigest.slice(0, 19)}`),
    );
    await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
    await dialog.getByRole('link', { name: /^rollback / }).click();
    await root.page.locator('.page-head').getByText('succeeded').waitFor({ timeout: 60_000 });
    assert.equal(await inspectProd('shop/cart:prod'), v1.manifestDigest);
    assert.deepEqual(root.errors, []);
  });
});

async function waitForStatus(repository: string, tag: string, status: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await promotionOf(repository, tag)).status !== status) {
    if (Date.now() > deadline) throw new Error(`${repository}:${tag} never ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The digest `ferry inspect` reads for `repository:tag` in the prod registry. */
async function inspectProd(reference: string): Promise<string> {
  const { prod } = server;
  const authFile = join(temp.path, 'auth.json');
  const auth = Buffer.from(`${prod.username}:${prod.password}`).toString('base64');
  await writeFile(authFile, JSON.stringify({ auths: { [prod.host]: { auth } } }), { mode: 0o600 });
  const run = await runFerry([
    'inspect',
    '--format',
    '{{.Digest}}',
    '--cert-dir',
    prod.certDir!,
    '--authfile',
    authFile,
    `docker://${prod.host}/${reference}`,
  ]);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout.trim();
}

describe('the list after all of this', () => {
  test('shows every status that happened, newest first', async () => {
    const viewer = await signedInAs(tokens.viewer);
    await viewer.page.goto(`${server.url}/`);
    await viewer.page.locator('.promotion-list .badge-failed').first().waitFor();
    await viewer.page.getByText('Live', { exact: true }).waitFor();
    const statuses = await viewer.page.locator('.promotion-list .badge').allTextContents();
    for (const status of ['succeeded', 'failed', 'awaiting approval'])
      assert.ok(statuses.includes(status), `${status} in ${statuses.join(', ')}`);
    await screenshot(viewer.page, 'promotions');
    assert.deepEqual(viewer.errors, []);
  });
});
