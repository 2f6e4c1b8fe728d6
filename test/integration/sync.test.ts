import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { type BuiltImage, buildImage, buildMultiArch, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest, listTags } from '../rig/rig-client.ts';
import { runSkopeo, skopeoAuths, skopeoDigest } from '../rig/skopeo.ts';
import { runFerry } from '../support/run-ferry.ts';

const rig = await withRig({ after }, { anonymous: true, basicTls: true });
const src = rig.anonymous!;
const dst = rig.basicTls!;

// 10 repositories × 4 tags, every image on the same two base layers plus one layer of its own.
const BASE = [
  { size: 40_000, seed: 'sync-base-0' },
  { size: 20_000, seed: 'sync-base-1' },
];
const TAGS = ['1.0.0', '1.1.0', '2.0.0-rc.1', 'latest'];
const images = new Map<string, BuiltImage>(); // `repo:tag` → image
for (let r = 0; r < 10; r++) {
  for (const [t, tag] of TAGS.entries()) {
    // svc-9 in OCI media types: skopeo's oci: transport only looks up OCI-typed index.json entries
    // (containers/image oci/layout getManifestDescriptor), and ferry never converts (digests stay).
    const image = await buildImage({
      layers: [...BASE, 3000 + r * 10 + t],
      seed: `sync-${r}-${tag}`,
      format: r === 9 ? 'oci' : 'docker',
    });
    images.set(`team-a/svc-${r}:${tag}`, image);
  }
}
// One at a time: distribution's filesystem driver can fail two concurrent uploads of one blob.
for (const [key, image] of images) await pushImage(src, ...splitKey(key), image);

function splitKey(key: string): [string, string] {
  const i = key.lastIndexOf(':');
  return [key.slice(0, i), key.slice(i + 1)];
}

const authFile = join(rig.dir, 'sync-auth.json');
await writeFile(
  authFile,
  JSON.stringify({
    auths: { [dst.host]: { auth: Buffer.from(`${dst.username}:${dst.password}`).toString('base64') } },
  }),
  { mode: 0o600 },
);
const DEST_FLAGS = ['--src-tls-verify=false', '--dest-cert-dir', dst.certDir!, '--dest-authfile', authFile];

async function syncFile(name: string, body: string): Promise<string> {
  const path = join(rig.dir, name);
  await writeFile(path, body);
  return path;
}

interface Summary {
  images: {
    source: string;
    destination: string;
    status: string;
    digest?: string;
    bytes: { copied: number };
  }[];
  counts: Record<string, number>;
  bytes: { copied: number; mounted: number; skipped: number };
}

const YAML = `
${src.host}:
  tls-verify: false
  images:
    team-a/svc-0: []            # every tag
    team-a/svc-1: ["1.0.0"]
  images-by-tag-regex:
    team-a/svc-2: ^1\\.           # 1.0.0, 1.1.0
    team-a/svc-4: .              # every tag
    team-a/svc-5: .
    team-a/svc-6: .
  images-by-semver:
    team-a/svc-3: ">= 1.1.0, < 2" # 1.1.0 only (2.0.0-rc.1 is a prerelease)
  rename:
    team-a/svc-6: special/six
`;
const EXPECTED: [string, string][] = [
  ...TAGS.map((t): [string, string] => [`team-a/svc-0:${t}`, `mirror/svc-0:${t}`]),
  ['team-a/svc-1:1.0.0', 'mirror/svc-1:1.0.0'],
  ['team-a/svc-2:1.0.0', 'mirror/svc-2:1.0.0'],
  ['team-a/svc-2:1.1.0', 'mirror/svc-2:1.1.0'],
  ...[4, 5].flatMap((r) =>
    TAGS.map((t): [string, string] => [`team-a/svc-${r}:${t}`, `mirror/svc-${r}:${t}`]),
  ),
  ...TAGS.map((t): [string, string] => [`team-a/svc-6:${t}`, `mirror/special/six:${t}`]),
  ['team-a/svc-3:1.1.0', 'mirror/svc-3:1.1.0'],
];

/** Bytes of the distinct blobs of the expected images (each should cross once), and of all of them. */
function expectedBytes(): { distinct: number; all: number } {
  const distinct = new Map<string, number>();
  let all = 0;
  for (const [key] of EXPECTED) {
    for (const b of images.get(key)!.blobs) {
      distinct.set(b.digest, b.size);
      all += b.size;
    }
  }
  return { distinct: [...distinct.values()].reduce((a, b) => a + b, 0), all };
}

/** `ferry sync --src yaml --dest docker FILE DEST` with the rig's TLS/auth flags, JSON summary parsed. */
async function syncYaml(file: string, dest: string, ...flags: string[]) {
  const run = await runFerry([
    'sync',
    ...DEST_FLAGS,
    ...flags,
    '--json',
    '--src',
    'yaml',
    '--dest',
    'docker',
    file,
    dest,
  ]);
  // With --json the failures are in the summary on stdout.
  assert.equal(run.code, 0, run.stderr + run.stdout);
  return JSON.parse(run.stdout) as Summary;
}

describe('ferry sync', () => {
  test('dry run plans 20+ images and writes nothing', async () => {
    const file = await syncFile('plan.yaml', YAML);
    const summary = await syncYaml(file, `${dst.host}/mirror`, '--dry-run');
    assert.equal(summary.images.length, EXPECTED.length);
    assert.ok(EXPECTED.length >= 20);
    assert.equal(summary.counts.planned, EXPECTED.length);
    // Each distinct blob is planned for transfer once; the rest are mounts or already there.
    const bytes = expectedBytes();
    assert.equal(summary.bytes.copied, bytes.distinct);
    assert.equal(summary.bytes.copied + summary.bytes.mounted + summary.bytes.skipped, bytes.all);
    assert.ok(summary.bytes.mounted >= 6 * 60_000, 'base layers mounted into other repositories');
    assert.deepEqual(await listTags(dst, 'mirror/svc-0'), []);
  });

  test('syncs regex/semver/list selections in parallel, with rename; shared blobs transferred once', async () => {
    const file = await syncFile('sync.yaml', YAML);
    const summary = await syncYaml(file, `${dst.host}/mirror`);
    assert.equal(summary.counts.copied, EXPECTED.length);
    assert.equal(
      summary.bytes.copied,
      expectedBytes().distinct,
      'every distinct blob crossed the wire exactly once',
    );
    for (const [from, to] of EXPECTED) {
      const [repo, tag] = splitKey(to);
      const got = await getManifest(dst, repo, tag);
      assert.equal(got.digest, images.get(from)!.manifestDigest, `${from} → ${to}`);
    }
    assert.deepEqual(await listTags(dst, 'mirror/svc-3'), ['1.1.0']);
    // skopeo, the oracle, reads the same digest.
    assert.equal(
      await skopeoDigest(`${dst.host}/mirror/special/six:latest`, {
        registry: dst,
        auths: skopeoAuths([dst]),
      }),
      images.get('team-a/svc-6:latest')!.manifestDigest,
    );

    const second = await syncYaml(file, `${dst.host}/mirror`);
    assert.equal(second.counts['up-to-date'], EXPECTED.length);
    assert.equal(second.bytes.copied, 0);
  });

  test('--skip-existing leaves a present tag alone; without it the moved tag is synced', async () => {
    const moved = await buildImage({ layers: [...BASE, 777], seed: 'sync-moved' });
    await pushImage(src, 'team-a/svc-7', '1.0.0', images.get('team-a/svc-7:1.0.0')!);
    const args = [
      'sync',
      ...DEST_FLAGS,
      '--src',
      'docker',
      '--dest',
      'docker',
      '--json',
      `${src.host}/team-a/svc-7:1.0.0`,
      `${dst.host}/skip`,
    ];
    assert.equal((await runFerry(args)).code, 0);
    await pushImage(src, 'team-a/svc-7', '1.0.0', moved);
    const skipped = await runFerry([...args, '--skip-existing']);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.equal((JSON.parse(skipped.stdout) as Summary).counts.skipped, 1);
    assert.equal(
      (await getManifest(dst, 'skip/svc-7', '1.0.0')).digest,
      images.get('team-a/svc-7:1.0.0')!.manifestDigest,
    );
    const synced = await runFerry(args);
    assert.equal(synced.code, 0, synced.stderr);
    assert.equal((await getManifest(dst, 'skip/svc-7', '1.0.0')).digest, moved.manifestDigest);
  });

  test('a failing image stops new work without --keep-going; with it every other image is synced', async () => {
    const file = await syncFile(
      'failing.yaml',
      `${src.host}:\n  tls-verify: false\n  images:\n    team-a/svc-8: ["does-not-exist", "1.0.0", "1.1.0", "latest"]\n`,
    );
    const base = ['sync', ...DEST_FLAGS, '--parallel-images', '1', '--src', 'yaml', '--dest', 'docker', file];
    const stop = await runFerry([...base, `${dst.host}/fail-fast`]);
    assert.equal(stop.code, 1);
    assert.match(stop.stderr, /FAILED IMAGE \| ERROR/);
    assert.match(stop.stderr, /team-a\/svc-8:does-not-exist \| .*not found.*\[FERRY_E_NOT_FOUND\]/);
    assert.match(stop.stderr, /3 not started/);
    assert.deepEqual(await listTags(dst, 'fail-fast/svc-8'), []);

    const keepGoing = await runFerry([...base, '--keep-going', `${dst.host}/keep-going`]);
    assert.equal(keepGoing.code, 1);
    assert.match(keepGoing.stderr, /3 copied, 0 up to date, 0 skipped, 1 failed/);
    assert.deepEqual((await listTags(dst, 'keep-going/svc-8')).sort(), ['1.0.0', '1.1.0', 'latest']);
  });

  test('--keep-going: a repository that cannot be listed is reported, the others are synced', async () => {
    const file = await syncFile(
      'missing-repo.yaml',
      `${src.host}:\n  tls-verify: false\n  images:\n    team-a/nope: []\n    team-a/svc-1: ["1.0.0"]\n`,
    );
    const run = await runFerry([
      'sync',
      ...DEST_FLAGS,
      '--keep-going',
      '--src',
      'yaml',
      '--dest',
      'docker',
      file,
      `${dst.host}/missing-repo`,
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /1 copied, 0 up to date, 0 skipped, 1 failed/);
    assert.match(run.stderr, /team-a\/nope \| /);
    assert.deepEqual(await listTags(dst, 'missing-repo/svc-1'), ['1.0.0']);
  });

  test('platforms in the sync file copy that platform only (its own digest)', async () => {
    const multi = await buildMultiArch(
      [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
      ],
      { layers: [5000], seed: 'sync-multi', oci: true },
    );
    await pushImage(src, 'team-a/multi', 'v1', multi);
    const file = await syncFile(
      'platforms.yaml',
      `${src.host}:\n  tls-verify: false\n  platforms: [linux/arm64]\n  images:\n    team-a/multi: [v1]\n`,
    );
    const run = await runFerry([
      'sync',
      ...DEST_FLAGS,
      '--src',
      'yaml',
      '--dest',
      'docker',
      file,
      `${dst.host}/platforms`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const arm = multi.images.find((i) => i.platform.architecture === 'arm64')!;
    assert.equal((await getManifest(dst, 'platforms/multi', 'v1')).digest, arm.manifestDigest);
  });

  test('a bad sync file exits 2 naming file, line and key, and copies nothing', async () => {
    const file = await syncFile(
      'bad.yaml',
      `${src.host}:\n  images:\n    team-a/svc-0: []\n  images-by-semver:\n    team-a/svc-1: ">= banana"\n  tls-verfy: false\n`,
    );
    const run = await runFerry(['sync', '--src', 'yaml', '--dest', 'docker', file, `${dst.host}/never`]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /bad\.yaml:5:5: .*images-by-semver\.team-a\/svc-1: not a semver constraint/);
    assert.match(run.stderr, /bad\.yaml:6:3: .*tls-verfy: unknown key/);
    assert.match(run.stderr, /FERRY_E_CONFIG/);
    assert.doesNotMatch(run.stderr, /\n\s+at .+:\d+:\d+/);
    assert.deepEqual(await listTags(dst, 'never/svc-0'), []);
  });

  test('air gap: registry → oci-archive → registry with identical digests; skopeo reads the archive', async () => {
    const file = await syncFile(
      'airgap.yaml',
      `${src.host}:\n  tls-verify: false\n  images:\n    team-a/svc-9: []\n    team-a/svc-1: ["1.0.0", "latest"]\n`,
    );
    const archive = join(rig.dir, 'airgap.tar');
    const out = await runFerry(['sync', '--src', 'yaml', '--dest', `oci-archive:${archive}`, file]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Synced 6 images from 2 sources: 6 copied/);
    const inspect = await runSkopeo([
      'inspect',
      '--format',
      '{{.Digest}}',
      `oci-archive:${archive}:team-a/svc-9:1.1.0`,
    ]);
    assert.equal(inspect.code, 0, inspect.stderr);

    const back = await runFerry([
      'sync',
      ...DEST_FLAGS,
      '--json',
      '--src',
      `oci-archive:${archive}`,
      '--dest',
      'docker',
      `${dst.host}/airgap`,
    ]);
    assert.equal(back.code, 0, back.stderr + back.stdout);
    assert.doesNotMatch(
      back.stderr,
      /Warning/,
      'no runtime warnings (e.g. listeners piling up per archive entry)',
    );
    assert.equal((JSON.parse(back.stdout) as Summary).counts.copied, 6);
    for (const key of [
      ...TAGS.map((t) => `team-a/svc-9:${t}`),
      'team-a/svc-1:1.0.0',
      'team-a/svc-1:latest',
    ]) {
      const [repo, tag] = splitKey(key);
      assert.equal(
        (await getManifest(dst, `airgap/${repo}`, tag)).digest,
        images.get(key)!.manifestDigest,
        key,
      );
    }
  });

  test('concurrent syncs into one oci: layout keep every index.json entry', async () => {
    const dir = join(rig.dir, 'shared-layout');
    const runs = await Promise.all(
      [0, 4, 5].map((r) =>
        runFerry([
          'sync',
          '--src-tls-verify=false',
          '--src',
          'docker',
          '--dest',
          'oci',
          `${src.host}/team-a/svc-${r}`,
          dir,
        ]),
      ),
    );
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as {
      manifests: { annotations?: Record<string, string> }[];
    };
    const names = index.manifests.map((m) => m.annotations?.['org.opencontainers.image.ref.name']).sort();
    assert.deepEqual(names, [0, 4, 5].flatMap((r) => TAGS.map((t) => `team-a/svc-${r}:${t}`)).sort());
  });

  test('destination names as skopeo sync gives them: the last component; --scoped keeps the whole path, a port as _port', async () => {
    const auths = skopeoAuths([dst]);
    for (const scoped of [false, true]) {
      const flags = scoped ? ['--scoped'] : [];
      const common = [
        '--src-tls-verify=false',
        '--dest-cert-dir',
        dst.certDir!,
        '--src',
        'docker',
        '--dest',
        'docker',
      ];
      const skopeo = await runSkopeo(
        ['sync', ...common, ...flags, `${src.host}/team-a/svc-1`, `${dst.host}/by-skopeo-${scoped}`],
        { auths },
      );
      if (scoped) {
        // skopeo joins the source registry into the destination as is; its ":port" makes the
        // reference invalid. ferry writes the port as "_port" instead (see destination-name.ts).
        assert.equal(skopeo.code, 1);
        assert.match(skopeo.stderr, /invalid reference format/);
      } else assert.equal(skopeo.code, 0, skopeo.stderr);
      const ferry = await runFerry([
        'sync',
        ...common,
        '--dest-authfile',
        authFile,
        ...flags,
        `${src.host}/team-a/svc-1`,
        `${dst.host}/by-ferry-${scoped}`,
      ]);
      assert.equal(ferry.code, 0, ferry.stderr);
      const path = scoped ? `${src.host.replace(':', '_')}/team-a/svc-1` : 'svc-1';
      for (const tool of scoped ? ['ferry'] : ['skopeo', 'ferry']) {
        const repo = `by-${tool}-${scoped}/${path}`;
        assert.deepEqual((await listTags(dst, repo)).sort(), [...TAGS].sort(), `${tool} ${repo}`);
      }
      for (const tag of TAGS) {
        assert.equal(
          (await getManifest(dst, `by-ferry-${scoped}/${path}`, tag)).digest,
          images.get(`team-a/svc-1:${tag}`)!.manifestDigest,
        );
      }
    }
  });

  test('two source repositories that would land in one destination repository are refused before copying', async () => {
    await pushImage(src, 'team-b/svc-1', '1.0.0', images.get('team-a/svc-1:1.0.0')!);
    const file = await syncFile(
      'collide.yaml',
      `${src.host}:\n  tls-verify: false\n  images:\n    team-a/svc-1: ["1.0.0"]\n    team-b/svc-1: ["1.0.0"]\n`,
    );
    const run = await runFerry([
      'sync',
      ...DEST_FLAGS,
      '--src',
      'yaml',
      '--dest',
      'docker',
      file,
      `${dst.host}/collide`,
    ]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /team-a\/svc-1 and .*team-b\/svc-1 would both be synced to repository collide\/svc-1/,
    );
    assert.deepEqual(await listTags(dst, 'collide/svc-1'), []);
  });

  test("--dry-run reports in skopeo sync's words: what would be copied from where to where, and the count", async () => {
    const dir = join(rig.dir, 'dry-run-dir');
    const args = [
      'sync',
      '--dry-run',
      '--src',
      'docker',
      '--dest',
      'dir',
      '--scoped',
      '--src-tls-verify=false',
    ];
    const ref = `${src.host}/team-a/svc-1:1.0.0`;
    const scopedPath = `${src.host.replace(':', '_')}/team-a/svc-1:1.0.0`;
    const ferry = await runFerry([...args, ref, dir]);
    // ferry writes nothing in a dry run, not even the destination directory (skopeo creates it).
    await assert.rejects(readdir(dir), /ENOENT/);
    const skopeo = await runSkopeo([...args, ref, dir]);
    assert.equal(skopeo.code, 0, skopeo.stderr);
    assert.equal(ferry.code, 0, ferry.stderr);
    for (const [tool, out, path] of [
      ['skopeo', skopeo.stderr, `${src.host}/team-a/svc-1:1.0.0`],
      ['ferry', ferry.stderr, scopedPath],
    ] as const) {
      assert.match(out, /Would have copied image/, tool);
      assert.ok(out.includes(`from="docker://${ref}" to="dir:${dir}/${path}"`), `${tool}: ${out}`);
      assert.match(out, /Would have synced 1 images from 1 sources/, tool);
    }
  });
});
