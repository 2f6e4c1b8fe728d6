import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildCosignSignature, buildImage, buildMultiArch, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { runSkopeo } from '../rig/skopeo.ts';
import { runFerry } from '../support/run-ferry.ts';

const rig = await withRig({ after }, { anonymous: true });
const anon = rig.anonymous!;
const index = await buildMultiArch(
  [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ],
  { layers: [30_000, 2000], seed: 'oci-cli', oci: true },
);
await pushImage(anon, 'team/app', 'v1', index);
const signature = buildCosignSignature(index.manifestDigest, `${anon.host}/team/app`);
await pushImage(anon, 'team/app', `sha256-${index.manifestDigest.slice(7)}.sig`, signature);

const src = `docker://${anon.host}/team/app:v1`;

describe('ferry copy with oci: and oci-archive: transports', () => {
  test('registry → oci:DIR:NAME → registry keeps the digest, carries the signature; skopeo reads the layout', async () => {
    const dir = join(rig.dir, 'layout-a');
    const out = await runFerry(['copy', '--src-tls-verify=false', src, `oci:${dir}:app-v1`]);
    assert.equal(out.code, 0, out.stderr);
    const indexJson = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
      manifests: { digest: string; annotations?: Record<string, string> }[];
    };
    const named = indexJson.manifests.find(
      (m) => m.annotations?.['org.opencontainers.image.ref.name'] === 'app-v1',
    );
    assert.equal(named?.digest, index.manifestDigest);
    const sigTag = `sha256-${index.manifestDigest.slice(7)}.sig`;
    assert.ok(
      indexJson.manifests.some((m) => m.annotations?.['org.opencontainers.image.ref.name'] === sigTag),
      'the cosign signature travels into the layout under its tag',
    );

    const inspected = await runSkopeo(['inspect', '--raw', `oci:${dir}:app-v1`]);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.equal(inspected.stdout.trim().length > 0, true);
    const skopeoDigest = await runSkopeo(['inspect', '--format', '{{.Digest}}', `oci:${dir}:app-v1`]);
    assert.equal(skopeoDigest.code, 0, skopeoDigest.stderr);

    const back = await runFerry([
      'copy',
      '--dest-tls-verify=false',
      '--json',
      `oci:${dir}:app-v1`,
      `docker://${anon.host}/back/app:v1`,
    ]);
    assert.equal(back.code, 0, back.stderr);
    assert.equal((JSON.parse(back.stdout) as { digest: string }).digest, index.manifestDigest);
    assert.equal((await rigGetManifest(anon, 'back/app', 'v1')).digest, index.manifestDigest);
    assert.equal((await rigGetManifest(anon, 'back/app', sigTag)).digest, signature.manifestDigest);
  });

  test('oci-archive: round trip; the archive is written atomically and skopeo reads it', async () => {
    const archive = join(rig.dir, 'bundle.tar');
    const out = await runFerry(['copy', '--src-tls-verify=false', src, `oci-archive:${archive}:app`]);
    assert.equal(out.code, 0, out.stderr);
    assert.ok((await stat(archive)).size > 30_000);
    const inspected = await runSkopeo(['inspect', '--raw', `oci-archive:${archive}:app`]);
    assert.equal(inspected.code, 0, inspected.stderr);

    const back = await runFerry([
      'copy',
      '--dest-tls-verify=false',
      `oci-archive:${archive}:app`,
      `docker://${anon.host}/from-archive/app:v1`,
    ]);
    assert.equal(back.code, 0, back.stderr);
    assert.equal((await rigGetManifest(anon, 'from-archive/app', 'v1')).digest, index.manifestDigest);
  });

  test('a layout written by skopeo is read by ferry', async () => {
    const single = await buildImage({ layers: [4000], seed: 'skopeo-layout' });
    await pushImage(anon, 'team/single', 'v1', single);
    const dir = join(rig.dir, 'skopeo-layout');
    const made = await runSkopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${anon.host}/team/single:v1`,
      `oci:${dir}:single`,
    ]);
    assert.equal(made.code, 0, made.stderr);
    // skopeo converts nothing for an OCI source image: the digest is the source digest.
    const back = await runFerry([
      'copy',
      '--dest-tls-verify=false',
      '--json',
      `oci:${dir}`, // no name: the layout's only image
      `docker://${anon.host}/from-skopeo/single:v1`,
    ]);
    assert.equal(back.code, 0, back.stderr);
    const digest = (JSON.parse(back.stdout) as { digest: string }).digest;
    assert.equal((await rigGetManifest(anon, 'from-skopeo/single', 'v1')).digest, digest);
  });

  test('errors name the layout: missing directory, unknown name, non-layout directory', async () => {
    const missing = await runFerry([
      'copy',
      '--dest-tls-verify=false',
      `oci:${join(rig.dir, 'nope')}:x`,
      `docker://${anon.host}/x/y:v1`,
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /FERRY_E_LAYOUT_NOT_A_LAYOUT/);
    assert.match(missing.stderr, /nope/);

    const dir = join(rig.dir, 'layout-a');
    const unknown = await runFerry([
      'copy',
      '--dest-tls-verify=false',
      `oci:${dir}:does-not-exist`,
      `docker://${anon.host}/x/y:v1`,
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /does-not-exist/);

    const notLayout = join(rig.dir, 'not-a-layout');
    await mkdir(notLayout, { recursive: true });
    await writeFile(join(notLayout, 'precious.txt'), 'keep me');
    const refused = await runFerry(['copy', '--src-tls-verify=false', src, `oci:${notLayout}:x`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not an OCI image layout/);
    assert.equal(await readFile(join(notLayout, 'precious.txt'), 'utf8'), 'keep me');
  });

  test('--dest-shared-blob-dir / --src-shared-blob-dir keep blobs in one directory, as skopeo does', async () => {
    const single = await buildImage({ layers: [20_000, 3000], seed: 'shared-blobs', format: 'oci' });
    await pushImage(anon, 'team/shared', 'v1', single);
    const from = `docker://${anon.host}/team/shared:v1`;
    const listing = async (dir: string) => (await readdir(dir, { recursive: true })).sort();
    const results: Record<string, { shared: string[]; second: string[] }> = {};
    for (const tool of ['skopeo', 'ferry'] as const) {
      const run = tool === 'ferry' ? runFerry : runSkopeo;
      const shared = join(rig.dir, `shared-${tool}`);
      const first = join(rig.dir, `shared-first-${tool}`);
      const second = join(rig.dir, `shared-second-${tool}`);
      const out = await run([
        'copy',
        '--src-tls-verify=false',
        '--dest-shared-blob-dir',
        shared,
        from,
        `oci:${first}`,
      ]);
      assert.equal(out.code, 0, `${tool}: ${out.stderr}`);
      // The layout's own blobs/ holds nothing: everything went to the shared directory.
      assert.deepEqual(await readdir(join(first, 'blobs')).catch(() => []), [], tool);
      const back = await run(['copy', '--src-shared-blob-dir', shared, `oci:${first}`, `oci:${second}`]);
      assert.equal(back.code, 0, `${tool}: ${back.stderr}`);
      results[tool] = { shared: await listing(shared), second: await listing(join(second, 'blobs')) };
      // skopeo systemtest "copy: shared blob directory": `diff -urN $shareddir $dir2/blobs`.
      assert.deepEqual(results[tool].second, results[tool].shared, tool);
      for (const f of results[tool].shared.filter((f) => f.includes('/'))) {
        assert.ok((await readFile(join(shared, f))).equals(await readFile(join(second, 'blobs', f))), f);
      }
    }
    assert.deepEqual(results.ferry, results.skopeo);
  });
});
