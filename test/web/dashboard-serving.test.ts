import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultDashboardRoot } from '../../src/service/http/dashboard-root.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { startTestServer, writeServeConfig } from '../service/serve-fixture.ts';
import { teardown } from '../support/teardown.ts';

/*
 * How `ferry serve` serves the built dashboard (dist/web, built by `npm ci` / `npm run build`): the
 * pages the contract names answer index.html, uncached and under a strict CSP; the hashed assets are
 * cached for a year; everything else keeps its JSON answer.
 */

const cleanup = teardown(after);
const temp = await makeTempDir('dashboard-serving');
cleanup(() => temp.remove());
const { path } = await writeServeConfig({ dir: temp.path });
const server = await startTestServer(path);
cleanup(() => server.close(0));

const root = defaultDashboardRoot();
const index = await readFile(join(root, 'index.html'), 'utf8');
const script = /src="(\/assets\/[^"]+\.js)"/.exec(index)?.[1];

describe('the dashboard at /', () => {
  test('index.html for the root and every client route, no-cache, with a strict CSP', async () => {
    for (const page of [
      '/',
      '/promotions/0193a1b2-0000',
      '/releases',
      '/releases/prod/team-a/app/prod',
      '/rules',
      '/audit',
      '/sign-in?returnTo=%2Faudit',
    ]) {
      const response = await fetch(`${server.url}${page}`);
      assert.equal(response.status, 200, page);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.equal(response.headers.get('cache-control'), 'no-cache');
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(await response.text(), index);
    }
  });

  test('index.html has no inline script or style (the CSP would block it)', () => {
    assert.ok(script, 'index.html loads a hashed script from /assets/');
    assert.doesNotMatch(index, /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.doesNotMatch(index, /<style|style="/);
  });

  test('hashed assets are cached for a year, immutable', async () => {
    const response = await fetch(`${server.url}${script}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /javascript/);
    assert.equal(response.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const names = await readdir(join(root, 'assets'));
    assert.ok(
      names.every((name) => /-[A-Za-z0-9_-]{8}\.[a-z]+$/.test(name)),
      names.join(', '),
    );
  });

  test('a missing asset, an unknown page and the API keep their JSON answers', async () => {
    for (const path of ['/assets/nope-12345678.js', '/no-such-page', '/api/v1/nothing']) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 404, path);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, path);
    }
    const api = await fetch(`${server.url}/api/v1/promotions`);
    assert.equal(api.status, 401);
    assert.equal(api.headers.get('content-security-policy'), null);
  });
});
