import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type BuiltImage, buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { backendDatabaseUrl } from './backend-database.ts';
import { startTestServer, writeServeConfig } from './serve-fixture.ts';

/*
 * The fault runs of the independent review, bounded and with their counts asserted: a real `ferry
 * serve` (startServer) between real registries, the source behind a proxy that injects faults; on the
 * embedded store, or on PostgreSQL with FERRY_TEST_BACKEND=postgres (fault-runs.postgres.test.ts).
 */

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const temp = await makeTempDir('fault-runs');
cleanup(() => temp.remove());
const databaseUrl = await backendDatabaseUrl(cleanup);
const proxy = await rig.startFaultProxy(rig.anonymous!.url);
const prod = rig.basicTls!;
const prodProxy = await rig.startFaultProxy(prod.url, { caPem: prod.caPem });

const { path: configPath, tokens } = await writeServeConfig({
  dir: temp.path,
  nonprod: { ...rig.anonymous!, host: proxy.host },
  prod,
  environments: {
    // The same production registry reached through a proxy too, for faults on the destination side.
    prodvia: {
      registry: prodProxy.host,
      tls: { verify: false },
      // writeServeConfig keeps prod's password in this file.
      credentials: { username: prod.username, password: { file: join(temp.path, 'prod-password') } },
    },
  },
  rules: [
    { name: 'app', from: 'nonprod:team/*', to: 'prod:team/*', tags: 'v[0-9]+' },
    { name: 'edge', from: 'nonprod:edge/*', to: 'prodvia:edge/*', tags: 'v[0-9]+' },
  ],
});
const token = tokens.root;
const server = await startTestServer(configPath, { databaseUrl });
cleanup(() => server.close(0));
const api = `${server.url}/api/v1`;

interface PromotionView {
  readonly id: string;
  readonly status: string;
  readonly reason: string | null;
  readonly resultDigest: string | null;
}

async function request(
  repository: string,
  tag = 'v1',
): Promise<{ status: number; promotion: PromotionView; created: boolean }> {
  const answer = await fetch(`${api}/promotions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: { environment: 'nonprod', repository, tag } }),
  });
  const body = (await answer.json()) as { promotion: PromotionView; created: boolean };
  return { status: answer.status, ...body };
}

async function settled(id: string, timeoutMs = 60_000): Promise<PromotionView> {
  for (const deadline = Date.now() + timeoutMs; ; ) {
    const answer = await fetch(`${api}/promotions/${id}`, { headers: { authorization: `Bearer ${token}` } });
    const { promotion } = (await answer.json()) as { promotion: PromotionView };
    if (['succeeded', 'failed', 'cancelled', 'rejected'].includes(promotion.status)) return promotion;
    assert.ok(Date.now() < deadline, `promotion ${id} still ${promotion.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function image(repository: string, seed: string, layers = [40_000, 8_000]): Promise<BuiltImage> {
  const built = await buildImage({ layers, seed });
  await pushImage(rig.anonymous!, repository, 'v1', built);
  return built;
}

describe(`fault runs (${databaseUrl === undefined ? 'embedded' : 'postgresql'} store)`, () => {
  test('20 simultaneous triggers for one tag make one promotion, which succeeds once', async () => {
    const built = await image('team/burst', 'fault-burst');
    const answers = await Promise.all(Array.from({ length: 20 }, () => request('team/burst')));
    assert.deepEqual(
      answers.map((a) => a.status).filter((s) => s !== 202 && s !== 200),
      [],
    );
    const ids = new Set(answers.map((a) => a.promotion.id));
    assert.equal(ids.size, 1, `${ids.size} promotions for one tag`);
    assert.equal(answers.filter((a) => a.created).length, 1);
    const done = await settled([...ids][0]!);
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(done.resultDigest, built.manifestDigest);
  });

  test('resets mid-blob, 503s, 429s with Retry-After and stalls: 8 of 8 promotions succeed with equal digests', async () => {
    const built = await Promise.all(
      Array.from({ length: 8 }, (_, i) => image(`team/flaky-${i}`, `fault-flaky-${i}`)),
    );
    const faults = [
      proxy.addFault({ method: 'GET', path: /\/blobs\/sha256:/, kind: 'reset-mid-body', times: 4 }),
      proxy.addFault({ method: 'GET', path: /\/blobs\/sha256:/, kind: 'status', status: 503, times: 3 }),
      proxy.addFault({ method: 'GET', path: /\/blobs\/sha256:/, kind: '429', retryAfter: 1, times: 3 }),
      proxy.addFault({ method: 'GET', path: /\/blobs\/sha256:/, kind: 'delay', delayMs: 1_500, times: 2 }),
    ];
    const accepted = await Promise.all(built.map((_, i) => request(`team/flaky-${i}`)));
    const done = await Promise.all(accepted.map((a) => settled(a.promotion.id, 120_000)));
    assert.deepEqual(
      done.map((d) => d.status),
      built.map(() => 'succeeded'),
      done.map((d) => d.reason).join('; '),
    );
    for (const [i, b] of built.entries()) {
      assert.equal((await getManifest(prod, `team/flaky-${i}`, 'v1')).digest, b.manifestDigest);
    }
    // Every fault was served: the run went through them, not around them.
    assert.deepEqual(
      faults.map((f) => f.hits),
      [4, 3, 3, 2],
    );
    proxy.clearFaults();
  });

  test('corrupted source bytes are refused: the promotion fails and production has no tag', async () => {
    const built = await image('team/corrupt', 'fault-corrupt', [60_000]);
    const corrupt = proxy.addFault({
      method: 'GET',
      path: new RegExp(`/blobs/${built.layers[0]!.digest}`),
      kind: 'corrupt',
      times: Number.POSITIVE_INFINITY,
    });
    const { promotion } = await request('team/corrupt');
    const done = await settled(promotion.id, 120_000);
    proxy.clearFaults();
    assert.ok(corrupt.hits >= 1);
    assert.equal(done.status, 'failed');
    assert.match(done.reason ?? '', /digest/i);
    assert.equal((await getManifest(prod, 'team/corrupt', 'v1')).status, 404);
  });

  test('manifest PUTs failing: retried through two 500s; failing for good, the promotion fails and no tag appears', async () => {
    const flaky = await image('edge/flaky', 'fault-put-flaky');
    const twice = prodProxy.addFault({
      method: 'PUT',
      path: /\/manifests\//,
      kind: 'status',
      status: 500,
      times: 2,
    });
    const first = await request('edge/flaky');
    const done = await settled(first.promotion.id, 120_000);
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(twice.hits, 2);
    assert.equal((await getManifest(prod, 'edge/flaky', 'v1')).digest, flaky.manifestDigest);

    await image('edge/broken', 'fault-put-broken');
    const always = prodProxy.addFault({
      method: 'PUT',
      path: /\/manifests\//,
      kind: 'status',
      status: 400,
      body: JSON.stringify({ errors: [{ code: 'MANIFEST_INVALID', message: 'manifest invalid' }] }),
      times: Number.POSITIVE_INFINITY,
    });
    const second = await request('edge/broken');
    const failed = await settled(second.promotion.id, 120_000);
    prodProxy.clearFaults();
    assert.equal(failed.status, 'failed');
    assert.ok(always.hits >= 1);
    assert.equal((await getManifest(prod, 'edge/broken', 'v1')).status, 404);
  });
});
