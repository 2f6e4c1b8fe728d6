import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { hashToken } from '../../src/service/config/api-tokens.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { startRegistry } from '../rig/registry.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { startTestServer } from './serve-fixture.ts';

/*
 * A destination registry whose disk is full: its storage is a 3 MiB tmpfs and the image's layer is
 * 6 MiB of random bytes. The promotion must be retried (a full disk is temporary for ferry: someone
 * frees space), never leave a tag, and succeed once the disk has room (the tmpfs is grown in place).
 * Mounting needs root, as CI has; elsewhere the test is skipped with the reason.
 */

const run = promisify(execFile);
const cleanup = teardown(after);
const temp = await makeTempDir('full-disk');
cleanup(() => temp.remove());
const storageDir = join(temp.path, 'storage');
await mkdir(storageDir);
const mounted = await run('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', storageDir]).then(
  () => true,
  (err: Error) => err.message,
);

test('a full destination disk: retried, no tag meanwhile, promoted once there is room', {
  skip: mounted === true ? false : `cannot mount a tmpfs (needs root): ${String(mounted).slice(0, 200)}`,
}, async () => {
  cleanup(() => run('umount', ['-l', storageDir]).then(() => undefined));
  const rig = await withRig({ after: cleanup }, { anonymous: true });
  const full = await startRegistry({ storageDir });
  cleanup(() => full.stop());
  const token = 'disk-token-0123456789abcdef012345';
  const configPath = join(temp.path, 'ferry.yaml');
  await writeFile(
    configPath,
    stringify({
      version: 1,
      server: { dataDir: join(temp.path, 'data') },
      environments: {
        nonprod: { registry: rig.anonymous!.host, tls: { verify: false }, credentials: { anonymous: true } },
        prod: { registry: full.host, tls: { verify: false }, credentials: { anonymous: true } },
      },
      promotions: [{ name: 'app', from: 'nonprod:team/*', to: 'prod:team/*', tags: 'v[0-9]+' }],
      triggers: { api: { enabled: true } },
      apiTokens: [{ name: 'ops', role: 'admin', sha256: hashToken(token) }],
    }),
  );
  const server = await startTestServer(configPath);
  cleanup(() => server.close(0));
  const image = await buildImage({ layers: [6 * 1024 * 1024], seed: 'full-disk' });
  await pushImage(rig.anonymous!, 'team/app', 'v1', image);

  const answer = await fetch(`${server.url}/api/v1/promotions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: { environment: 'nonprod', repository: 'team/app', tag: 'v1' } }),
  });
  assert.equal(answer.status, 202);
  const { promotion } = (await answer.json()) as { promotion: { id: string } };
  const read = async () => {
    const found = await fetch(`${server.url}/api/v1/promotions/${promotion.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await found.json()) as {
      promotion: { status: string; reason: string | null };
      timeline: { kind: string }[];
    };
  };
  for (const deadline = Date.now() + 60_000; ; ) {
    const { promotion: now, timeline } = await read();
    assert.notEqual(now.status, 'succeeded', 'promoted onto a full disk');
    assert.notEqual(now.status, 'failed', `gave up on a full disk at once: ${now.reason}`);
    if (timeline.some((e) => e.kind === 'retry_scheduled')) break;
    assert.ok(Date.now() < deadline, 'no retry was scheduled');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal((await getManifest(full, 'team/app', 'v1')).status, 404);

  await run('mount', ['-o', 'remount,size=64m', storageDir]);
  for (const deadline = Date.now() + 90_000; ; ) {
    const { promotion: now } = await read();
    if (now.status === 'succeeded') break;
    assert.notEqual(now.status, 'failed', now.reason ?? '');
    assert.ok(Date.now() < deadline, `still ${now.status} after the disk was grown`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.equal((await getManifest(full, 'team/app', 'v1')).digest, image.manifestDigest);
});
