import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { PgDatabase } from '../../src/service/store/pg-database.ts';
import { uploadSessionsOf } from '../../src/service/store/upload-session-store.ts';
import { pushImage } from '../rig/fixtures.ts';
import { startPostgres } from '../rig/postgres.ts';
import { withRig } from '../rig/rig.ts';
import { blobExists, getManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { writeServeConfig } from './serve-fixture.ts';
import { type FerryProcess, startFerryProcess } from './serve-process.ts';

/*
 * Issue 16 point 3 on failover: two `ferry serve` replicas share PostgreSQL; the one uploading a large
 * layer is SIGKILLed between two chunk requests (the source stalls in the fourth chunk), and the other
 * one, taking the promotion over once the lease lapses, continues the upload session recorded in the
 * shared store: it sends only what follows the checkpoint. The checkpoints are gone once it succeeded.
 */

const MiB = 1024 * 1024;
const CHUNK = 16 * MiB;

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true });
const temp = await makeTempDir('upload-resume-failover');
cleanup(() => temp.remove());
const pg = await startPostgres();
cleanup(() => pg.stop());
const databaseUrl = await pg.createDatabase();
const destination = await rig.startRegistry();
const sourceProxy = await rig.startFaultProxy(rig.anonymous!.url);
const destinationProxy = await rig.startFaultProxy(destination.url);

const { path: configPath, tokens } = await writeServeConfig({
  dir: temp.path,
  nonprod: { ...rig.anonymous!, host: sourceProxy.host },
  environments: {
    prod: { registry: destinationProxy.host, tls: { verify: false }, credentials: { anonymous: true } },
  },
  rules: [{ name: 'app', from: 'nonprod:team/*', to: 'prod:team/*', tags: 'v[0-9]+' }],
  server: { resumableUploads: { minBlobMiB: 64, chunkMiB: CHUNK / MiB } },
});
const token = tokens.root;

function startReplica(): Promise<FerryProcess> {
  return startFerryProcess(['serve', '--config', configPath, '--listen', '127.0.0.1:0'], {
    env: { HOME: temp.path, FERRY_DATABASE_URL: databaseUrl },
    cleanup,
  });
}

async function promotionOn(replica: FerryProcess, id: string) {
  const response = await fetch(`${replica.url}/api/v1/promotions/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  return (await response.json()) as {
    promotion: { status: string; resultDigest: string | null; reason: string | null };
    timeline: { kind: string; detail: { replica?: string } }[];
  };
}

async function until(what: string, ms: number, ready: () => boolean | Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + ms; !(await ready()); ) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('the replica taking over a killed one continues its upload session from the shared checkpoint', async (t) => {
  const db = await PgDatabase.open({ url: databaseUrl });
  t.after(() => db.close());
  const image = await rig.buildImage({ layers: [80 * MiB], seed: 'upload-resume-failover' });
  const layer = image.layers[0]!;
  await pushImage(rig.anonymous!, 'team/app', 'v1', image);
  sourceProxy.addFault({
    method: 'GET',
    path: new RegExp(`/blobs/${layer.digest}`),
    kind: 'stall-mid-body',
    afterBytes: 3 * CHUNK + 8 * MiB,
  });
  const [a, b] = [await startReplica(), await startReplica()];

  const accepted = await fetch(`${a.url}/api/v1/promotions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: { environment: 'nonprod', repository: 'team/app', tag: 'v1' } }),
  });
  assert.equal(accepted.status, 202);
  const { promotion } = (await accepted.json()) as { promotion: { id: string } };

  // Three chunks acknowledged and checkpointed in the shared store; the fourth waits for the source.
  await until('three chunks are checkpointed', 120_000, async () => {
    const [session] = await uploadSessionsOf(db, promotion.id);
    return session?.uploadedBytes === 3 * CHUNK;
  });
  const started = (await promotionOn(a, promotion.id)).timeline.find((e) => e.kind === 'started');
  const runner = [a, b].find((r) => started?.detail.replica?.endsWith(r.name));
  assert.ok(runner, JSON.stringify(started));
  const survivor = runner === a ? b : a;
  const mark = destinationProxy.requests.length;
  await runner.killHard();

  let final: Awaited<ReturnType<typeof promotionOn>> | undefined;
  await until('the survivor has finished the promotion', 120_000, async () => {
    final = await promotionOn(survivor, promotion.id);
    return ['succeeded', 'failed'].includes(final.promotion.status);
  });
  assert.equal(final!.promotion.status, 'succeeded', final!.promotion.reason ?? '');
  assert.equal(final!.promotion.resultDigest, image.manifestDigest);
  assert.equal((await getManifest(destination, 'team/app', 'v1')).digest, image.manifestDigest);
  assert.ok(await blobExists(destination, 'team/app', layer.digest));
  assert.equal(final!.timeline.filter((e) => e.kind === 'succeeded').length, 1);

  const resent = destinationProxy.requests
    .slice(mark)
    .filter((r) => r.path.includes('/blobs/uploads/'))
    .reduce((sum, r) => sum + r.bytesIn, 0);
  t.diagnostic(`layer ${layer.size} bytes; sent by the survivor: ${resent} (without resume: ${layer.size})`);
  assert.equal(resent, layer.size - 3 * CHUNK);
  assert.match(survivor.log(), /upload resumed from its checkpoint/);
  assert.deepEqual(await uploadSessionsOf(db, promotion.id), [], 'checkpoints of a finished promotion go');
  survivor.process.kill('SIGTERM');
  await new Promise((resolve) => survivor.process.once('exit', resolve));
});
