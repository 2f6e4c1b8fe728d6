import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { startPostgres } from '../rig/postgres.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { runFerry } from '../support/run-ferry.ts';
import { teardown } from '../support/teardown.ts';
import { writeServeConfig } from './serve-fixture.ts';
import { type FerryProcess, startFerryProcess } from './serve-process.ts';

/*
 * Failover with the defaults (server.leaseSeconds 15, heartbeatSeconds 5): two `ferry serve` processes
 * share PostgreSQL; the one copying a promotion is killed with SIGKILL (it settles nothing), and the
 * other must resume the promotion within 30 s and finish it exactly once. The copy is held in place by
 * a proxy that stalls the first blob download, so the kill lands mid-copy.
 */

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const temp = await makeTempDir('serve-failover');
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
  rules: [{ name: 'app', from: 'nonprod:team/*', to: 'prod:team/*', tags: 'v[0-9]+' }],
});
const token = tokens.root;

type Replica = FerryProcess;

function startReplica(): Promise<Replica> {
  return startFerryProcess(['serve', '--config', configPath, '--listen', '127.0.0.1:0'], {
    env: { HOME: temp.path, FERRY_DATABASE_URL: databaseUrl },
    cleanup,
  });
}

interface TimelineEvent {
  readonly kind: string;
  readonly detail: { readonly replica?: string };
}

async function promotionOn(replica: Replica, id: string) {
  const response = await fetch(`${replica.url}/api/v1/promotions/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  return (await response.json()) as {
    promotion: { status: string; resultDigest: string | null; reason: string | null };
    timeline: TimelineEvent[];
  };
}

test('a promotion whose replica is killed mid-copy resumes on the other within 30 s, exactly once', async () => {
  const image = await buildImage({ layers: [300_000, 20_000], seed: 'failover' });
  await pushImage(rig.anonymous!, 'team/app', 'v1', image);
  const [a, b] = [await startReplica(), await startReplica()];
  // The first download of the big layer stalls far longer than the test: only a kill ends that copy.
  const stall = proxy.addFault({
    method: 'GET',
    path: new RegExp(`/blobs/${image.layers[0]!.digest}`),
    kind: 'delay',
    delayMs: 600_000,
  });

  const accepted = await fetch(`${a.url}/api/v1/promotions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: { environment: 'nonprod', repository: 'team/app', tag: 'v1' } }),
  });
  assert.equal(accepted.status, 202);
  const { promotion } = (await accepted.json()) as { promotion: { id: string } };

  // Whichever replica claimed it is named by the `started` event; wait until its copy is stalled.
  let runner: Replica | undefined;
  for (const deadline = Date.now() + 30_000; runner === undefined || stall.hits === 0; ) {
    assert.ok(Date.now() < deadline, 'the promotion never started copying');
    const started = (await promotionOn(a, promotion.id)).timeline.find((e) => e.kind === 'started');
    runner = [a, b].find((r) => started?.detail.replica?.endsWith(r.name));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const survivor = runner === a ? b : a;
  const killedAt = Date.now();
  runner.process.kill('SIGKILL');

  let resumedAfterMs: number | undefined;
  let final: Awaited<ReturnType<typeof promotionOn>> | undefined;
  for (const deadline = killedAt + 90_000; ; ) {
    final = await promotionOn(survivor, promotion.id);
    const resumed = final.timeline.find((e) => e.kind === 'resumed');
    if (resumed !== undefined && resumedAfterMs === undefined) {
      resumedAfterMs = Date.now() - killedAt;
      assert.ok(resumed.detail.replica?.endsWith(survivor.name), JSON.stringify(resumed));
    }
    if (['succeeded', 'failed'].includes(final.promotion.status)) break;
    assert.ok(Date.now() < deadline, `not finished 90 s after the kill: ${final.promotion.status}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  console.log(`failover: resumed ${resumedAfterMs} ms after SIGKILL`);
  assert.equal(final.promotion.status, 'succeeded', final.promotion.reason ?? '');
  assert.ok(resumedAfterMs !== undefined && resumedAfterMs <= 30_000, `resumed after ${resumedAfterMs} ms`);
  assert.equal(final.promotion.resultDigest, image.manifestDigest);
  assert.equal((await getManifest(prod, 'team/app', 'v1')).digest, image.manifestDigest);
  // Exactly once: one success, started by the killed replica and resumed by the survivor.
  assert.equal(final.timeline.filter((e) => e.kind === 'succeeded').length, 1);
  assert.deepEqual(
    final.timeline.filter((e) => e.kind === 'started' || e.kind === 'resumed').map((e) => e.kind),
    ['started', 'resumed', 'started'],
  );
  // The next test needs a database no serve with workers claims from.
  survivor.process.kill('SIGTERM');
  await new Promise((resolve) => survivor.process.once('exit', resolve));
});

test('ferry serve --workers 0 takes requests, a ferry worker runs them; a worker refuses the embedded store', async () => {
  const image = await buildImage({ layers: [20_000], seed: 'worker-mode' });
  await pushImage(rig.anonymous!, 'team/api-only', 'v1', image);
  const api = await startFerryProcess(
    ['serve', '--config', configPath, '--listen', '127.0.0.1:0', '--workers', '0'],
    { env: { HOME: temp.path, FERRY_DATABASE_URL: databaseUrl }, cleanup },
  );
  const accepted = await fetch(`${api.url}/api/v1/promotions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: { environment: 'nonprod', repository: 'team/api-only', tag: 'v1' } }),
  });
  assert.equal(accepted.status, 202);
  const { promotion } = (await accepted.json()) as { promotion: { id: string } };
  // Nobody runs it yet: the API replica claims nothing.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  assert.equal((await promotionOn(api, promotion.id)).promotion.status, 'queued');

  const worker = await startFerryProcess(['worker', '--config', configPath], {
    env: { HOME: temp.path, FERRY_DATABASE_URL: databaseUrl },
    cleanup,
  });
  assert.equal(worker.url, '');
  let final: Awaited<ReturnType<typeof promotionOn>>;
  for (const deadline = Date.now() + 30_000; ; ) {
    final = await promotionOn(api, promotion.id);
    if (['succeeded', 'failed'].includes(final.promotion.status)) break;
    assert.ok(Date.now() < deadline, `still ${final.promotion.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(final.promotion.status, 'succeeded', final.promotion.reason ?? '');
  const started = final.timeline.find((e) => e.kind === 'started');
  assert.ok(started?.detail.replica?.endsWith(worker.name), JSON.stringify(started));
  worker.process.kill('SIGTERM');
  await new Promise((resolve) => worker.process.once('exit', resolve));
  assert.equal(worker.process.exitCode, 0, worker.log());
  assert.match(worker.log(), /ferry worker: shutting down/);

  const embedded = await runFerry(['worker', '--config', configPath], { env: { HOME: temp.path } });
  assert.equal(embedded.code, 2, embedded.stderr);
  assert.match(embedded.stderr, /ferry worker needs PostgreSQL/);
});
