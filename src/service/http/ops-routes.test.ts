import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HttpErrorCode } from './errors.ts';
import { bearer, buildTestApp, type TestApp, TOKENS } from './http-fixture.ts';
import type { Readiness } from './readiness.ts';

let t: TestApp;
let readiness: Readiness | Error = { ready: true };

before(async () => {
  t = await buildTestApp({
    ready: async () => {
      if (readiness instanceof Error) throw readiness;
      return readiness;
    },
    queueDepth: async () => 3,
    promotionsRunning: async () => 1,
  });
});

after(async () => {
  await t.app.close();
});

test('/healthz answers while the process is up, with the version', async () => {
  const response = await t.app.inject({ url: '/healthz' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ok', version: '0.1.0-test' });
});

test('/readyz asks ready() on every probe: 503 {code, message} with the reason, 200 when ready', async () => {
  readiness = { ready: false, reason: 'the database is not reachable' };
  const down = await t.app.inject({ url: '/readyz' });
  assert.equal(down.statusCode, 503);
  assert.deepEqual(down.json(), {
    code: HttpErrorCode.NotReady,
    message: 'not ready: the database is not reachable',
  });
  readiness = new Error('boom');
  const broken = await t.app.inject({ url: '/readyz' });
  assert.equal(broken.statusCode, 503);
  assert.equal(broken.json().code, HttpErrorCode.NotReady);
  assert.doesNotMatch(broken.body, /boom/);
  readiness = { ready: true };
  const up = await t.app.inject({ url: '/readyz' });
  assert.equal(up.statusCode, 200);
  assert.deepEqual(up.json(), { status: 'ready' });
  // Liveness does not depend on readiness.
  readiness = { ready: false, reason: 'the job queue is not running' };
  assert.equal((await t.app.inject({ url: '/healthz' })).statusCode, 200);
});

test('/metrics exposes ferry metrics in the Prometheus text format', async () => {
  t.metrics.recordPromotion('succeeded', 0.8);
  t.metrics.addBytes('copied', 2048);
  await t.app.inject({ url: '/api/v1/promotions', headers: bearer(TOKENS.viewer) });
  await t.app.inject({ url: '/api/v1/promotions' });
  await t.app.inject({ url: '/no/such/route' });
  const response = await t.app.inject({ url: '/metrics' });
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = response.body;
  for (const expected of [
    '# TYPE ferry_promotions_total counter',
    'ferry_promotions_total{outcome="succeeded"} 1',
    'ferry_promotions_total{outcome="failed"} 0',
    '# TYPE ferry_promotion_duration_seconds histogram',
    'ferry_promotion_duration_seconds_bucket{le="1",outcome="succeeded"} 1',
    'ferry_bytes_copied_total{kind="copied"} 2048',
    'ferry_queue_depth 3',
    'ferry_promotions_running 1',
    'ferry_http_requests_total{route="/api/v1/promotions",status="200"} 1',
    'ferry_http_requests_total{route="/api/v1/promotions",status="401"} 1',
    'ferry_http_requests_total{route="unmatched",status="404"} 1',
  ]) {
    assert.ok(text.includes(expected), `missing ${expected}`);
  }
});
