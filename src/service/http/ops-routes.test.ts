import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { HttpErrorCode } from './errors.ts';
import { bearer, buildTestApp, type TestApp, TOKENS } from './http-fixture.ts';

let t: TestApp;
let ready = false;

before(async () => {
  t = await buildTestApp({ ready: () => ready, queueDepth: async () => 3 });
});

after(async () => {
  await t.app.close();
});

test('/healthz answers while the process is up, with the version', async () => {
  const response = await t.app.inject({ url: '/healthz' });
  assert.equal(response.statusCode, 200);
  assert.deepEqual(response.json(), { status: 'ok', version: '0.1.0-test' });
});

test('/readyz follows ready(): 503 JSON until the database is ready, then 200', async () => {
  ready = false;
  const waiting = await t.app.inject({ url: '/readyz' });
  assert.equal(waiting.statusCode, 503);
  assert.equal(waiting.json().code, HttpErrorCode.NotReady);
  ready = true;
  const up = await t.app.inject({ url: '/readyz' });
  assert.equal(up.statusCode, 200);
  assert.deepEqual(up.json(), { status: 'ready' });
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
    'ferry_http_requests_total{route="/api/v1/promotions",status="200"} 1',
    'ferry_http_requests_total{route="/api/v1/promotions",status="401"} 1',
    'ferry_http_requests_total{route="unmatched",status="404"} 1',
  ]) {
    assert.ok(text.includes(expected), `missing ${expected}`);
  }
});
