/**
 * Chromium for the dashboard's browser tests: Debian's package (`/usr/bin/chromium`, installed by
 * scripts/install-test-deps.sh) driven by playwright-core, headless. `--no-sandbox`: the tests run as
 * root in containers, where Chromium's sandbox cannot start; the pages it loads are the test's own.
 *
 * Helpers every browser test uses: a recorder of console errors and uncaught page errors (a page must
 * produce none), and axe-core run inside the page for its serious and critical violations.
 */
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.FERRY_TEST_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // /dev/shm is 64 MB in many containers; Chromium then crashes tabs under load.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

export const LAPTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** Console errors and uncaught exceptions of every page of `context`, as text. */
export function recordPageErrors(context: BrowserContext): string[] {
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (message) => {
      // A failed load names the resource only in the message's location.
      const from = message.location().url;
      if (message.type() === 'error') errors.push(`console: ${message.text()} (${from || page.url()})`);
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message} (${page.url()})`));
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return errors;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

/**
 * axe-core's serious and critical violations on the page as it is now. The script is evaluated through
 * the DevTools protocol, which the page's Content-Security-Policy does not govern, so the policy under
 * test stays as strict as in production.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const source = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run();
    return result.violations as {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: string[] }[];
    }[];
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
}
