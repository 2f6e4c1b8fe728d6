import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { writeServeConfig } from './serve-fixture.ts';
import { type FerryProcess, startFerryProcess } from './serve-process.ts';

/*
 * The embedded store as a container runs it: `ferry serve` as PID 1 of its own PID namespace, killed
 * with SIGKILL in the middle of a copy (an OOM kill: nothing is settled, the lock file names PID 1) and
 * started again the same way, on the same data directory. The restarted process must take the store
 * over, resume the promotion and finish it exactly once.
 */

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const temp = await makeTempDir('embedded-restart');
cleanup(() => temp.remove());
const proxy = await rig.startFaultProxy(rig.anonymous!.url);
const prod = rig.basicTls!;

const { path: configPath, tokens } = await writeServeConfig({
  dir: temp.path,
  nonprod: { ...rig.anonymous!, host: proxy.host },
  prod,
  rules: [{ name: 'app', from: 'nonprod:team/*', to: 'prod:team/*', tags: 'v[0-9]+' }],
});
const token = tokens.root;

function startInContainer(): Promise<FerryProcess> {
  return startFerryProcess(['serve', '--config', configPath, '--listen', '127.0.0.1:0'], {
    env: { HOME: temp.path },
    cleanup,
    pidNamespace: true,
  });
}

async function promotionOn(server: FerryProcess, id: string) {
  const response = await fetch(`${server.url}/api/v1/promotions/${id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  return (await response.json()) as {
    promotion: { status: string; resultDigest: string | null; reason: string | null };
    timeline: { kind: string; detail: { replica?: string } }[];
  };
}

test('SIGKILL of the embedded service as PID 1 mid-copy, restarted as PID 1: resumed and finished exactly once', async () => {
  const image = await buildImage({ layers: [300_000], seed: 'embedded-restart' });
  await pushImage(rig.anonymous!, 'team/app', 'v1', image);
  const stall = proxy.addFault({
    method: 'GET',
    path: new RegExp(`/blobs/${image.layers[0]!.digest}`),
    kind: 'delay',
    delayMs: 600_000,
  });

  const first = await startInContainer();
  const accepted = await fetch(`${first.url}/api/v1/promotions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: { environment: 'nonprod', repository: 'team/app', tag: 'v1' } }),
  });
  assert.equal(accepted.status, 202);
  const { promotion } = (await accepted.json()) as { promotion: { id: string } };
  for (const deadline = Date.now() + 30_000; stall.hits === 0; ) {
    assert.ok(Date.now() < deadline, 'the copy never started');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal((await promotionOn(first, promotion.id)).promotion.status, 'running');
  await first.killHard();

  const second = await startInContainer();
  let final: Awaited<ReturnType<typeof promotionOn>>;
  for (const deadline = Date.now() + 60_000; ; ) {
    final = await promotionOn(second, promotion.id);
    if (['succeeded', 'failed'].includes(final.promotion.status)) break;
    assert.ok(Date.now() < deadline, `still ${final.promotion.status} after the restart`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.equal(final.promotion.status, 'succeeded', final.promotion.reason ?? '');
  assert.equal(final.promotion.resultDigest, image.manifestDigest);
  assert.equal((await getManifest(prod, 'team/app', 'v1')).digest, image.manifestDigest);
  const kinds = final.timeline.map((e) => e.kind);
  assert.equal(kinds.filter((k) => k === 'succeeded').length, 1, kinds.join());
  assert.deepEqual(
    kinds.filter((k) => k === 'started' || k === 'resumed'),
    ['started', 'resumed', 'started'],
  );
  // Both attempts ran as PID 1 of their namespace.
  assert.ok(
    final.timeline.filter((e) => e.kind === 'started').every((e) => e.detail.replica?.endsWith('/1')),
  );
  await second.killHard();
});
