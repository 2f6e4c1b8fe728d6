/**
 * `dir:` and `docker-archive:` in `ferry copy`, with skopeo as the oracle: the same inputs through
 * both tools give byte-identical directories and archives; each tool reads what the other wrote; the
 * refusals (non-empty targets, --all to an archive, unknown tags) match skopeo's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { buildImage, buildMultiArch, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { runCommand } from '../rig/run-command.ts';
import { runSkopeo } from '../rig/skopeo.ts';
import { FERRY_BIN, runFerry } from '../support/run-ferry.ts';

const rig = await withRig({ after }, { anonymous: true });
const anon = rig.anonymous!;
const single = await buildImage({ layers: [40_000, 3000], seed: `archive-single-${Date.now()}` });
await pushImage(anon, 'team/single', 'v1', single);
const multi = await buildMultiArch(
  [
    { os: 'linux', architecture: 'amd64' },
    { os: 'linux', architecture: 'arm64' },
  ],
  { layers: [20_000, 1500], seed: `archive-multi-${Date.now()}` },
);
await pushImage(anon, 'team/multi', 'v1', multi);
const reg = anon.host;

const path = (name: string) => join(rig.dir, name);
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function skopeo(args: string[]): Promise<void> {
  const r = await runSkopeo(args);
  assert.equal(r.code, 0, `skopeo ${args.join(' ')}: ${r.stderr}`);
}

async function ferry(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runFerry(args);
  assert.equal(r.code, 0, `ferry ${args.join(' ')}: ${r.stderr}`);
  return r;
}

/** Every file of a directory (recursively) with its bytes. */
async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out.set(full.slice(dir.length + 1), await readFile(full));
  }
  return out;
}

function assertSameFiles(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [name, bytes] of expected) assert.ok(actual.get(name)?.equals(bytes), `${name} differs`);
}

async function siblings(name: string): Promise<string[]> {
  return (await readdir(rig.dir)).filter((n) => n.startsWith(`.${name}.`));
}

describe('dir: transport', () => {
  test('registry → dir: gives the same files, byte for byte, as skopeo (single image and --all index)', async () => {
    await ferry([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg}/team/single:v1`,
      `dir:${path('f-single')}`,
    ]);
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg}/team/single:v1`,
      `dir:${path('s-single')}`,
    ]);
    const files = await filesOf(path('f-single'));
    assertSameFiles(files, await filesOf(path('s-single')));
    assert.equal(files.get('version')?.toString(), 'Directory Transport Version: 1.1\n');
    assert.equal(sha256(files.get('manifest.json')!), single.manifestDigest, 'manifest kept as served');

    await ferry([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg}/team/multi:v1`,
      `dir:${path('f-multi')}`,
    ]);
    await skopeo([
      'copy',
      '--all',
      '--src-tls-verify=false',
      `docker://${reg}/team/multi:v1`,
      `dir:${path('s-multi')}`,
    ]);
    const multiFiles = await filesOf(path('f-multi'));
    assertSameFiles(multiFiles, await filesOf(path('s-multi')));
    for (const image of multi.images)
      assert.ok(multiFiles.has(`${image.manifestDigest.slice(7)}.manifest.json`));
  });

  test('one platform of an index into dir: matches skopeo without --all', async () => {
    await ferry([
      'copy',
      '--src-tls-verify=false',
      '--override-arch',
      'arm64',
      `docker://${reg}/team/multi:v1`,
      `dir:${path('f-arm')}`,
    ]);
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      '--override-arch',
      'arm64',
      `docker://${reg}/team/multi:v1`,
      `dir:${path('s-arm')}`,
    ]);
    assertSameFiles(await filesOf(path('f-arm')), await filesOf(path('s-arm')));
  });

  test('a dir: written by skopeo is pushed by ferry with the digest skopeo pushes', async () => {
    const out = await ferry([
      'copy',
      '--dest-tls-verify=false',
      '--json',
      `dir:${path('s-multi')}`,
      `docker://${reg}/from-dir/ferry:v1`,
    ]);
    await skopeo([
      'copy',
      '--all',
      '--dest-tls-verify=false',
      `dir:${path('s-multi')}`,
      `docker://${reg}/from-dir/skopeo:v1`,
    ]);
    const ferryDigest = (await rigGetManifest(anon, 'from-dir/ferry', 'v1')).digest;
    assert.equal(ferryDigest, (await rigGetManifest(anon, 'from-dir/skopeo', 'v1')).digest);
    assert.equal(ferryDigest, multi.manifestDigest);
    assert.equal((JSON.parse(out.stdout) as { digest: string }).digest, multi.manifestDigest);
  });

  test('skopeo reads a dir: written by ferry', async () => {
    const raw = await runSkopeo(['inspect', '--raw', `dir:${path('f-single')}`]);
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal(sha256(raw.stdoutBytes), single.manifestDigest);
    await skopeo(['copy', `dir:${path('f-multi')}`, `dir:${path('s-from-f')}`]);
  });

  test('an unrelated non-empty directory is refused and left as it was; a previous dir: image is replaced', async () => {
    const precious = path('precious');
    await mkdir(precious);
    await writeFile(join(precious, 'notes.txt'), 'keep me');
    const refused = await runFerry([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg}/team/single:v1`,
      `dir:${precious}`,
    ]);
    const skopeoRefused = await runSkopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg}/team/single:v1`,
      `dir:${precious}`,
    ]);
    assert.equal(refused.code, 1);
    assert.equal(skopeoRefused.code, 1);
    assert.match(refused.stderr, /FERRY_E_LAYOUT_NOT_AN_IMAGE_DIR/);
    assert.match(refused.stderr, /precious/);
    assert.deepEqual(await readdir(precious), ['notes.txt']);

    // f-multi holds the index; copying the single image over it replaces everything, as skopeo does.
    await ferry([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg}/team/single:v1`,
      `dir:${path('f-multi')}`,
    ]);
    assertSameFiles(await filesOf(path('f-multi')), await filesOf(path('s-single')));
    assert.deepEqual(await siblings('f-multi'), [], 'no temp directory left');
  });

  test('a failed copy leaves no directory behind; a missing source names the path', async () => {
    const broken = path('broken-src');
    await skopeo(['copy', '--src-tls-verify=false', `docker://${reg}/team/single:v1`, `dir:${broken}`]);
    const layer = single.manifest.layers[0]!.digest.slice(7);
    await writeFile(join(broken, layer), 'tampered');
    const failed = await runFerry(['copy', `dir:${broken}`, `dir:${path('never')}`]);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /FERRY_E_DIGEST_MISMATCH|does not match|bytes/);
    await assert.rejects(stat(path('never')), { code: 'ENOENT' });
    assert.deepEqual(await siblings('never'), []);

    const missing = await runFerry(['copy', `dir:${path('nowhere')}`, `dir:${path('never')}`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nowhere.*no manifest\.json/);
  });
});

describe('docker-archive: transport', () => {
  test('registry → docker-archive:FILE:REF with --additional-tag is byte-identical to skopeo', async () => {
    const args = (out: string) => [
      'copy',
      '--src-tls-verify=false',
      '--additional-tag',
      'extra/name:2',
      '--additional-tag',
      'quay.io/a/b:c,second:tag',
      `docker://${reg}/team/single:v1`,
      `docker-archive:${out}:app:1.0`,
    ];
    await ferry(['copy', '--digestfile', path('f-app.digest'), ...args(path('f-app.tar')).slice(1)]);
    await skopeo(['copy', '--digestfile', path('s-app.digest'), ...args(path('s-app.tar')).slice(1)]);
    const ours = await readFile(path('f-app.tar'));
    assert.ok(ours.equals(await readFile(path('s-app.tar'))), 'archives differ');
    // The digest reported is that of the image as stored (uncompressed layers), as skopeo reports it.
    const digest = await readFile(path('f-app.digest'), 'utf8');
    assert.equal(digest, await readFile(path('s-app.digest'), 'utf8'));
    assert.notEqual(digest, single.manifestDigest);
    assert.deepEqual(await siblings('f-app.tar'), []);
  });

  test('an index source gives the host platform, as skopeo does without --all; --all is refused', async () => {
    await ferry([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg}/team/multi:v1`,
      `docker-archive:${path('f-multi.tar')}`,
    ]);
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg}/team/multi:v1`,
      `docker-archive:${path('s-multi.tar')}`,
    ]);
    assert.ok((await readFile(path('f-multi.tar'))).equals(await readFile(path('s-multi.tar'))));

    const all = await runFerry([
      'copy',
      '--all',
      '--src-tls-verify=false',
      `docker://${reg}/team/multi:v1`,
      `docker-archive:${path('f-all.tar')}`,
    ]);
    const skopeoAll = await runSkopeo([
      'copy',
      '--all',
      '--src-tls-verify=false',
      `docker://${reg}/team/multi:v1`,
      `docker-archive:${path('s-all.tar')}`,
    ]);
    assert.equal(all.code, 2, all.stderr);
    assert.notEqual(skopeoAll.code, 0);
    assert.match(all.stderr, /docker-archive: holds one image/);
    await assert.rejects(stat(path('f-all.tar')), { code: 'ENOENT' });
  });

  test('an existing non-empty archive is refused and unchanged, as skopeo refuses it', async () => {
    const before = await readFile(path('f-app.tar'));
    const out = await runFerry([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg}/team/single:v1`,
      `docker-archive:${path('f-app.tar')}`,
    ]);
    const skopeoOut = await runSkopeo([
      'copy',
      '--src-tls-verify=false',
      `docker://${reg}/team/single:v1`,
      `docker-archive:${path('f-app.tar')}`,
    ]);
    assert.equal(out.code, 1);
    assert.equal(skopeoOut.code, 1);
    assert.match(out.stderr, /FERRY_E_LAYOUT_ARCHIVE_EXISTS/);
    assert.ok((await readFile(path('f-app.tar'))).equals(before));
  });

  test('reading an archive: by name, by @N and alone give the manifest skopeo generates (dir: output identical)', async () => {
    for (const [suffix, name] of [
      [':extra/name:2', 'by-name'],
      [':@0', 'by-index'],
      ['', 'only'],
    ] as const) {
      await ferry(['copy', `docker-archive:${path('s-app.tar')}${suffix}`, `dir:${path(`f-read-${name}`)}`]);
      await skopeo(['copy', `docker-archive:${path('s-app.tar')}${suffix}`, `dir:${path(`s-read-${name}`)}`]);
      assertSameFiles(await filesOf(path(`f-read-${name}`)), await filesOf(path(`s-read-${name}`)));
    }
    // A gzip-compressed archive (docker save | gzip) reads the same.
    await writeFile(path('s-app.tar.gz'), gzipSync(await readFile(path('s-app.tar'))));
    await ferry(['copy', `docker-archive:${path('s-app.tar.gz')}`, `dir:${path('f-read-gz')}`]);
    assertSameFiles(await filesOf(path('f-read-gz')), await filesOf(path('s-read-only')));
  });

  test('archive → registry: same config and layer contents as skopeo; the manifest digest changes in both', async () => {
    // The archive skopeo reads here is made from a dir:, so skopeo's blob cache knows no registry
    // location of the original compressed layers and has to compress them itself, like ferry.
    await skopeo(['copy', `dir:${path('s-single')}`, `docker-archive:${path('from-dir.tar')}:app:1.0`]);
    const pushed = await ferry([
      'copy',
      '--dest-tls-verify=false',
      '--json',
      `docker-archive:${path('from-dir.tar')}:app:1.0`,
      `docker://${reg}/from-archive/ferry:v1`,
    ]);
    await skopeo([
      'copy',
      '--dest-tls-verify=false',
      `docker-archive:${path('from-dir.tar')}:app:1.0`,
      `docker://${reg}/from-archive/skopeo:v1`,
    ]);
    const ours = await rigGetManifest(anon, 'from-archive/ferry', 'v1');
    const theirs = await rigGetManifest(anon, 'from-archive/skopeo', 'v1');
    assert.equal((JSON.parse(pushed.stdout) as { digest: string }).digest, ours.digest);
    assert.notEqual(ours.digest, single.manifestDigest, 'no registry manifest survives docker-archive');
    type M = {
      mediaType: string;
      config: { digest: string; mediaType: string };
      layers: { mediaType: string }[];
    };
    const a = JSON.parse(ours.bytes.toString()) as M;
    const b = JSON.parse(theirs.bytes.toString()) as M;
    assert.equal(a.mediaType, b.mediaType);
    assert.deepEqual(a.config, (b as M).config);
    assert.equal(a.config.digest, single.manifest.config.digest);
    assert.deepEqual(
      a.layers.map((l) => l.mediaType),
      b.layers.map((l) => l.mediaType),
    );
    // Layer contents: pull both with skopeo and compare the uncompressed bytes with the DiffIDs.
    const config = JSON.parse(
      (await readFile(join(path('s-single'), a.config.digest.slice(7)))).toString(),
    ) as {
      rootfs: { diff_ids: string[] };
    };
    for (const repo of ['ferry', 'skopeo']) {
      const out = path(`pulled-${repo}`);
      await skopeo([
        'copy',
        '--src-tls-verify=false',
        `docker://${reg}/from-archive/${repo}:v1`,
        `dir:${out}`,
      ]);
      const manifest = JSON.parse((await readFile(join(out, 'manifest.json'))).toString()) as {
        layers: { digest: string }[];
      };
      const diffIDs = await Promise.all(
        manifest.layers.map(async (l) => sha256(gunzipSync(await readFile(join(out, l.digest.slice(7)))))),
      );
      assert.deepEqual(diffIDs, config.rootfs.diff_ids, `${repo}: layers are the gzip of the DiffIDs`);
    }
  });

  test('an archive can be written to a pipe and read from one (docker save | docker load style)', async () => {
    // Through `sh` so that standard input/output are real pipes (node gives children sockets, which
    // cannot be opened as /dev/stdout — by skopeo either).
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' };
    const piped = path('piped.tar');
    const written = await runCommand(
      'sh',
      [
        '-c',
        `"$0" "$@" | cat > '${piped}'`,
        FERRY_BIN,
        'copy',
        '-q',
        '--src-tls-verify=false',
        '--additional-tag',
        'extra/name:2',
        '--additional-tag',
        'quay.io/a/b:c,second:tag',
        `docker://${reg}/team/single:v1`,
        'docker-archive:/dev/stdout:app:1.0',
      ],
      { env },
    );
    assert.equal(written.code, 0, written.stderr);
    assert.ok((await readFile(piped)).equals(await readFile(path('s-app.tar'))), 'piped archive differs');
    const read = await runCommand(
      'sh',
      [
        '-c',
        `cat '${piped}' | "$0" "$@"`,
        FERRY_BIN,
        'copy',
        '-q',
        'docker-archive:/dev/stdin:second:tag',
        `dir:${path('f-stdin')}`,
      ],
      { env },
    );
    assert.equal(read.code, 0, read.stderr);
    assertSameFiles(await filesOf(path('f-stdin')), await filesOf(path('s-read-by-name')));
  });

  test('skopeo reads an archive written by ferry', async () => {
    await skopeo(['copy', `docker-archive:${path('f-app.tar')}:second:tag`, `dir:${path('s-read-ferry')}`]);
    assertSameFiles(await filesOf(path('s-read-ferry')), await filesOf(path('s-read-by-name')));
  });

  test('errors: unknown tag, index out of range, missing file (exit 1); untagged --additional-tag (exit 2)', async () => {
    const unknown = await runFerry([
      'copy',
      `docker-archive:${path('s-app.tar')}:nope:1`,
      `dir:${path('x1')}`,
    ]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /docker\.io\/library\/nope:1.*not found/);
    const skopeoUnknown = await runSkopeo([
      'copy',
      `docker-archive:${path('s-app.tar')}:nope:1`,
      `dir:${path('x2')}`,
    ]);
    assert.equal(skopeoUnknown.code, 1);

    const index = await runFerry(['copy', `docker-archive:${path('s-app.tar')}:@4`, `dir:${path('x1')}`]);
    assert.equal(index.code, 1);
    assert.match(index.stderr, /@4/);

    const missing = await runFerry(['copy', `docker-archive:${path('none.tar')}`, `dir:${path('x1')}`]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /none\.tar does not exist/);

    const untagged = await runFerry([
      'copy',
      '--additional-tag',
      'no-tag',
      `docker://${reg}/team/single:v1`,
      `docker-archive:${path('x.tar')}`,
    ]);
    assert.equal(untagged.code, 2);
    assert.match(untagged.stderr, /"no-tag" must be a tagged reference/);
    for (const name of ['x1', 'x.tar']) await assert.rejects(stat(path(name)), { code: 'ENOENT' });
  });

  test('list-tags of a docker-archive (plain, gzip, xz: `docker save | xz`) prints the names skopeo prints', async () => {
    const plain = path('two-names.tar');
    await skopeo([
      'copy',
      '--src-tls-verify=false',
      '--additional-tag',
      'example.com/empty/but:different',
      `docker://${reg}/team/single:v1`,
      `docker-archive:${plain}:example.com/empty:latest`,
    ]);
    // `docker save | gzip`, with GNU gzip as users run it.
    const gz = await runCommand('gzip', ['-c', plain]);
    assert.equal(gz.code, 0, gz.stderr);
    await writeFile(path('two-names.tar.gz'), gz.stdoutBytes);
    // Single-threaded xz (skopeo's own test archive) and the multi-block stream threaded xz writes.
    const xz = await runCommand('xz', ['-T1', '-c', plain]);
    assert.equal(xz.code, 0, xz.stderr);
    await writeFile(path('two-names.tar.xz'), xz.stdoutBytes);
    const xzThreads = await runCommand('xz', ['-T2', '--block-size=65536', '-c', plain]);
    assert.equal(xzThreads.code, 0, xzThreads.stderr);
    await writeFile(path('two-names-mt.tar.xz'), xzThreads.stdoutBytes);
    const fromBlocks = await ferry(['list-tags', `docker-archive:${path('two-names-mt.tar.xz')}`]);
    assert.deepEqual(JSON.parse(fromBlocks.stdout).Tags, [
      'example.com/empty:latest',
      'example.com/empty/but:different',
    ]);
    // skopeo 1.9.3 reads compressed archives unreliably here ("invalid tar header" / "unexpected
    // EOF" on the same .gz that passed a moment before): its answer for the plain archive is the
    // expected answer for every compressed form of it.
    const theirs = await runSkopeo(['list-tags', `docker-archive:${plain}`]);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.deepEqual(JSON.parse(theirs.stdout), {
      Tags: ['example.com/empty:latest', 'example.com/empty/but:different'],
    });
    for (const file of ['two-names.tar', 'two-names.tar.gz', 'two-names.tar.xz', 'two-names-mt.tar.xz']) {
      const ours = await ferry(['list-tags', `docker-archive:${path(file)}`]);
      assert.equal(ours.stdout, theirs.stdout, file);
    }
    const missing = await runFerry(['list-tags', `docker-archive:${path('nope.tar')}`]);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /nope\.tar/);
  });
});
