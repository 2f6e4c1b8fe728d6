import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { startPostgres } from '../rig/postgres.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { post, startTestServer, writeServeConfig } from './serve-fixture.ts';

/*
 * PostgreSQL down for several seconds under a running `ferry serve`: /readyz answers 503 while it is
 * down (so a load balancer stops sending traffic), requests answer a JSON 503 rather than hanging or a
 * stack trace, nothing is lost, and once the database is back the service is ready again by itself and
 * every promotion accepted before the outage finishes.
 */

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const temp = await makeTempDir('postgres-outage');
cleanup(() => temp.remove());
const pg = await startPostgres();
cleanup(() => pg.stop());
const databaseUrl = await pg.createDatabase();
// The source behind a proxy that slows every layer download: the outage lands in the middle of copies.
const proxy = await rig.startFaultProxy(rig.anonymous!.url);
const { path, tokens } = await writeServeConfig({
  dir: temp.path,
  nonprod: { ...rig.anonymous!, host: proxy.host },
  prod: rig.basicTls,
});
const server = await startTestServer(path, { databaseUrl });
cleanup(() => server.close(0));

async function ready(): Promise<number> {
  return (await fetch(`${server.url}/readyz`)).status;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    assert.ok(Date.now() - started < timeoutMs, `${what} not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Date.now() - started;
}

test('PostgreSQL stopped and started: /readyz 503 meanwhile, JSON 503s, then ready again and nothing lost', async () => {
  const images = await Promise.all(
    ['one', 'two', 'three'].map(async (name) => {
      const image = await buildImage({ layers: [30_000], seed: `outage-${name}` });
      await pushImage(rig.anonymous!, `team-a/${name}`, 'v1', image);
      return { name, image };
    }),
  );
  assert.equal(await ready(), 200);
  const slow = proxy.addFault({
    method: 'GET',
    path: /\/blobs\/sha256:/,
    kind: 'delay',
    delayMs: 3_000,
    times: Number.POSITIVE_INFINITY,
  });
  const accepted = await Promise.all(
    images.map(({ name }) =>
      post(`${server.url}/api/v1/promotions`, tokens.ci, {
        source: { environment: 'nonprod', repository: `team-a/${name}`, tag: 'v1' },
      }),
    ),
  );
  assert.deepEqual(
    accepted.map((a) => a.status),
    [202, 202, 202],
  );

  await waitFor('copies under way', async () => slow.hits >= 2);
  await pg.pause();
  await waitFor('/readyz 503', async () => (await ready()) === 503);
  const during = await fetch(`${server.url}/api/v1/promotions`, {
    headers: { authorization: `Bearer ${tokens.viewer}` },
  });
  assert.equal(during.status, 503);
  const body = (await during.json()) as { code: string; message: string };
  assert.match(body.code, /^FERRY_E_/);
  assert.ok(!JSON.stringify(body).includes('    at '), 'a stack trace in an answer');
  await new Promise((resolve) => setTimeout(resolve, 5_000));

  await pg.resume();
  const backMs = await waitFor('/readyz 200 again', async () => (await ready()) === 200, 60_000);
  console.log(`ready again ${backMs} ms after PostgreSQL restarted`);
  for (const [i, { name, image }] of images.entries()) {
    const id = (accepted[i]!.json.promotion as { id: string }).id;
    await waitFor(
      `promotion of ${name}`,
      async () => {
        const answer = await fetch(`${server.url}/api/v1/promotions/${id}`, {
          headers: { authorization: `Bearer ${tokens.viewer}` },
        });
        if (answer.status !== 200) return false;
        const { promotion } = (await answer.json()) as {
          promotion: { status: string; reason: string | null };
        };
        assert.notEqual(promotion.status, 'failed', promotion.reason ?? '');
        return promotion.status === 'succeeded';
      },
      90_000,
    );
    assert.equal((await getManifest(rig.basicTls!, `team-a/${name}`, 'v1')).digest, image.manifestDigest);
  }
});
