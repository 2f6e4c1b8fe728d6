/**
 * `copy --format`, `--dest-compress*`, `--dest-decompress`, `--preserve-digests` and `sync --format`
 * against real registries, with skopeo 1.9.3 as the oracle: same source, same flags, compare what
 * each wrote. A manifest conversion without re-encoding must give the very bytes skopeo writes (so the
 * same digest); a re-encoded layer differs in its compressed bytes (Go's and zlib's compressors
 * differ) but must hold the same tar, which the config's diff_ids pin.
 *
 * Every skopeo run writes to a registry of its own: skopeo (running as root here) keeps a blob info
 * cache in /var/lib/containers/cache and would otherwise reuse a blob another case converted,
 * substituting it for the conversion asked for.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gunzipSync, gzipSync, zstdDecompressSync } from 'node:zlib';
import { buildImage, buildIndex, type FixtureBlob, pushImage } from '../rig/fixtures.ts';
import type { RegistryInstance } from '../rig/registry.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest, openSession, pushBlob, putManifest } from '../rig/rig-client.ts';
import { runCommand } from '../rig/run-command.ts';
import { authJson, runSkopeo, skopeoAuths } from '../rig/skopeo.ts';
import { FERRY_BIN, runFerry } from '../support/run-ferry.ts';

const rig = await withRig({ after }, { anonymous: true, basicTls: true });
const src = rig.anonymous!;
const tls = rig.basicTls!;
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const INSECURE = ['--src-tls-verify=false', '--dest-tls-verify=false'];
const NO_STACK = /\n\s+at .+:\d+:\d+/;

const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';

// Fixtures: a Docker image (gzip layers), an OCI image, a Docker multi-arch list, and a Docker image
// with one uncompressed layer and Docker-only config fields.
const dockerImage = await buildImage({ layers: [30_000, 120_000], seed: 'fc-docker' });
await pushImage(src, 'src/docker', 'v1', dockerImage);
const ociImage = await buildImage({ layers: [40_000], seed: 'fc-oci', format: 'oci' });
await pushImage(src, 'src/oci', 'v1', ociImage);
const list = buildIndex([
  await buildImage({ layers: [5000], seed: 'fc-amd', platform: { os: 'linux', architecture: 'amd64' } }),
  await buildImage({
    layers: [6000],
    seed: 'fc-arm',
    platform: { os: 'linux', architecture: 'arm', variant: 'v7' },
  }),
]);
await pushImage(src, 'src/list', 'v1', list);
const mixed = await pushMixedImage(src, 'src/mixed', 'v1');

/** A Docker image with an uncompressed and a gzip layer, and Docker-only config fields. */
async function pushMixedImage(target: RegistryInstance, repo: string, tag: string) {
  const tar = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 31) % 256));
  const inner = Buffer.from(Array.from({ length: 30_000 }, (_, i) => (i * 17) % 256));
  const gz = gzipSync(inner);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      container: 'c0ffee',
      docker_version: '24.0.7',
      created: '2024-02-03T04:05:06.700000000Z',
      config: {
        Env: ['PATH=/bin'],
        Cmd: ['/bin/sh'],
        Labels: { b: '2', a: '1' },
        Healthcheck: { Test: ['NONE'] },
      },
      container_config: { Cmd: ['/bin/sh', '-c', '#(nop)'] },
      rootfs: { type: 'layers', diff_ids: [sha(tar), sha(inner)] },
      history: [{ created_by: 'ADD tar /' }, { created_by: 'ADD gz /', empty_layer: false }],
    }),
  );
  const blobs: FixtureBlob[] = [
    {
      digest: sha(config),
      size: config.length,
      mediaType: 'application/vnd.docker.container.image.v1+json',
      bytes: config,
    },
    {
      digest: sha(tar),
      size: tar.length,
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar',
      bytes: tar,
    },
    {
      digest: sha(gz),
      size: gz.length,
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      bytes: gz,
    },
  ];
  for (const b of blobs) await pushBlob(target, repo, b);
  const manifest = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST,
        config: { mediaType: blobs[0]!.mediaType, size: blobs[0]!.size, digest: blobs[0]!.digest },
        layers: blobs.slice(1).map((b) => ({ mediaType: b.mediaType, size: b.size, digest: b.digest })),
      },
      null,
      3,
    ),
  );
  const session = openSession(target);
  try {
    await putManifest(session, repo, tag, DOCKER_MANIFEST, manifest);
  } finally {
    await session.close();
  }
  return { digest: sha(manifest), diffIds: [sha(tar), sha(inner)] };
}

interface Stored {
  readonly status: number;
  readonly digest: string | undefined;
  readonly mediaType: string | undefined;
  readonly bytes: Buffer;
  readonly json: {
    mediaType?: string;
    config: { mediaType: string; digest: string; size: number };
    layers: { mediaType: string; digest: string; size: number }[];
    manifests?: { mediaType: string; digest: string; size: number }[];
  };
}

async function stored(reg: RegistryInstance, repo: string, ref: string): Promise<Stored> {
  const m = await getManifest(reg, repo, ref);
  return { ...m, json: m.status === 200 ? JSON.parse(m.bytes.toString('utf8')) : undefined } as Stored;
}

/** The manifest an OCI layout names `ref` (its bytes, from the blob store). */
async function layoutManifest(dir: string, ref: string): Promise<Buffer> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === ref);
  assert.ok(entry, `${dir} names ${ref}`);
  return readFile(join(dir, 'blobs', 'sha256', entry.digest.slice('sha256:'.length)));
}

async function onlyRepository(reg: RegistryInstance): Promise<string> {
  const session = openSession(reg);
  try {
    const res = await session.send('GET', '/v2/_catalog');
    const repositories = (JSON.parse(res.body.toString('utf8')) as { repositories: string[] }).repositories;
    assert.equal(repositories.length, 1, `one repository in ${reg.host}: ${repositories.join(', ')}`);
    return repositories[0]!;
  } finally {
    await session.close();
  }
}

async function blob(reg: RegistryInstance, repo: string, digest: string): Promise<Buffer> {
  const session = openSession(reg);
  try {
    const res = await session.send('GET', `/v2/${repo}/blobs/${digest}`, { repo });
    assert.equal(res.status, 200, `GET blob ${digest} from ${repo}`);
    assert.equal(sha(res.body), digest, 'registry served the blob it was asked for');
    return res.body;
  } finally {
    await session.close();
  }
}

/** The digests of the uncompressed layers (what diff_ids name), decompressing by media type. */
async function uncompressedDigests(reg: RegistryInstance, repo: string, m: Stored): Promise<string[]> {
  const out: string[] = [];
  for (const layer of m.json.layers) {
    const bytes = await blob(reg, repo, layer.digest);
    if (layer.mediaType.endsWith('zstd')) out.push(sha(zstdDecompressSync(bytes)));
    else if (layer.mediaType.endsWith('gzip')) out.push(sha(gunzipSync(bytes)));
    else out.push(sha(bytes));
  }
  return out;
}

async function diffIdsOf(reg: RegistryInstance, repo: string, m: Stored): Promise<string[]> {
  const config = JSON.parse((await blob(reg, repo, m.json.config.digest)).toString('utf8'));
  return config.rootfs.diff_ids;
}

/** skopeo and ferry, same flags, same source, each into a registry of its own. */
async function both(flags: readonly string[], source: string, ferryOnly: readonly string[] = []) {
  const [sReg, fReg] = await Promise.all([rig.startRegistry(), rig.startRegistry()]);
  const skopeo = await runSkopeo([
    'copy',
    ...INSECURE,
    ...flags,
    `docker://${src.host}/${source}`,
    `docker://${sReg.host}/out/img:v1`,
  ]);
  const ferry = await runFerry([
    'copy',
    ...INSECURE,
    ...flags,
    ...ferryOnly,
    `docker://${src.host}/${source}`,
    `docker://${fReg.host}/out/img:v1`,
  ]);
  return { skopeo, ferry, sReg, fReg };
}

describe('copy --format (manifest conversion, skopeo as oracle)', () => {
  test('--format oci on a Docker image: the same manifest and config bytes as skopeo, hence the same digest', async () => {
    const { skopeo, ferry, sReg, fReg } = await both(['--format', 'oci'], 'src/docker:v1');
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal(ferry.code, 0, ferry.stderr);
    const s = await stored(sReg, 'out/img', 'v1');
    const f = await stored(fReg, 'out/img', 'v1');
    assert.equal(f.json.mediaType, OCI_MANIFEST);
    assert.equal(f.json.config.mediaType, 'application/vnd.oci.image.config.v1+json');
    assert.deepEqual(
      f.json.layers.map((l) => [l.mediaType, l.digest]),
      dockerImage.layers.map((l) => ['application/vnd.oci.image.layer.v1.tar+gzip', l.digest]),
    );
    assert.equal(f.bytes.toString('utf8'), s.bytes.toString('utf8'));
    assert.equal(f.digest, s.digest);
    assert.deepEqual(
      await blob(fReg, 'out/img', f.json.config.digest),
      await blob(sReg, 'out/img', s.json.config.digest),
    );
    assert.notEqual(f.digest, dockerImage.manifestDigest);
  });

  test('--format v2s2 on an OCI image: the same bytes as skopeo (config blob unchanged, media types mapped)', async () => {
    const { skopeo, ferry, sReg, fReg } = await both(['--format', 'v2s2'], 'src/oci:v1');
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal(ferry.code, 0, ferry.stderr);
    const s = await stored(sReg, 'out/img', 'v1');
    const f = await stored(fReg, 'out/img', 'v1');
    assert.equal(f.json.mediaType, DOCKER_MANIFEST);
    assert.equal(f.json.config.digest, ociImage.configBlob.digest);
    assert.equal(f.bytes.toString('utf8'), s.bytes.toString('utf8'));
  });

  test('--format oci --all on a Docker list: list and images converted, byte-equal to skopeo', async () => {
    assert.equal(list.mediaType, DOCKER_LIST);
    const { skopeo, ferry, sReg, fReg } = await both(['--format', 'oci', '--all'], 'src/list:v1');
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal(ferry.code, 0, ferry.stderr);
    const s = await stored(sReg, 'out/img', 'v1');
    const f = await stored(fReg, 'out/img', 'v1');
    assert.equal(f.json.mediaType, OCI_INDEX);
    assert.deepEqual(
      f.json.manifests?.map((m) => m.mediaType),
      [OCI_MANIFEST, OCI_MANIFEST],
    );
    assert.equal(f.bytes.toString('utf8'), s.bytes.toString('utf8'));
    for (const child of f.json.manifests ?? []) {
      const fc = await stored(fReg, 'out/img', child.digest);
      const sc = await stored(sReg, 'out/img', child.digest);
      assert.equal(fc.status, 200);
      assert.equal(fc.bytes.toString('utf8'), sc.bytes.toString('utf8'));
    }
  });

  test('one platform of a list (--override-arch/--override-variant) with --format oci: the same image bytes as skopeo', async () => {
    const flags = ['--override-arch', 'arm', '--override-variant', 'v7', '--format', 'oci'];
    const { skopeo, ferry, sReg, fReg } = await both(flags, 'src/list:v1');
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal(ferry.code, 0, ferry.stderr);
    const s = await stored(sReg, 'out/img', 'v1');
    const f = await stored(fReg, 'out/img', 'v1');
    assert.equal(f.json.mediaType, OCI_MANIFEST);
    assert.equal(f.bytes.toString('utf8'), s.bytes.toString('utf8'));
  });

  test('--format oci into an oci: layout: the same manifest as skopeo writes there', async () => {
    const dirs = [join(rig.dir, 'layout-skopeo'), join(rig.dir, 'layout-ferry')];
    const from = `docker://${src.host}/src/docker:v1`;
    const skopeo = await runSkopeo([
      'copy',
      '--src-tls-verify=false',
      '--format',
      'oci',
      from,
      `oci:${dirs[0]}:v1`,
    ]);
    assert.equal(skopeo.code, 0, skopeo.stderr);
    const ferry = await runFerry([
      'copy',
      '--src-tls-verify=false',
      '--format',
      'oci',
      from,
      `oci:${dirs[1]}:v1`,
    ]);
    assert.equal(ferry.code, 0, ferry.stderr);
    const s = await layoutManifest(dirs[0]!, 'v1');
    const f = await layoutManifest(dirs[1]!, 'v1');
    assert.equal(f.toString('utf8'), s.toString('utf8'));
    assert.equal(JSON.parse(f.toString('utf8')).mediaType, OCI_MANIFEST);
  });

  test('a Docker config with Docker-only fields converts to the config skopeo writes; the uncompressed layer is gzipped as skopeo does', async () => {
    const { skopeo, ferry, sReg, fReg } = await both(['--format', 'oci'], 'src/mixed:v1');
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal(ferry.code, 0, ferry.stderr);
    const s = await stored(sReg, 'out/img', 'v1');
    const f = await stored(fReg, 'out/img', 'v1');
    assert.equal(f.json.config.digest, s.json.config.digest);
    assert.deepEqual(
      f.json.layers.map((l) => l.mediaType),
      s.json.layers.map((l) => l.mediaType),
    );
    // The gzip layer is untouched by both; the compressed-on-the-fly one holds the same tar.
    assert.equal(f.json.layers[1]!.digest, s.json.layers[1]!.digest);
    assert.deepEqual(await uncompressedDigests(fReg, 'out/img', f), mixed.diffIds);
    assert.deepEqual(await uncompressedDigests(sReg, 'out/img', s), mixed.diffIds);
    assert.deepEqual(await diffIdsOf(fReg, 'out/img', f), mixed.diffIds);
  });

  test('--format v2s1 is refused before anything is written (skopeo fails at the registry)', async () => {
    const { skopeo, ferry, fReg } = await both(['--format', 'v2s1'], 'src/docker:v1');
    assert.notEqual(skopeo.code, 0);
    assert.equal(ferry.code, 2);
    assert.match(ferry.stderr, /--format v2s1 is not supported: Docker schema 1 is deprecated/);
    assert.doesNotMatch(ferry.stderr, NO_STACK);
    assert.equal((await stored(fReg, 'out/img', 'v1')).status, 404);
  });

  test('an unknown --format names the value (exit 2), as skopeo names it', async () => {
    const { skopeo, ferry } = await both(['--format', 'v3'], 'src/docker:v1');
    assert.notEqual(skopeo.code, 0);
    assert.match(skopeo.stderr, /unknown format \\"v3\\"/);
    assert.equal(ferry.code, 2);
    assert.match(ferry.stderr, /unknown format "v3"\. Choose one of the supported formats/);
  });
});

describe('conversion into an HTTPS registry with htpasswd auth (self-signed CA)', () => {
  test('--format oci: the config skopeo writes and the same tars; --dest-compress-format zstd: the same tars', async () => {
    const authFile = join(rig.dir, 'tls-auth.json');
    await writeFile(authFile, JSON.stringify(authJson(skopeoAuths([tls]))), { mode: 0o600 });
    const from = `docker://${src.host}/src/mixed:v1`;
    const skopeo = await runSkopeo(
      [
        'copy',
        '--src-tls-verify=false',
        '--dest-cert-dir',
        tls.certDir!,
        '--format',
        'oci',
        from,
        `docker://${tls.host}/s/img:v1`,
      ],
      { auths: skopeoAuths([tls]) },
    );
    assert.equal(skopeo.code, 0, skopeo.stderr);
    const ferryArgs = [
      'copy',
      '--src-tls-verify=false',
      '--dest-cert-dir',
      tls.certDir!,
      '--dest-authfile',
      authFile,
    ];
    const oci = await runFerry([...ferryArgs, '--format', 'oci', from, `docker://${tls.host}/f/img:v1`]);
    assert.equal(oci.code, 0, oci.stderr);
    const zstd = await runFerry([
      ...ferryArgs,
      '--dest-compress-format',
      'zstd',
      from,
      `docker://${tls.host}/z/img:v1`,
    ]);
    assert.equal(zstd.code, 0, zstd.stderr);
    const s = await stored(tls, 's/img', 'v1');
    const f = await stored(tls, 'f/img', 'v1');
    assert.equal(f.json.config.digest, s.json.config.digest);
    assert.deepEqual(await uncompressedDigests(tls, 'f/img', f), mixed.diffIds);
    const z = await stored(tls, 'z/img', 'v1');
    assert.deepEqual(
      z.json.layers.map((l) => l.mediaType),
      ['application/vnd.oci.image.layer.v1.tar+zstd', 'application/vnd.oci.image.layer.v1.tar+zstd'],
    );
    assert.deepEqual(await uncompressedDigests(tls, 'z/img', z), mixed.diffIds);
  });
});

describe('copy --dest-compress* (layer re-encoding, skopeo as oracle)', () => {
  test('--dest-compress-format zstd: zstd layers, OCI manifest (skopeo falls back from v2s2), same tars, same config', async () => {
    const { skopeo, ferry, sReg, fReg } = await both(['--dest-compress-format', 'zstd'], 'src/mixed:v1');
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal(ferry.code, 0, ferry.stderr);
    const s = await stored(sReg, 'out/img', 'v1');
    const f = await stored(fReg, 'out/img', 'v1');
    assert.equal(f.json.mediaType, s.json.mediaType);
    assert.equal(f.json.mediaType, OCI_MANIFEST);
    assert.deepEqual(
      f.json.layers.map((l) => l.mediaType),
      ['application/vnd.oci.image.layer.v1.tar+zstd', 'application/vnd.oci.image.layer.v1.tar+zstd'],
    );
    assert.deepEqual(
      s.json.layers.map((l) => l.mediaType),
      f.json.layers.map((l) => l.mediaType),
    );
    assert.equal(f.json.config.digest, s.json.config.digest);
    assert.deepEqual(await uncompressedDigests(fReg, 'out/img', f), mixed.diffIds);
    assert.deepEqual(await uncompressedDigests(sReg, 'out/img', s), mixed.diffIds);

    // Each reads the other's result: skopeo copies ferry's zstd image back to gzip, ferry skopeo's.
    const back = await rig.startRegistry();
    const sBack = await runSkopeo([
      'copy',
      ...INSECURE,
      '--dest-compress-format',
      'gzip',
      `docker://${fReg.host}/out/img:v1`,
      `docker://${back.host}/from-ferry/img:v1`,
    ]);
    assert.equal(sBack.code, 0, sBack.stderr);
    const fBack = await runFerry([
      'copy',
      ...INSECURE,
      '--dest-compress-format',
      'gzip',
      `docker://${sReg.host}/out/img:v1`,
      `docker://${back.host}/from-skopeo/img:v1`,
    ]);
    assert.equal(fBack.code, 0, fBack.stderr);
    for (const repo of ['from-ferry/img', 'from-skopeo/img']) {
      const m = await stored(back, repo, 'v1');
      assert.deepEqual(
        m.json.layers.map((l) => l.mediaType),
        ['application/vnd.oci.image.layer.v1.tar+gzip', 'application/vnd.oci.image.layer.v1.tar+gzip'],
        repo,
      );
      assert.deepEqual(await uncompressedDigests(back, repo, m), mixed.diffIds, repo);
    }
  });

  test('--dest-compress --dest-compress-format=zstd into oci: (skopeo systemtest "copy: oci, zstd"): zstd blobs and layer type for both', async () => {
    const from = `docker://${src.host}/src/docker:v1`;
    const flags = ['--src-tls-verify=false', '--dest-compress', '--dest-compress-format=zstd'];
    for (const [name, run] of [
      ['skopeo', (dir: string) => runSkopeo(['copy', ...flags, from, `oci:${dir}:latest`])],
      ['ferry', (dir: string) => runFerry(['copy', ...flags, from, `oci:${dir}:latest`])],
    ] as const) {
      const dir = join(rig.dir, `zstd-layout-${name}`);
      const result = await run(dir);
      assert.equal(result.code, 0, `${name}: ${result.stderr}`);
      const blobs = join(dir, 'blobs', 'sha256');
      const heads = await Promise.all(
        (await readdir(blobs)).map(async (f) => (await readFile(join(blobs, f))).subarray(0, 4)),
      );
      assert.ok(
        heads.some((h) => h.equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))),
        `${name}: a blob starts with the zstd magic number`,
      );
      const manifest = JSON.parse((await layoutManifest(dir, 'latest')).toString('utf8'));
      assert.equal(manifest.layers[0].mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd', name);
    }
  });

  test("a list converted without --all: this host's platform only, as skopeo; with --all every image", async () => {
    // skopeo's systemtest "copy: oci, zstd" copies multi-arch busybox this way and reads
    // index.json's manifests[0] as an image manifest.
    const from = `docker://${src.host}/src/list:v1`;
    const flags = ['--src-tls-verify=false', '--dest-compress', '--dest-compress-format=zstd'];
    const host = list.images.find((i) => i.platform.architecture === 'amd64');
    for (const [name, run] of [
      [
        'skopeo',
        (dir: string, extra: string[]) => runSkopeo(['copy', ...flags, ...extra, from, `oci:${dir}:latest`]),
      ],
      [
        'ferry',
        (dir: string, extra: string[]) => runFerry(['copy', ...flags, ...extra, from, `oci:${dir}:latest`]),
      ],
    ] as const) {
      const dir = join(rig.dir, `zstd-list-${name}`);
      const result = await run(dir, []);
      assert.equal(result.code, 0, `${name}: ${result.stderr}`);
      const manifest = JSON.parse((await layoutManifest(dir, 'latest')).toString('utf8'));
      assert.equal(manifest.mediaType, OCI_MANIFEST, name);
      assert.equal(manifest.layers.length, host?.manifest.layers.length, name);
      assert.equal(manifest.layers[0].mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd', name);
      const all = join(rig.dir, `zstd-list-all-${name}`);
      const withAll = await run(all, ['--all']);
      assert.equal(withAll.code, 0, `${name}: ${withAll.stderr}`);
      const index = JSON.parse((await layoutManifest(all, 'latest')).toString('utf8'));
      assert.equal(index.mediaType, OCI_INDEX, name);
      assert.equal(index.manifests.length, 2, name);
    }
  });

  test('--dest-compress-level 9 compresses the uncompressed layer only; gzip layers keep their digest', async () => {
    const { skopeo, ferry, sReg, fReg } = await both(['--dest-compress-level', '9'], 'src/mixed:v1');
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal(ferry.code, 0, ferry.stderr);
    const s = await stored(sReg, 'out/img', 'v1');
    const f = await stored(fReg, 'out/img', 'v1');
    assert.equal(f.json.mediaType, DOCKER_MANIFEST);
    assert.deepEqual(
      f.json.layers.map((l) => l.mediaType),
      s.json.layers.map((l) => l.mediaType),
    );
    assert.equal(f.json.layers[1]!.digest, s.json.layers[1]!.digest);
    assert.equal(f.json.config.digest, s.json.config.digest);
    assert.deepEqual(await uncompressedDigests(fReg, 'out/img', f), mixed.diffIds);
  });

  test('--dest-decompress on a registry destination changes nothing, as in skopeo (a warning says so)', async () => {
    const { skopeo, ferry, sReg, fReg } = await both(['--dest-decompress'], 'src/docker:v1');
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal(ferry.code, 0, ferry.stderr);
    assert.match(ferry.stderr, /--dest-decompress has no effect on docker: destinations/);
    assert.equal((await stored(fReg, 'out/img', 'v1')).digest, dockerImage.manifestDigest);
    assert.equal((await stored(sReg, 'out/img', 'v1')).digest, dockerImage.manifestDigest);
  });

  test('zstd with a forced --format v2s2 fails for both; nothing is written', async () => {
    const { skopeo, ferry, sReg, fReg } = await both(
      ['--format', 'v2s2', '--dest-compress-format', 'zstd'],
      'src/docker:v1',
    );
    assert.notEqual(skopeo.code, 0);
    assert.match(skopeo.stderr, /zstd compression is not supported/);
    assert.equal(ferry.code, 2);
    assert.match(ferry.stderr, /--dest-compress-format zstd cannot be combined with --format v2s2/);
    assert.equal((await stored(sReg, 'out/img', 'v1')).status, 404);
    assert.equal((await stored(fReg, 'out/img', 'v1')).status, 404);
  });

  test('an unknown compression format names the value (exit 2); skopeo refuses it too', async () => {
    const { skopeo, ferry } = await both(['--dest-compress-format', 'lz4'], 'src/docker:v1');
    assert.notEqual(skopeo.code, 0);
    assert.match(skopeo.stderr, /cannot find compressor for \\"lz4\\"/);
    assert.equal(ferry.code, 2);
    assert.match(ferry.stderr, /cannot find compressor for "lz4"/);
  });
});

describe('--preserve-digests with a conversion', () => {
  test('a list that would be converted: refused by both, nothing written', async () => {
    const { skopeo, ferry, sReg, fReg } = await both(
      ['--preserve-digests', '--format', 'oci', '--all'],
      'src/list:v1',
    );
    assert.notEqual(skopeo.code, 0);
    assert.match(skopeo.stderr, /Instructed to preserve digests/);
    assert.equal(ferry.code, 2);
    assert.match(
      ferry.stderr,
      /--preserve-digests: copying .* would need converting Docker schema 2 \(v2s2\) to OCI/,
    );
    assert.equal((await stored(sReg, 'out/img', 'v1')).status, 404);
    assert.equal((await stored(fReg, 'out/img', 'v1')).status, 404);
  });

  test('a single image: ferry refuses where skopeo 1.9.3 silently writes the unconverted image', async () => {
    const { skopeo, ferry, sReg, fReg } = await both(
      ['--preserve-digests', '--format', 'oci'],
      'src/docker:v1',
    );
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal((await stored(sReg, 'out/img', 'v1')).digest, dockerImage.manifestDigest);
    assert.equal(ferry.code, 2);
    assert.match(ferry.stderr, /--preserve-digests: .* which changes its digest \[FERRY_E_BAD_USAGE\]/);
    assert.equal((await stored(fReg, 'out/img', 'v1')).status, 404);
  });

  test('nothing to convert (already OCI): both copy, digest preserved', async () => {
    const { skopeo, ferry, sReg, fReg } = await both(['--preserve-digests', '--format', 'oci'], 'src/oci:v1');
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal(ferry.code, 0, ferry.stderr);
    assert.equal((await stored(sReg, 'out/img', 'v1')).digest, ociImage.manifestDigest);
    assert.equal((await stored(fReg, 'out/img', 'v1')).digest, ociImage.manifestDigest);
  });
});

describe('conversion safety', () => {
  test('corrupt source bytes under re-encoding: exit 1, digest error, destination tag never created', async () => {
    const proxy = await rig.startFaultProxy(src.url);
    // The uncompressed layer (20000 bytes) is compressed on the fly; its GET is corrupted.
    proxy.addFault({ method: 'GET', path: /\/blobs\/sha256:/, kind: 'corrupt', times: Infinity });
    const dest = await rig.startRegistry();
    const run = await runFerry([
      'copy',
      ...INSECURE,
      '--retry-times',
      '0',
      '--format',
      'oci',
      `docker://${proxy.host}/src/mixed:v1`,
      `docker://${dest.host}/out/img:v1`,
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /FERRY_E_DIGEST_MISMATCH|FERRY_E_UNSUPPORTED_CONVERSION/);
    assert.doesNotMatch(run.stderr, NO_STACK);
    assert.equal((await stored(dest, 'out/img', 'v1')).status, 404);
  });

  test('a destination named by digest cannot receive a converted image: exit 2, no manifest written', async () => {
    const dest = await rig.startRegistry();
    const run = await runFerry([
      'copy',
      ...INSECURE,
      '--format',
      'oci',
      `docker://${src.host}/src/docker:v1`,
      `docker://${dest.host}/out/img@${dockerImage.manifestDigest}`,
    ]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /the destination names digest sha256:[0-9a-f]{64}: copying .* would need converting Docker schema 2 \(v2s2\) to OCI/,
    );
    assert.equal((await stored(dest, 'out/img', dockerImage.manifestDigest)).status, 404);
  });

  test('a second identical conversion uploads nothing new and gives the same digest', async () => {
    const dest = await rig.startRegistry();
    const args = [
      'copy',
      ...INSECURE,
      '--json',
      '--dest-compress-format',
      'zstd',
      `docker://${src.host}/src/mixed:v1`,
    ];
    const first = await runFerry([...args, `docker://${dest.host}/out/img:v1`]);
    assert.equal(first.code, 0, first.stderr);
    const second = await runFerry([...args, `docker://${dest.host}/out/img:v1`]);
    assert.equal(second.code, 0, second.stderr);
    const a = JSON.parse(first.stdout) as { digest: string; bytes: { copied: number } };
    const b = JSON.parse(second.stdout) as { digest: string; upToDate: boolean; bytes: { copied: number } };
    assert.equal(b.digest, a.digest);
    assert.ok(a.bytes.copied > 0);
    assert.equal(b.bytes.copied, 0);
    assert.equal(b.upToDate, true);
  });
});

describe('conversion memory', () => {
  test('re-encoding a 128 MiB layer streams: peak RSS stays far below the layer size plus the baseline', async () => {
    const big = await rig.buildImage({ layers: [128 * 1024 * 1024], seed: 'fc-big' });
    await pushImage(src, 'src/big', 'v1', big);
    const dest = await rig.startRegistry();
    const run = await runCommand(
      '/usr/bin/time',
      [
        '-f',
        'maxrss_kb=%M',
        FERRY_BIN,
        'copy',
        ...INSECURE,
        '--dest-compress-format',
        'zstd',
        `docker://${src.host}/src/big:v1`,
        `docker://${dest.host}/out/big:v1`,
      ],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' }, timeoutMs: 300_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    const rssMiB = Number(/maxrss_kb=(\d+)/.exec(run.stderr)?.[1]) / 1024;
    // A plain copy peaks near 90 MiB (bench: big-layer); holding the layer would add 128 MiB.
    assert.ok(rssMiB < 180, `peak RSS ${rssMiB.toFixed(0)} MiB`);
    const m = await stored(dest, 'out/big', 'v1');
    assert.equal(m.json.layers[0]!.mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd');
  });
});

describe('sync --format (skopeo as oracle)', () => {
  test('sync --format oci of a repository: the same manifest digest as skopeo sync', async () => {
    const [sReg, fReg] = await Promise.all([rig.startRegistry(), rig.startRegistry()]);
    const args = [
      '--src',
      'docker',
      '--dest',
      'docker',
      ...INSECURE,
      '--format',
      'oci',
      `${src.host}/src/docker`,
    ];
    const skopeo = await runSkopeo(['sync', ...args, `${sReg.host}/mirror`]);
    assert.equal(skopeo.code, 0, skopeo.stderr);
    const ferry = await runFerry(['sync', ...args, `${fReg.host}/mirror`]);
    assert.equal(ferry.code, 0, ferry.stderr);
    // Where each puts the image is sync's naming (not this feature's): take the one repository each wrote.
    const [sRepo, fRepo] = await Promise.all([onlyRepository(sReg), onlyRepository(fReg)]);
    const s = await stored(sReg, sRepo, 'v1');
    const f = await stored(fReg, fRepo, 'v1');
    assert.equal(s.status, 200, `skopeo wrote ${sRepo}:v1`);
    assert.equal(f.json.mediaType, OCI_MANIFEST);
    assert.equal(f.digest, s.digest);
  });
});
