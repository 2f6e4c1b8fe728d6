/**
 * Test support for the browser tests: a real `ferry serve` process (the built CLI, serving the built
 * dashboard) between real registries from the rig, with a Standard Webhooks trigger, API tokens of each
 * role, and a one-time sign-in link; Chromium through playwright-core (test/rig/browser.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type BuiltImage, buildImage, pushImage } from '../rig/fixtures.ts';
import { oidcSection, startTestIdp, type TestIdp } from '../rig/oidc-provider.ts';
import { freePort } from '../rig/ports.ts';
import type { RegistryInstance } from '../rig/registry.ts';
import { withRig } from '../rig/rig.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { type ServeConfig, writeServeConfig } from '../service/serve-fixture.ts';
import { type FerryProcess, startFerryProcess } from '../service/serve-process.ts';
import { runFerry } from '../support/run-ferry.ts';

export const SHA = '[0-9a-f]{7,40}';
const RESULTS = new URL('../../test-results/', import.meta.url);
const DOCS = new URL('../../docs/screenshots/', import.meta.url);

export interface DashboardServer {
  readonly url: string;
  readonly process: FerryProcess;
  readonly config: ServeConfig;
  readonly nonprod: RegistryInstance;
  readonly prod: RegistryInstance;
  /** The single-use sign-in link the server wrote (`--one-time-login`). */
  readonly oneTimeLink: string;
  /** The rig's identity provider, when started with `{ oidc: true }`. */
  readonly idp: TestIdp | undefined;
  /** Pushes a fresh image (two layers, content from `seed`) to nonprod `repository:tag`. */
  push(repository: string, tag: string, seed: string): Promise<BuiltImage>;
  /** push(), then requests the promotion with `ferry trigger` (a Standard Webhooks delivery). */
  trigger(repository: string, tag: string, seed: string): Promise<BuiltImage>;
}

export interface DashboardServerOptions {
  /**
   * Sign-in with OpenID Connect against the rig's identity provider (test/rig/oidc-provider.ts):
   * release-managers (alice, bob) are approvers, developers (victor) viewers, carol@example.com admin.
   */
  readonly oidc?: boolean;
}

export async function startDashboardServer(
  cleanup: (fn: () => Promise<void>) => void,
  rules: readonly Record<string, unknown>[],
  options: DashboardServerOptions = {},
): Promise<DashboardServer> {
  const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
  const nonprod = rig.anonymous!;
  const prod = rig.basicTls!;
  const temp = await makeTempDir('dashboard');
  cleanup(() => temp.remove());
  const secretFile = join(temp.path, 'webhook-secret');
  await writeFile(secretFile, `whsec_${randomBytes(24).toString('base64')}`, { mode: 0o600 });
  // The identity provider must know ferry's callback URL before ferry starts: pick the port first.
  let listen = '127.0.0.1:0';
  let idp: TestIdp | undefined;
  let signIn: { server: Record<string, unknown>; auth: Record<string, unknown> } | undefined;
  if (options.oidc === true) {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    listen = `127.0.0.1:${port}`;
    const started = await startTestIdp({ redirectUris: [`${publicUrl}/auth/callback`] });
    idp = started;
    cleanup(() => started.stop());
    signIn = {
      server: { publicUrl },
      auth: {
        oidc: await oidcSection(started, temp.path, {
          viewer: { groups: ['developers'] },
          approver: { groups: ['release-managers'] },
          admin: { emails: ['carol@example.com'] },
        }),
      },
    };
  }
  const config = await writeServeConfig({
    dir: temp.path,
    nonprod,
    prod,
    rules,
    triggers: { standardWebhooks: { enabled: true, secrets: [{ file: secretFile }] } },
    ...signIn,
  });
  const linkFile = join(temp.path, 'one-time-login');
  const process = await startFerryProcess(
    ['serve', '--config', config.path, '--listen', listen, '--one-time-login', linkFile],
    // Every answer the browser provokes is checked against the API contract (500 on a mismatch).
    { env: { FERRY_CHECK_RESPONSES: '1', FERRY_LOG_LEVEL: 'warn' }, cleanup },
  );
  const oneTimeLink = await waitForFile(linkFile);
  const push = async (repository: string, tag: string, seed: string) => {
    const image = await buildImage({ layers: [40_000, 9_000], seed });
    await pushImage(nonprod, repository, tag, image);
    return image;
  };
  return {
    url: process.url,
    process,
    config,
    nonprod,
    prod,
    oneTimeLink,
    idp,
    push,
    async trigger(repository, tag, seed) {
      const image = await push(repository, tag, seed);
      const run = await runFerry([
        'trigger',
        '--server',
        process.url,
        '--image',
        repository,
        '--tag',
        tag,
        '--from',
        'nonprod',
        '--secret-file',
        secretFile,
      ]);
      if (run.code !== 0) throw new Error(`ferry trigger failed (${run.code}): ${run.stderr}`);
      return image;
    },
  };
}

async function waitForFile(path: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const text = (await readFile(path, 'utf8')).trim();
      if (text !== '') return text;
    } catch {
      // not written yet
    }
    if (Date.now() > deadline) throw new Error(`${path} was not written`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A browser context that sends an API token with every request (a machine identity in the browser). */
export function tokenContext(browser: Browser, token: string, viewport = { width: 1280, height: 800 }) {
  return browser.newContext({ viewport, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
}

/** The screenshots docs/dashboard.md and the README show. */
const DOCUMENTED = new Set([
  'sign-in',
  'promotions',
  'promotions-phone',
  'promotion-detail',
  'promotion-awaiting-approval',
  'promotion-failed',
  'releases',
  'release-history',
  'rules',
  'audit',
]);

/**
 * Saves a screenshot under test-results/ (gitignored); with FERRY_UPDATE_SCREENSHOTS=1 the documented
 * ones also under docs/screenshots/, where the README and docs/dashboard.md show them.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(RESULTS, { recursive: true });
  const image = await page.screenshot({ fullPage: true, animations: 'disabled' });
  await writeFile(new URL(`${name}.png`, RESULTS), image);
  if (process.env.FERRY_UPDATE_SCREENSHOTS === '1' && DOCUMENTED.has(name)) {
    await mkdir(DOCS, { recursive: true });
    await writeFile(new URL(`${name}.png`, DOCS), image);
  }
}

/** The session cookie's context, signed in through the one-time link. */
export async function signInOnce(context: BrowserContext, link: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(link);
  await page.getByRole('heading', { name: 'Promotions' }).waitFor();
  return page;
}
