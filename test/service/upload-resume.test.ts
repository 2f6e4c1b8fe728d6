import assert from 'node:assert/strict';
import { after, type TestContext, test } from 'node:test';
import type { ProxiedRequest } from '../rig/fault-proxy.ts';
import { type BuiltImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { blobExists, getManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { writeServeConfig } from './serve-fixture.ts';
import { type FerryProcess, startFerryProcess } from './serve-process.ts';

/*
 * Issue 16 point 3: a promotion killed (SIGKILL, as PID 1 of its PID namespace, like an OOM kill in a
 * container) while uploading a large layer continues the registry's upload session after the restart
 * instead of sending the layer again, and falls back to a fresh upload when the session is gone.
 *
 * The layer is uploaded in 16 MiB chunks, each acknowledged chunk checkpointed in the store. Proxies in
 * front of both registries place the kill: the source stalls mid-blob, so the upload stops between two
 * chunk requests (the session survives); or the destination stalls a PATCH mid-body, so the kill cuts it
 * (distribution 2.8 then refuses the session: 404 BLOB_UPLOAD_INVALID, "upload resumed at wrong offset").
 * The destination proxy counts the bytes each request carried.
 */

const MiB = 1024 * 1024;
const CHUNK = 16 * MiB;

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true });
const source = rig.anonymous!;
const destination = await rig.startRegistry();
const sourceProxy = await rig.startFaultProxy(source.url);
const destinationProxy = await rig.startFaultProxy(destination.url);

async function promotionOn(server: FerryProcess, token: string, id: string) {
  const response = await fetch(`${server.url}/api/v1/promotions/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  return (await response.json()) as {
    promotion: { status: string; resultDigest: string | null; reason: string | null };
    timeline: { kind: string }[];
  };
}

async function until(what: string, ms: number, ready: () => boolean | Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + ms; !(await ready()); ) {
    assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const isUpload = (r: ProxiedRequest) => r.path.includes('/blobs/uploads/');
const patches = (requests: readonly ProxiedRequest[]) =>
  requests.filter((r) => r.method === 'PATCH' && isUpload(r));
const bytesSent = (requests: readonly ProxiedRequest[]) =>
  requests.filter(isUpload).reduce((sum, r) => sum + r.bytesIn, 0);

/**
 * Promotes `image` (pushed as team/<name>:v1) with ferry as PID 1; once `interrupted()` holds, SIGKILLs it
 * and starts it again on the same data directory. Returns the final promotion, the destination requests
 * sent after the restart, and the restarted process's log.
 */
async function promoteThroughKill(
  t: TestContext,
  name: string,
  image: BuiltImage,
  interrupted: () => boolean,
) {
  const temp = await makeTempDir(`upload-resume-${name}`);
  t.after(() => temp.remove());
  const { path: configPath, tokens } = await writeServeConfig({
    dir: temp.path,
    nonprod: { ...source, host: sourceProxy.host },
    environments: {
      prod: { registry: destinationProxy.host, tls: { verify: false }, credentials: { anonymous: true } },
    },
    rules: [{ name: 'app', from: 'nonprod:team/*', to: 'prod:team/*', tags: 'v[0-9]+' }],
    server: { resumableUploads: { minBlobMiB: 64, chunkMiB: CHUNK / MiB } },
  });
  // At debug level ferry logs every checkpoint it recorded: the kill waits for the third.
  const start = () =>
    startFerryProcess(['serve', '--config', configPath, '--listen', '127.0.0.1:0'], {
      env: { HOME: temp.path, FERRY_LOG_LEVEL: 'debug' },
      cleanup: (fn) => t.after(fn),
      pidNamespace: true,
    });
  await pushImage(source, `team/${name}`, 'v1', image);

  const t0 = Date.now();
  const phase = (what: string) => t.diagnostic(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const first = await start();
  phase('first started');
  const accepted = await fetch(`${first.url}/api/v1/promotions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.root}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: { environment: 'nonprod', repository: `team/${name}`, tag: 'v1' } }),
  });
  assert.equal(accepted.status, 202);
  const { promotion } = (await accepted.json()) as { promotion: { id: string } };
  await until(
    'the upload is where the test interrupts it',
    120_000,
    () => interrupted() && first.log().split('upload checkpoint recorded').length - 1 >= 3,
  );
  assert.equal((await promotionOn(first, tokens.root, promotion.id)).promotion.status, 'running');
  await first.killHard();
  phase('killed');

  const mark = destinationProxy.requests.length;
  const second = await start();
  phase('second started');
  let final: Awaited<ReturnType<typeof promotionOn>> | undefined;
  await until('the promotion has finished after the restart', 180_000, async () => {
    final = await promotionOn(second, tokens.root, promotion.id);
    return ['succeeded', 'failed'].includes(final.promotion.status);
  });
  phase('finished');
  await second.killHard();
  return { final: final!, afterRestart: destinationProxy.requests.slice(mark), log: second.log() };
}

async function assertPromoted(
  name: string,
  image: BuiltImage,
  final: {
    promotion: { status: string; reason: string | null; resultDigest: string | null };
    timeline: { kind: string }[];
  },
) {
  assert.equal(final.promotion.status, 'succeeded', final.promotion.reason ?? '');
  assert.equal(final.promotion.resultDigest, image.manifestDigest);
  assert.equal((await getManifest(destination, `team/${name}`, 'v1')).digest, image.manifestDigest);
  assert.ok(await blobExists(destination, `team/${name}`, image.layers[0]!.digest));
  const kinds = final.timeline.map((e) => e.kind);
  assert.equal(kinds.filter((k) => k === 'succeeded').length, 1, kinds.join());
  assert.deepEqual(
    kinds.filter((k) => k === 'started' || k === 'resumed'),
    ['started', 'resumed', 'started'],
  );
}

test('killed between two chunks: the restarted service continues the upload session from the checkpoint', async (t) => {
  const image = await rig.buildImage({ layers: [96 * MiB], seed: 'upload-resume-between-chunks' });
  const layer = image.layers[0]!;
  // The source hangs 8 MiB into the fourth chunk: three chunks are PATCHed and checkpointed, and the
  // upload waits for the fourth (the layer is read again in full after the restart: no fault then).
  sourceProxy.addFault({
    method: 'GET',
    path: new RegExp(`/blobs/${layer.digest}`),
    kind: 'stall-mid-body',
    afterBytes: 3 * CHUNK + 8 * MiB,
  });
  const before = destinationProxy.requests.length;
  const { final, afterRestart, log } = await promoteThroughKill(t, 'between', image, () => {
    const done = patches(destinationProxy.requests.slice(before)).filter((r) => r.status === 202);
    return done.length >= 3;
  });
  await assertPromoted('between', image, final);

  const checkpointed = 3 * CHUNK;
  const resent = bytesSent(afterRestart);
  t.diagnostic(
    `layer ${layer.size} bytes; sent to the destination after the restart: ${resent} (without resume: ${layer.size})`,
  );
  assert.equal(resent, layer.size - checkpointed, 'only what follows the checkpoint is sent again');
  assert.ok(
    afterRestart.some((r) => r.method === 'GET' && isUpload(r) && r.status === 204),
    'the recorded session was asked for its status',
  );
  assert.match(log, /upload resumed from its checkpoint/);
});

test('killed in the middle of a chunk: the registry refuses the session, the blob is uploaded afresh', async (t) => {
  const image = await rig.buildImage({ layers: [72 * MiB], seed: 'upload-resume-mid-chunk' });
  const layer = image.layers[0]!;
  // The fourth PATCH stops half way and stays open until the kill cuts it.
  const stall = destinationProxy.addFault({
    method: 'PATCH',
    path: /\/blobs\/uploads\//,
    kind: 'stall-mid-request',
    skip: 3,
    afterBytes: CHUNK / 2,
  });
  const { final, afterRestart, log } = await promoteThroughKill(
    t,
    'mid',
    image,
    () =>
      stall.hits === 1 &&
      destinationProxy.requests.some((r) => r.fault === 'stall-mid-request' && r.bytesIn >= CHUNK / 2),
  );
  await assertPromoted('mid', image, final);

  const resent = bytesSent(afterRestart);
  t.diagnostic(`layer ${layer.size} bytes; sent to the destination after the restart: ${resent}`);
  assert.equal(resent, layer.size, 'the whole layer, in a fresh session');
  assert.ok(
    afterRestart.some((r) => r.method === 'GET' && isUpload(r) && r.status === 404),
    'the registry said the recorded session is gone',
  );
  assert.match(log, /recorded upload session is no longer usable/);
});
