import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { launchChromium, recordPageErrors, seriousAxeViolations } from './browser.ts';

/* The browser rig itself: Debian's Chromium starts headless, console errors are caught, axe-core runs. */

const browser = await launchChromium();
after(() => browser.close());

test('axe-core reports a serious violation, and console errors are recorded', async () => {
  const context = await browser.newContext();
  const errors = recordPageErrors(context);
  const page = await context.newPage();
  await page.setContent(
    '<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>x</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><script>console.error("boom")</script></main></body></html>',
  );
  const violations = await seriousAxeViolations(page);
  assert.ok(
    violations.some((v) => v.id === 'image-alt'),
    JSON.stringify(violations),
  );
  assert.ok(
    errors.some((e) => e.includes('boom')),
    errors.join('\n'),
  );
  await context.close();
});

test('a clean page has no serious violation', async () => {
  const page = await browser.newPage();
  await page.setContent(
    '<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>x</h1><p>fine</p></main></body></html>',
  );
  assert.deepEqual(await seriousAxeViolations(page), []);
  await page.close();
});
