import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { PgDatabase } from '../../src/service/store/pg-database.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { startPostgres } from '../rig/postgres.ts';
import { withRig } from '../rig/rig.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { startTestServer, writeServeConfig } from './serve-fixture.ts';

/*
 * environments.prod.maxConcurrentPromotions: 1 with two replicas on one PostgreSQL database: while one
 * promotion copies to prod (held in place by a proxy that slows its first layer), the other replica's
 * promotion to the same registry waits for the slot instead of copying, then runs; both succeed.
 */

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const temp = await makeTempDir('registry-slots');
cleanup(() => temp.remove());
const pg = await startPostgres();
cleanup(() => pg.stop());
const databaseUrl = await pg.createDatabase();
const proxy = await rig.startFaultProxy(rig.anonymous!.url);
const prod = rig.basicTls!;

const { path: configPath, tokens } = await writeServeConfig({
  dir: temp.path,
  nonprod: { ...rig.anonymous!, host: proxy.host },
  prod,
  environments: { prod: { maxConcurrentPromotions: 1 } },
  rules: [{ name: 'app', from: 'nonprod:team/*', to: 'prod:team/*', tags: 'v[0-9]+' }],
});
const token = tokens.root;

const a = await startTestServer(configPath, { databaseUrl });
cleanup(() => a.close(0));
const b = await startTestServer(configPath, { databaseUrl });
cleanup(() => b.close(0));

async function promote(url: string, repository: string): Promise<string> {
  const answer = await fetch(`${url}/api/v1/promotions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: { environment: 'nonprod', repository, tag: 'v1' } }),
  });
  assert.equal(answer.status, 202, await answer.clone().text());
  return ((await answer.json()) as { promotion: { id: string } }).promotion.id;
}

async function status(id: string): Promise<string> {
  const answer = await fetch(`${a.url}/api/v1/promotions/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await answer.json()) as { promotion: { status: string } }).promotion.status;
}

test('a registry at its limit makes the other replica wait its turn; both promotions succeed', async () => {
  const first = await buildImage({ layers: [200_000], seed: 'slots-1' });
  const second = await buildImage({ layers: [200_000], seed: 'slots-2' });
  await pushImage(rig.anonymous!, 'team/one', 'v1', first);
  await pushImage(rig.anonymous!, 'team/two', 'v1', second);
  const firstLayer = first.layers[0]!;
  const slow = proxy.addFault({
    method: 'GET',
    path: new RegExp(`/blobs/${firstLayer.digest}`),
    kind: 'delay',
    delayMs: 4_000,
  });

  const one = await promote(a.url, 'team/one');
  // The first is copying (its layer download is held) before the second is requested, on the other replica.
  for (const deadline = Date.now() + 20_000; slow.hits === 0; ) {
    assert.ok(Date.now() < deadline, 'the first promotion never started copying');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const two = await promote(b.url, 'team/two');
  const secondBlobs = new Set(second.blobs.map((blob) => blob.digest));
  const touchedSecond = () => proxy.requests.some((r) => [...secondBlobs].some((d) => r.path.includes(d)));

  // While the first holds prod's only slot, nothing of the second is read from the source.
  while ((await status(one)) !== 'succeeded') {
    assert.equal(touchedSecond(), false, 'the second promotion copied while the first held the slot');
    assert.notEqual(await status(one), 'failed');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const deadline = Date.now() + 30_000; (await status(two)) !== 'succeeded'; ) {
    assert.ok(Date.now() < deadline, `second promotion: ${await status(two)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(touchedSecond(), true);
  const db = await PgDatabase.open({ url: databaseUrl });
  const { rows } = await db
    .query<{ n: number }>('SELECT count(*)::int AS n FROM registry_slots')
    .finally(() => db.close());
  assert.equal(rows[0]!.n, 0, 'slots are given back when promotions settle');
});
