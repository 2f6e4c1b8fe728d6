import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildCosignSignature, buildImage, buildIndex, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { runSkopeo, skopeoAuths, skopeoDigest } from '../rig/skopeo.ts';
import { runFerry } from '../support/run-ferry.ts';

const rig = await withRig({ after }, { tokenTls: true });
const anon = rig.anonymous!;
const tls = rig.basicTls!;
const tok = rig.token!;
const image = await buildImage({ layers: [20_000, 500_000], seed: 'cli' });
await pushImage(anon, 'team/app', 'v1', image);
const index = buildIndex(
  [
    await buildImage({ layers: [1000], seed: 'cli-amd', platform: { os: 'linux', architecture: 'amd64' } }),
    await buildImage({ layers: [1001], seed: 'cli-arm', platform: { os: 'linux', architecture: 'arm64' } }),
  ],
  { oci: true },
);
await pushImage(anon, 'team/multi', 'v1', index);

async function authFile(name: string, entries: Record<string, { username: string; password: string }>) {
  const auths: Record<string, { auth: string }> = {};
  for (const [host, { username, password }] of Object.entries(entries)) {
    auths[host] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  }
  const path = join(rig.dir, name);
  await writeFile(path, JSON.stringify({ auths }), { mode: 0o600 });
  return path;
}

const NO_STACK = /\n\s+at .+:\d+:\d+/;

describe('ferry copy (CLI)', () => {
  test('--version is fast to answer and names the version', async () => {
    const run = await runFerry(['--version']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^ferry version \d+\.\d+\.\d+/);
  });

  test('copies to an htpasswd+TLS registry with an auth file and CA dir; --json and --digestfile', async () => {
    const auth = await authFile('tls-auth.json', {
      [tls.host]: { username: tls.username!, password: tls.password! },
    });
    const digestFile = join(rig.dir, 'digest.txt');
    const run = await runFerry([
      'copy',
      '--src-tls-verify=false',
      '--dest-cert-dir',
      tls.certDir!,
      '--dest-authfile',
      auth,
      '--json',
      '--digestfile',
      digestFile,
      `docker://${anon.host}/team/app:v1`,
      `docker://${tls.host}/prod/app:v1`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as {
      digest: string;
      blobs: { copied: number };
      bytes: { copied: number };
    };
    assert.equal(summary.digest, image.manifestDigest);
    assert.equal(summary.blobs.copied, 3);
    assert.equal(await readFile(digestFile, 'utf8'), image.manifestDigest);
    // Not a TTY: one line per blob, no escape codes.
    assert.match(run.stderr, /Blob sha256:[0-9a-f]{12} .*: copied/);
    assert.ok(!run.stderr.includes('\u001b['), 'no escape codes');
    assert.equal(
      await skopeoDigest(`${tls.host}/prod/app:v1`, { registry: tls, auths: skopeoAuths([tls]) }),
      image.manifestDigest,
    );
  });

  test('TLS verification is on by default: an unknown CA fails with a hint, exit 1', async () => {
    const run = await runFerry([
      'copy',
      '--src-tls-verify=false',
      `docker://${anon.host}/team/app:v1`,
      `docker://${tls.host}/x/app:v1`,
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /FERRY_E_TLS/);
    assert.match(run.stderr, /--src-cert-dir\/--dest-cert-dir/);
    assert.doesNotMatch(run.stderr, NO_STACK);
  });

  test('service-account token file: used as the password, re-read after rotation', async () => {
    const tokenFile = join(rig.dir, 'sa-token');
    await writeFile(tokenFile, `${rig.issuer!.addServiceAccountToken('first-token-abc123')}\n`);
    const args = (dest: string) => [
      'copy',
      '--src-tls-verify=false',
      '--dest-cert-dir',
      tok.certDir!,
      '--dest-token-file',
      tokenFile,
      `docker://${anon.host}/team/app:v1`,
      `docker://${tok.host}/ns/${dest}:v1`,
    ];
    const first = await runFerry(args('one'));
    assert.equal(first.code, 0, first.stderr);
    // Rotate: the old token stops working, the file gets the new one.
    rig.issuer!.acceptedPasswords.delete('first-token-abc123');
    const fresh = rig.issuer!.addServiceAccountToken('second-token-def456');
    const stale = await runFerry(args('two'));
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /FERRY_E_AUTH/);
    assert.doesNotMatch(stale.stderr, /first-token-abc123/);
    await writeFile(tokenFile, fresh);
    const rotated = await runFerry(args('two'));
    assert.equal(rotated.code, 0, rotated.stderr);
    const got = await rigGetManifest(tok, 'ns/two', 'v1');
    assert.equal(got.digest, image.manifestDigest);
  });

  test('--dest-password-stdin keeps the password out of argv; a wrong one is never echoed', async () => {
    const good = await runFerry(
      [
        'copy',
        '--src-tls-verify=false',
        '--dest-cert-dir',
        tls.certDir!,
        '--dest-creds',
        tls.username!,
        '--dest-password-stdin',
        `docker://${anon.host}/team/app:v1`,
        `docker://${tls.host}/stdin/app:v1`,
      ],
      { input: `${tls.password}\n` },
    );
    assert.equal(good.code, 0, good.stderr);
    const bad = await runFerry(
      [
        'copy',
        '--src-tls-verify=false',
        '--dest-cert-dir',
        tls.certDir!,
        '--dest-creds',
        tls.username!,
        '--dest-password-stdin',
        `docker://${anon.host}/team/app:v1`,
        `docker://${tls.host}/stdin/app:v2`,
      ],
      { input: 'Sup3r-Wr0ng-Secret\n' },
    );
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /FERRY_E_AUTH/);
    assert.doesNotMatch(bad.stderr + bad.stdout, /Sup3r-Wr0ng-Secret/);
  });

  test('bad input exits 2 naming the value; missing image exits 1 naming the reference', async () => {
    const badRef = await runFerry([
      'copy',
      'docker://Registry.example/Team/App:v1',
      `docker://${anon.host}/x:v1`,
    ]);
    assert.equal(badRef.code, 2);
    assert.match(badRef.stderr, /Team\/App/);
    assert.match(badRef.stderr, /FERRY_E_BAD_REFERENCE/);
    assert.doesNotMatch(badRef.stderr, NO_STACK);

    const noTransport = await runFerry(['copy', `${anon.host}/team/app:v1`, `docker://${anon.host}/x:v1`]);
    assert.equal(noTransport.code, 2);
    assert.match(noTransport.stderr, /docker:\/\//);

    const injection = await runFerry([
      'copy',
      'docker://example.com/app:$(id)',
      `docker://${anon.host}/x:v1`,
    ]);
    assert.equal(injection.code, 2);

    const unknownFlag = await runFerry(['copy', '--dest-frobnicate', 'docker://a/b:c', 'docker://d/e:f']);
    assert.equal(unknownFlag.code, 2);

    const badPlatform = await runFerry([
      'copy',
      '--platform',
      'linux',
      `docker://${anon.host}/team/multi:v1`,
      `docker://${anon.host}/y:v1`,
    ]);
    assert.equal(badPlatform.code, 2);
    assert.match(badPlatform.stderr, /"linux"/);

    const missing = await runFerry([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${anon.host}/team/nope:v9`,
      `docker://${anon.host}/x/nope:v9`,
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /team\/nope:v9/);
    assert.doesNotMatch(missing.stderr, NO_STACK);
  });

  test('--platform selects a subset and warns that the digest changes; --quiet prints nothing', async () => {
    const run = await runFerry([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--platform',
      'linux/arm64',
      `docker://${anon.host}/team/multi:v1`,
      `docker://${anon.host}/arm/only:v1`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Warning: .*differs from the source index/);
    const quiet = await runFerry([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--quiet',
      `docker://${anon.host}/team/multi:v1`,
      `docker://${anon.host}/all/multi:v1`,
    ]);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stdout + quiet.stderr, '');
    assert.equal((await rigGetManifest(anon, 'all/multi', 'v1')).digest, index.manifestDigest);
  });

  test('cosign signatures travel by default; --no-signatures and --remove-signatures leave them; --all is accepted', async () => {
    const signed = await buildImage({ layers: [3_000], seed: 'cli-signed' });
    after(() => signed.dispose());
    await pushImage(anon, 'cli-signed/app', 'v1', signed);
    const sig = buildCosignSignature(signed.manifestDigest, `${anon.host}/cli-signed/app`);
    await pushImage(anon, 'cli-signed/app', sig.tag!, sig);
    const copy = (to: string, ...flags: string[]) =>
      runFerry([
        'copy',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        '--quiet',
        ...flags,
        `docker://${anon.host}/cli-signed/app:v1`,
        `docker://${anon.host}/${to}:v1`,
      ]);
    const cases: [string, string[], boolean][] = [
      ['sig-default/app', ['--all'], true],
      ['sig-none/app', ['--no-signatures'], false],
      ['sig-removed/app', ['--remove-signatures=true'], false],
    ];
    for (const [to, flags, expectSig] of cases) {
      const run = await copy(to, ...flags);
      assert.equal(run.code, 0, `${flags.join(' ')}: ${run.stderr}`);
      assert.equal((await rigGetManifest(anon, to, 'v1')).digest, signed.manifestDigest);
      const got = await rigGetManifest(anon, to, sig.tag!);
      assert.equal(got.status === 200, expectSig, `${flags.join(' ')}: signature tag status ${got.status}`);
    }
  });
});

describe('ferry inspect / list-tags / digest (CLI)', () => {
  test('inspect matches skopeo inspect fields; --raw prints the exact manifest bytes', async () => {
    const run = await runFerry(['inspect', '--tls-verify=false', `docker://${anon.host}/team/app:v1`]);
    assert.equal(run.code, 0, run.stderr);
    const info = JSON.parse(run.stdout) as {
      Name: string;
      Digest: string;
      RepoTags: string[];
      Layers: string[];
      Os: string;
    };
    assert.equal(info.Name, `${anon.host}/team/app`);
    assert.equal(info.Digest, image.manifestDigest);
    assert.deepEqual(info.RepoTags, ['v1']);
    assert.deepEqual(
      info.Layers,
      image.layers.map((l) => l.digest),
    );
    assert.equal(info.Os, 'linux');

    const raw = await runFerry([
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${anon.host}/team/multi:v1`,
    ]);
    assert.equal(raw.code, 0, raw.stderr);
    assert.equal(`sha256:${createHash('sha256').update(raw.stdout).digest('hex')}`, index.manifestDigest);
  });

  test('inspect, inspect --config and --config --raw agree with skopeo run on the same image', async () => {
    const ref = `docker://${anon.host}/team/app:v1`;
    for (const extra of [[], ['--config'], ['--config', '--raw']]) {
      const ours = await runFerry(['inspect', ...extra, '--tls-verify=false', ref]);
      const theirs = await runSkopeo(['inspect', ...extra, '--tls-verify=false', ref]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      if (extra.includes('--raw')) {
        // The config blob byte for byte: its digest is the one the manifest names.
        assert.equal(ours.stdout, theirs.stdout);
        assert.equal(
          `sha256:${createHash('sha256').update(ours.stdout).digest('hex')}`,
          image.configBlob.digest,
        );
      } else if (extra.includes('--config')) {
        assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(theirs.stdout));
      } else {
        // Every field skopeo prints, with the same value. (ferry adds LayersData, which newer skopeo
        // versions print too; Debian's 1.9 does not.)
        const mine = JSON.parse(ours.stdout) as Record<string, unknown>;
        const reference = JSON.parse(theirs.stdout) as Record<string, unknown>;
        assert.ok(Object.keys(reference).length >= 9, theirs.stdout);
        for (const [key, value] of Object.entries(reference)) assert.deepEqual(mine[key], value, key);
      }
    }
  });

  test('list-tags and digest', async () => {
    const tags = await runFerry(['list-tags', '--tls-verify=false', `docker://${anon.host}/team/app`]);
    assert.equal(tags.code, 0, tags.stderr);
    assert.deepEqual(JSON.parse(tags.stdout), { Repository: `${anon.host}/team/app`, Tags: ['v1'] });
    const digest = await runFerry(['digest', '--tls-verify=false', `docker://${anon.host}/team/multi:v1`]);
    assert.equal(digest.code, 0, digest.stderr);
    assert.equal(digest.stdout.trim(), index.manifestDigest);
  });
});
