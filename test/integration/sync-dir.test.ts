/**
 * `ferry sync --dest dir` / `--src dir` against `skopeo sync` on the same repositories: the same
 * `REPOSITORY:TAG` image directories with the same bytes, each tool syncs the other's tree back to a
 * registry with the digests unchanged, and a re-run is up to date instead of refused.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildImage, buildMultiArch, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest } from '../rig/rig-client.ts';
import { runSkopeo } from '../rig/skopeo.ts';
import { runFerry } from '../support/run-ferry.ts';

const rig = await withRig({ after }, { anonymous: true });
const anon = rig.anonymous!;
const reg = anon.host;
// Single-component repository names: skopeo keeps only the last path component (unless --scoped),
// ferry the whole path; for these both name the directories `<repo>:<tag>`.
const app1 = await buildImage({ layers: [30_000, 2000], seed: `sync-dir-app-1-${Date.now()}` });
const app2 = await buildImage({ layers: [30_000, 2500], seed: `sync-dir-app-2-${Date.now()}` });
const multi = await buildMultiArch(
  [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ],
  { layers: [10_000], seed: `sync-dir-multi-${Date.now()}` },
);
await pushImage(anon, 'app', '1', app1);
await pushImage(anon, 'app', '2', app2);
await pushImage(anon, 'multi', 'v1', multi);

async function tree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = join(entry.parentPath, entry.name);
      out.set(full.slice(dir.length + 1), await readFile(full));
    }
  }
  return out;
}

function assertSameTree(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [name, bytes] of expected) assert.ok(actual.get(name)?.equals(bytes), `${name} differs`);
}

describe('ferry sync with dir:', () => {
  const ferryTree = join(rig.dir, 'ferry-tree');
  const skopeoTree = join(rig.dir, 'skopeo-tree');

  test('--dest dir writes the same image directories as skopeo sync --all', async () => {
    await mkdir(skopeoTree);
    for (const repo of ['app', 'multi']) {
      const s = await runSkopeo([
        'sync',
        '--all',
        '--src',
        'docker',
        '--dest',
        'dir',
        '--src-tls-verify=false',
        `${reg}/${repo}`,
        skopeoTree,
      ]);
      assert.equal(s.code, 0, s.stderr);
      const f = await runFerry([
        'sync',
        '--src',
        'docker',
        '--dest',
        'dir',
        '--src-tls-verify=false',
        `${reg}/${repo}`,
        ferryTree,
      ]);
      assert.equal(f.code, 0, f.stderr);
    }
    const ours = await tree(ferryTree);
    assertSameTree(ours, await tree(skopeoTree));
    assert.ok(
      ours.has('app:1/manifest.json') && ours.has('app:2/manifest.json') && ours.has('multi:v1/version'),
    );
    assert.deepEqual(
      (await readdir(ferryTree)).filter((n) => n.startsWith('.')),
      [],
      'pool removed',
    );
  });

  test('a second run is up to date (skopeo refuses existing directories)', async () => {
    const again = await runFerry([
      'sync',
      '--json',
      '--src',
      'docker',
      '--dest',
      'dir',
      '--src-tls-verify=false',
      `${reg}/app`,
      ferryTree,
    ]);
    assert.equal(again.code, 0, again.stderr);
    const summary = JSON.parse(again.stdout) as { counts: Record<string, number> };
    assert.equal(summary.counts['up-to-date'], 2);
    const skopeoAgain = await runSkopeo([
      'sync',
      '--src',
      'docker',
      '--dest',
      'dir',
      '--src-tls-verify=false',
      `${reg}/app`,
      skopeoTree,
    ]);
    assert.notEqual(skopeoAgain.code, 0);
    assert.match(skopeoAgain.stderr, /Refusing to overwrite destination directory/);
  });

  test("--src dir pushes a tree written by skopeo, and skopeo pushes ferry's, with unchanged digests", async () => {
    const f = await runFerry([
      'sync',
      '--src',
      'dir',
      '--dest',
      'docker',
      '--dest-tls-verify=false',
      skopeoTree,
      `${reg}/from-skopeo`,
    ]);
    assert.equal(f.code, 0, f.stderr);
    const s = await runSkopeo([
      'sync',
      '--all',
      '--src',
      'dir',
      '--dest',
      'docker',
      '--dest-tls-verify=false',
      ferryTree,
      `${reg}/from-ferry`,
    ]);
    assert.equal(s.code, 0, s.stderr);
    for (const [repo, tag, digest] of [
      ['app', '1', app1.manifestDigest],
      ['app', '2', app2.manifestDigest],
      ['multi', 'v1', multi.manifestDigest],
    ] as const) {
      assert.equal(
        (await getManifest(anon, `from-skopeo/${repo}`, tag)).digest,
        digest,
        `ferry pushed ${repo}:${tag}`,
      );
      assert.equal(
        (await getManifest(anon, `from-ferry/${repo}`, tag)).digest,
        digest,
        `skopeo pushed ${repo}:${tag}`,
      );
    }
  });

  test('--src dir with no image in it is a usage error naming the directory', async () => {
    const empty = join(rig.dir, 'empty-tree');
    await mkdir(empty);
    const out = await runFerry(['sync', '--src', 'dir', '--dest', 'docker', empty, `${reg}/x`]);
    assert.equal(out.code, 2);
    assert.match(out.stderr, /empty-tree.*no images to sync found/);
  });
});
