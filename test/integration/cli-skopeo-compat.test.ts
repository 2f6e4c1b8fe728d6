/**
 * skopeo 1.9 command-line compatibility, with skopeo as the oracle: the same command line is run by
 * ferry and by skopeo against the same real registries (plain HTTP, HTTPS+basic auth, HTTPS+token
 * auth), and their stdout, the wording scripts grep for on stderr, and their exit status are compared.
 * Where ferry deliberately differs (exit 2 for bad input where skopeo exits 1; `LayersData`, which
 * skopeo prints from 1.10 on), the test says so.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { buildImage, buildIndex, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { runSkopeo } from '../rig/skopeo.ts';
import { runFerry } from '../support/run-ferry.ts';

const rig = await withRig({ after }, { tokenTls: true });
const anon = rig.anonymous!;
const tls = rig.basicTls!;
const tok = rig.token!;
const image = await buildImage({
  layers: [3000, 4000],
  seed: 'skopeo-compat',
  labels: { version: '1.2', 'b.label': 'x<y>&z' },
});
await pushImage(anon, 'team/app', 'v1', image);
await pushImage(anon, 'team/app', 'v2', image);
await pushImage(tls, 'team/app', 'v1', image);
const arm = await buildImage({
  layers: [1000],
  seed: 'compat-arm',
  platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
});
const index = buildIndex(
  [
    await buildImage({
      layers: [1001],
      seed: 'compat-amd',
      platform: { os: 'linux', architecture: 'amd64' },
    }),
    arm,
  ],
  { oci: true },
);
await pushImage(anon, 'team/multi', 'v1', index);

const APP = `docker://${anon.host}/team/app:v1`;
const MULTI = `docker://${anon.host}/team/multi:v1`;
const NO_STACK = /\n\s+at .+:\d+:\d+/;

interface Env {
  env?: Record<string, string>;
  input?: string;
}

/** The same command line, run by ferry and by skopeo (hermetic environments, same extra env). */
async function both(args: string[], opts: Env = {}) {
  const [ours, theirs] = await Promise.all([
    runFerry(args, { env: opts.env, input: opts.input }),
    runSkopeo(args, { env: opts.env, input: opts.input }),
  ]);
  assert.doesNotMatch(ours.stderr, NO_STACK, 'no stack trace');
  return { ours, theirs };
}

async function authFile(name: string, entries: Record<string, { username: string; password: string }>) {
  const auths: Record<string, { auth: string }> = {};
  for (const [host, { username, password }] of Object.entries(entries)) {
    auths[host] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  }
  const path = join(rig.dir, name);
  await writeFile(path, JSON.stringify({ auths }), { mode: 0o600 });
  return path;
}

/** inspect JSON without `LayersData` (skopeo 1.10+ prints it, 1.9 does not). */
function withoutLayersData(stdout: string): Record<string, unknown> {
  const parsed = JSON.parse(stdout) as Record<string, unknown>;
  delete parsed.LayersData;
  return parsed;
}

describe('--no-X flags mean what they mean in skopeo', () => {
  test('inspect --no-tags, -n and --no-tags=false list the tags skopeo lists', async () => {
    for (const [flags, tags] of [
      [['--no-tags'], []],
      [['-n'], []],
      [['--no-tags=false'], ['v1', 'v2']],
    ] as const) {
      const { ours, theirs } = await both(['inspect', ...flags, '--tls-verify=false', APP]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.deepEqual(withoutLayersData(ours.stdout).RepoTags, tags, flags.join(' '));
      assert.deepEqual(withoutLayersData(ours.stdout), withoutLayersData(theirs.stdout), flags.join(' '));
    }
  });

  test('--no-creds, --src-no-creds and --dest-no-creds leave an auth file with valid credentials unused', async () => {
    const env = {
      REGISTRY_AUTH_FILE: await authFile('no-creds.json', {
        [tls.host]: { username: tls.username!, password: tls.password! },
      }),
    };
    const ref = `docker://${tls.host}/team/app:v1`;
    const certDir = tls.certDir!;
    const withCreds = await both(['inspect', '--cert-dir', certDir, ref], { env });
    assert.equal(withCreds.ours.code, 0, withCreds.ours.stderr);
    assert.equal(withCreds.theirs.code, 0, withCreds.theirs.stderr);

    for (const args of [
      ['inspect', '--no-creds', '--cert-dir', certDir, ref],
      ['list-tags', '--no-creds', '--cert-dir', certDir, `docker://${tls.host}/team/app`],
      ['delete', '--no-creds', '--cert-dir', certDir, ref],
      [
        'copy',
        '--src-no-creds',
        '--src-cert-dir',
        certDir,
        '--dest-tls-verify=false',
        ref,
        `docker://${anon.host}/no-creds/src:v1`,
      ],
      [
        'copy',
        '--dest-no-creds',
        '--src-tls-verify=false',
        '--dest-cert-dir',
        certDir,
        APP,
        `docker://${tls.host}/no-creds/dest:v1`,
      ],
    ]) {
      const { ours, theirs } = await both(args, { env });
      assert.equal(theirs.code, 1, `skopeo ${args.join(' ')}: ${theirs.stderr}`);
      assert.equal(ours.code, 1, `ferry ${args.join(' ')}: ${ours.stderr}`);
      assert.match(ours.stderr, /unauthorized: authentication required/, args.join(' '));
    }
    assert.equal((await rigGetManifest(anon, 'no-creds/src', 'v1')).status, 404);
    assert.equal((await rigGetManifest(tls, 'no-creds/dest', 'v1')).status, 404);
    // The image is still there: delete --no-creds deleted nothing.
    assert.equal((await rigGetManifest(tls, 'team/app', 'v1')).status, 200);
  });
});

describe('global options', () => {
  test('--override-arch/--os/--variant select from an index before or after the command', async () => {
    for (const args of [
      ['--override-arch', 'arm64', 'inspect', '--tls-verify=false', MULTI],
      ['inspect', '--override-arch=arm64', '--override-variant', 'v8', '--tls-verify=false', MULTI],
      ['--override-os', 'linux', 'inspect', '--override-arch', 'arm64', '--tls-verify=false', MULTI],
    ]) {
      const { ours, theirs } = await both(args);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(theirs.code, 0, theirs.stderr);
      const mine = withoutLayersData(ours.stdout);
      assert.deepEqual(mine, withoutLayersData(theirs.stdout), args.join(' '));
      assert.equal(mine.Architecture, 'arm64');
    }
    const { ours, theirs } = await both(['--override-arch', 's390x', 'inspect', '--tls-verify=false', MULTI]);
    assert.equal(ours.code, 1);
    assert.equal(theirs.code, 1);
    // skopeo's log line escapes the quotes.
    const wording = /no image found in image index for architecture s390x, variant \\?"\\?", OS linux/;
    assert.match(theirs.stderr, wording);
    assert.match(ours.stderr, wording);
  });

  test('copy --override-arch copies the chosen platform, as skopeo does', async () => {
    const run = (repo: string) => [
      '--override-arch',
      'arm64',
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      MULTI,
      `docker://${anon.host}/${repo}:v1`,
    ];
    const [ours, theirs] = await Promise.all([
      runFerry(run('override/ours')),
      runSkopeo(run('override/theirs')),
    ]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal((await rigGetManifest(anon, 'override/ours', 'v1')).digest, arm.manifestDigest);
    assert.equal((await rigGetManifest(anon, 'override/theirs', 'v1')).digest, arm.manifestDigest);
  });

  test('--debug, --insecure-policy, --policy, --registries.d and --tmpdir are accepted where skopeo takes them', async () => {
    const policy = join(rig.dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const dir = join(rig.dir, 'globals');
    await mkdir(dir, { recursive: true });
    const globals = [
      '--debug',
      '--insecure-policy',
      '--policy',
      policy,
      '--registries.d',
      dir,
      '--tmpdir',
      dir,
    ];
    for (const args of [
      [...globals, 'inspect', '--tls-verify=false', '--format', '{{.Digest}}', APP],
      ['inspect', ...globals, '--tls-verify=false', '--format', '{{.Digest}}', APP],
    ]) {
      const { ours, theirs } = await both(args);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout, theirs.stdout);
      assert.equal(ours.stdout, `${image.manifestDigest}\n`);
    }
  });

  test('--command-timeout aborts a command that takes longer, exit 1, like skopeo', async () => {
    // A "registry" that accepts connections and never answers.
    const sockets = new Set<Socket>();
    const server = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const started = Date.now();
      const { ours, theirs } = await both([
        '--command-timeout',
        '1s',
        'inspect',
        '--tls-verify=false',
        `docker://127.0.0.1:${port}/team/app:v1`,
      ]);
      assert.ok(Date.now() - started < 30_000, 'both gave up well before the test timeout');
      assert.equal(theirs.code, 1, theirs.stderr);
      assert.equal(ours.code, 1, ours.stderr);
      assert.match(theirs.stderr, /context deadline exceeded/);
      assert.match(ours.stderr, /context deadline exceeded/);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('login, logout and delete', () => {
  test('login/logout write the same auth.json as skopeo, where skopeo and podman look for it', async () => {
    const dirs = { ours: join(rig.dir, 'login-ours'), theirs: join(rig.dir, 'login-theirs') };
    await Promise.all(Object.values(dirs).map((d) => mkdir(d, { recursive: true })));
    const envFor = (dir: string) => ({ XDG_RUNTIME_DIR: dir, REGISTRY_AUTH_FILE: '', DOCKER_CONFIG: '' });
    const file = (dir: string) => join(dir, 'containers', 'auth.json');
    const pair = async (args: string[], input?: string) => {
      const [ours, theirs] = await Promise.all([
        runFerry(args, { env: envFor(dirs.ours), input }),
        runSkopeo(args, { env: envFor(dirs.theirs), input }),
      ]);
      return { ours, theirs };
    };
    const certDir = tls.certDir!;

    for (const key of [tls.host, `${tls.host}/team`]) {
      const { ours, theirs } = await pair(
        ['login', '--cert-dir', certDir, '-u', tls.username!, '--password-stdin', key],
        `${tls.password}\n`,
      );
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout, theirs.stdout);
      assert.equal(ours.stdout, 'Login Succeeded!\n');
    }
    assert.equal(await readFile(file(dirs.ours), 'utf8'), await readFile(file(dirs.theirs), 'utf8'));
    assert.equal((await stat(file(dirs.ours))).mode & 0o777, 0o600);

    // A wrong password is refused by the registry and changes nothing.
    const before = await readFile(file(dirs.ours), 'utf8');
    const wrong = await pair(
      ['login', '--cert-dir', certDir, '-u', tls.username!, '--password-stdin', tls.host],
      'nope\n',
    );
    assert.equal(wrong.theirs.code, 1);
    assert.equal(wrong.ours.code, 1);
    assert.match(wrong.theirs.stderr, /logging into \\?".+\\?": invalid username\/password/);
    assert.match(wrong.ours.stderr, /logging into ".+": invalid username\/password/);
    assert.equal(await readFile(file(dirs.ours), 'utf8'), before);

    // Each reads the file the other wrote.
    const read = [
      'inspect',
      '--cert-dir',
      certDir,
      '--format',
      '{{.Digest}}',
      `docker://${tls.host}/team/app:v1`,
    ];
    const skopeoReadsOurs = await runSkopeo(read, { env: envFor(dirs.ours) });
    const ferryReadsTheirs = await runFerry(read, { env: envFor(dirs.theirs) });
    assert.equal(skopeoReadsOurs.stdout, `${image.manifestDigest}\n`, skopeoReadsOurs.stderr);
    assert.equal(ferryReadsTheirs.stdout, `${image.manifestDigest}\n`, ferryReadsTheirs.stderr);

    const getLogin = await pair(['login', '--get-login', tls.host]);
    assert.equal(getLogin.ours.stdout, `${tls.username}\n`);
    assert.equal(getLogin.ours.stdout, getLogin.theirs.stdout);
    const notLoggedIn = await pair(['login', '--get-login', 'elsewhere.example']);
    assert.equal(notLoggedIn.theirs.code, 1);
    assert.equal(notLoggedIn.ours.code, 1);
    assert.match(notLoggedIn.ours.stderr, /not logged into elsewhere.example/);

    for (const expected of [0, 1]) {
      const { ours, theirs } = await pair(['logout', `${tls.host}/team`]);
      assert.equal(theirs.code, expected, theirs.stderr);
      assert.equal(ours.code, expected, ours.stderr);
      assert.equal(ours.stdout, theirs.stdout);
      if (expected === 1) assert.match(ours.stderr, /not logged into/);
    }
    assert.equal(await readFile(file(dirs.ours), 'utf8'), await readFile(file(dirs.theirs), 'utf8'));
    const all = await pair(['logout', '--all']);
    assert.equal(all.ours.stdout, 'Removed login credentials for all registries\n');
    assert.equal(all.ours.stdout, all.theirs.stdout);
    assert.equal(await readFile(file(dirs.ours), 'utf8'), await readFile(file(dirs.theirs), 'utf8'));
  });

  test('login through a token registry checks the password at the token server; --authfile keeps other keys', async () => {
    const ours = join(rig.dir, 'token-login.json');
    await writeFile(ours, JSON.stringify({ auths: {}, ferryKeep: { x: 1 } }));
    const theirs = join(rig.dir, 'token-login-theirs.json');
    await writeFile(theirs, JSON.stringify({ auths: {} }));
    const args = (file: string) => [
      'login',
      '--authfile',
      file,
      '--cert-dir',
      tok.certDir!,
      '-u',
      'ci',
      '--password-stdin',
      tok.host,
    ];
    const good = await Promise.all([
      runFerry(args(ours), { input: rig.saToken! }),
      runSkopeo(args(theirs), { input: rig.saToken! }),
    ]);
    assert.equal(good[1].code, 0, good[1].stderr);
    assert.equal(good[0].code, 0, good[0].stderr);
    const written = JSON.parse(await readFile(ours, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(written.ferryKeep, { x: 1 });
    assert.deepEqual(written.auths, JSON.parse(await readFile(theirs, 'utf8')).auths);
    const bad = await Promise.all([
      runFerry(args(ours), { input: 'not-a-token' }),
      runSkopeo(args(theirs), { input: 'not-a-token' }),
    ]);
    assert.equal(bad[1].code, 1);
    assert.equal(bad[0].code, 1);
    assert.match(bad[0].stderr, /invalid username\/password/);
  });

  test('delete resolves a tag to its digest and deletes the manifest (all its tags), like skopeo delete', async () => {
    for (const repo of ['del/ours', 'del/theirs']) {
      await pushImage(anon, repo, 'a', image);
      await pushImage(anon, repo, 'b', image);
    }
    const [ours, theirs] = await Promise.all([
      runFerry(['delete', '--tls-verify=false', `docker://${anon.host}/del/ours:a`]),
      runSkopeo(['delete', '--tls-verify=false', `docker://${anon.host}/del/theirs:a`]),
    ]);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(ours.code, 0, ours.stderr);
    for (const repo of ['del/ours', 'del/theirs'])
      for (const tag of ['a', 'b'])
        assert.equal((await rigGetManifest(anon, repo, tag)).status, 404, `${repo}:${tag}`);
    const again = await Promise.all([
      runFerry(['delete', '--tls-verify=false', `docker://${anon.host}/del/ours:a`]),
      runSkopeo(['delete', '--tls-verify=false', `docker://${anon.host}/del/theirs:a`]),
    ]);
    assert.equal(again[1].code, 1);
    assert.equal(again[0].code, 1);
    assert.match(again[0].stderr, /manifest unknown/);
  });

  test('delete on an authenticated registry (token, scope *) with an auth file', async () => {
    await pushImage(tok, 'del/tok', 'a', image);
    const env = {
      REGISTRY_AUTH_FILE: await authFile('delete-token.json', {
        [tok.host]: { username: 'ci', password: rig.saToken! },
      }),
    };
    const run = await runFerry(['delete', '--cert-dir', tok.certDir!, `docker://${tok.host}/del/tok:a`], {
      env,
    });
    assert.equal(run.code, 0, run.stderr);
    const gone = await runSkopeo(['inspect', '--cert-dir', tok.certDir!, `docker://${tok.host}/del/tok:a`], {
      env,
    });
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /manifest unknown/);
  });
});

describe('inspect output', () => {
  test('--format prints exactly what skopeo prints', async () => {
    for (const format of [
      '{{.Digest}}',
      '{{.Name}}:{{.Architecture}}/{{.Os}}',
      '{{index .Labels "version"}}',
      '{{.Created}}',
      '{{.Labels}} {{.RepoTags}} {{.Env}}',
      '{{range .RepoTags}}{{.}}\\n{{end}}',
      '{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}',
      'Name: {{.Name}} Digest: {{.Digest}}',
      '{{if eq .Architecture "amd64"}}x86{{else}}other{{end}} {{len .Layers}} {{.Labels.nope}}',
      // Tab-separated cells aligned by Go's tabwriter (the last line has no tab: see below).
      '{{.Digest}}\\t{{.Os}}\\n{{.Name}}\\t{{printf "%d layers" (len .Layers)}}\\nend',
      '{{json .}}',
      'json',
    ]) {
      const { ours, theirs } = await both(['inspect', '--tls-verify=false', '--format', format, APP]);
      assert.equal(theirs.code, 0, `skopeo ${format}: ${theirs.stderr}`);
      assert.equal(ours.code, 0, `ferry ${format}: ${ours.stderr}`);
      if (format.includes('json'))
        assert.deepEqual(withoutLayersData(ours.stdout), withoutLayersData(theirs.stdout));
      else assert.equal(ours.stdout, theirs.stdout, format);
    }
    // skopeo 1.9 never flushes its tabwriter: when the last line has a tab, it prints nothing at all.
    // ferry prints the aligned lines (a deliberate difference, docs/skopeo-compatibility.md).
    const tabbed = await both([
      'inspect',
      '--tls-verify=false',
      '--format',
      '{{.Os}}\\t{{len .Layers}}',
      APP,
    ]);
    assert.equal(tabbed.theirs.stdout, '');
    assert.equal(tabbed.ours.stdout, 'linux   2\n');
    const config = await both([
      'inspect',
      '--config',
      '--tls-verify=false',
      '-f',
      '{{.Config.Labels}} {{.OS}} {{.RootFS.Type}}',
      APP,
    ]);
    assert.equal(config.ours.stdout, config.theirs.stdout);
  });

  test('a template skopeo cannot run fails in ferry too (exit 2: bad input), printing nothing', async () => {
    for (const format of ['{{json .Labels}}', '{{.Nope}}', '{{if .Name}}']) {
      const { ours, theirs } = await both(['inspect', '--tls-verify=false', '--format', format, APP]);
      assert.equal(theirs.code, 1, format);
      assert.equal(ours.code, 2, format);
      assert.equal(ours.stdout, '');
      assert.match(ours.stderr, /--format/);
    }
    const unsupported = await runFerry([
      'inspect',
      '--tls-verify=false',
      '--format',
      '{{template "x"}}',
      APP,
    ]);
    assert.equal(unsupported.code, 2);
    assert.match(unsupported.stderr, /\{\{template\}\} is not supported by ferry/);
  });

  test('inspect and --config JSON match skopeo field for field, in order, Go escaping included', async () => {
    for (const extra of [[], ['--config']]) {
      const { ours, theirs } = await both(['inspect', ...extra, '--tls-verify=false', APP]);
      assert.equal(ours.code, 0, ours.stderr);
      if (extra.length > 0) {
        assert.equal(ours.stdout, theirs.stdout);
        continue;
      }
      const mine = withoutLayersData(ours.stdout);
      const reference = JSON.parse(theirs.stdout) as Record<string, unknown>;
      assert.deepEqual(Object.keys(mine), Object.keys(reference));
      assert.equal(JSON.stringify(mine), JSON.stringify(reference));
      assert.match(ours.stdout, /x\\u003cy\\u003e\\u0026z/);
      assert.match(theirs.stdout, /x\\u003cy\\u003e\\u0026z/);
    }
  });

  test('inspect reads OCI layouts and archives as skopeo does (no Name, no tags)', async () => {
    const dir = join(rig.dir, 'inspect-layout');
    const archive = join(rig.dir, 'inspect-layout.tar');
    for (const target of [`oci:${dir}:multi`, `oci-archive:${archive}:multi`]) {
      const made = await runSkopeo(['copy', '--all', '--src-tls-verify=false', MULTI, target]);
      assert.equal(made.code, 0, made.stderr);
      for (const extra of [
        [],
        ['--override-arch', 'arm64'],
        ['--config'],
        ['--raw'],
        ['-f', '{{.Name}}|{{.RepoTags}}|{{.Architecture}}'],
      ]) {
        const { ours, theirs } = await both(['inspect', ...extra, target]);
        assert.equal(theirs.code, 0, theirs.stderr);
        assert.equal(ours.code, 0, ours.stderr);
        if (extra.length === 0 || extra[0] === '--override-arch') {
          assert.equal(
            JSON.stringify(withoutLayersData(ours.stdout)),
            JSON.stringify(JSON.parse(theirs.stdout)),
          );
          assert.equal(withoutLayersData(ours.stdout).Name, undefined);
        } else {
          assert.equal(ours.stdout, theirs.stdout, `${target} ${extra.join(' ')}`);
        }
      }
    }
    const missing = await both(['inspect', `oci:${dir}:nope`]);
    assert.equal(missing.theirs.code, 1);
    assert.equal(missing.ours.code, 1);
    assert.match(missing.ours.stderr, /no descriptor found for reference "nope"/);
  });

  test('missing images and refused credentials are reported in skopeo words', async () => {
    const missing = await both(['inspect', '--tls-verify=false', `docker://${anon.host}/team/nonesuch`]);
    assert.equal(missing.theirs.code, 1);
    assert.equal(missing.ours.code, 1);
    assert.match(missing.theirs.stderr, /manifest unknown: manifest unknown/);
    assert.match(missing.ours.stderr, /manifest unknown: manifest unknown/);
    const denied = await both(['inspect', '--cert-dir', tls.certDir!, `docker://${tls.host}/team/app:v1`]);
    assert.equal(denied.theirs.code, 1);
    assert.equal(denied.ours.code, 1);
    assert.match(denied.theirs.stderr, /unauthorized: authentication required/);
    assert.match(denied.ours.stderr, /unauthorized: authentication required/);
  });
});

describe('copy output, aliases, manifest-digest', () => {
  test('copy prints skopeo report lines on standard output; -q prints none', async () => {
    const run = (repo: string, quiet: boolean) => [
      'copy',
      ...(quiet ? ['-q'] : []),
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      APP,
      `docker://${anon.host}/${repo}:v1`,
    ];
    const [ours, theirs] = await Promise.all([
      runFerry(run('lines/ours', false)),
      runSkopeo(run('lines/theirs', false)),
    ]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0, theirs.stderr);
    // The same lines: Getting image source signatures, Copying blob (each layer), Copying config,
    // Writing manifest to image destination, Storing signatures. The blob lines may come in another
    // order (ferry starts the largest blobs first).
    const lines = (text: string) => text.trimEnd().split('\n');
    assert.deepEqual(lines(ours.stdout).sort(), lines(theirs.stdout).sort());
    for (const at of [0, -2, -1]) assert.equal(lines(ours.stdout).at(at), lines(theirs.stdout).at(at));
    for (const layer of image.layers) assert.ok(ours.stdout.includes(`Copying blob ${layer.digest}\n`));
    assert.ok(ours.stdout.includes(`Copying config ${image.configBlob.digest}\n`), ours.stdout);
    const quiet = await Promise.all([
      runFerry(run('lines/ours', true)),
      runSkopeo(run('lines/theirs', true)),
    ]);
    assert.equal(quiet[0].stdout, '');
    assert.equal(quiet[0].stdout, quiet[1].stdout);
  });

  test('--dcreds/--screds are --dest-creds/--src-creds; sync -s/-d are --src/--dest', async () => {
    const creds = `${tls.username}:${tls.password}`;
    const push = (repo: string) => [
      'copy',
      '--src-tls-verify=false',
      '--dest-cert-dir',
      tls.certDir!,
      '--dcreds',
      creds,
      APP,
      `docker://${tls.host}/${repo}:v1`,
    ];
    const pushed = await Promise.all([runFerry(push('alias/ours')), runSkopeo(push('alias/theirs'))]);
    assert.equal(pushed[1].code, 0, pushed[1].stderr);
    assert.equal(pushed[0].code, 0, pushed[0].stderr);
    const pull = [
      'inspect',
      '--cert-dir',
      tls.certDir!,
      '--creds',
      creds,
      '-f',
      '{{.Digest}}',
      `docker://${tls.host}/alias/ours:v1`,
    ];
    assert.equal((await runSkopeo(pull)).stdout, `${image.manifestDigest}\n`);
    const back = (repo: string) => [
      'copy',
      '--src-cert-dir',
      tls.certDir!,
      '--screds',
      creds,
      '--dest-tls-verify=false',
      `docker://${tls.host}/alias/ours:v1`,
      `docker://${anon.host}/${repo}:v1`,
    ];
    const pulled = await Promise.all([
      runFerry(back('alias/back-ours')),
      runSkopeo(back('alias/back-theirs')),
    ]);
    assert.equal(pulled[1].code, 0, pulled[1].stderr);
    assert.equal(pulled[0].code, 0, pulled[0].stderr);
    assert.equal((await rigGetManifest(anon, 'alias/back-ours', 'v1')).digest, image.manifestDigest);

    const sync = (dest: string) => [
      'sync',
      '-s',
      'docker',
      '-d',
      'docker',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `${anon.host}/team/app:v1`,
      `${anon.host}/${dest}`,
    ];
    const synced = await Promise.all([runFerry(sync('sync-ours')), runSkopeo(sync('sync-theirs'))]);
    assert.equal(synced[1].code, 0, synced[1].stderr);
    assert.equal(synced[0].code, 0, synced[0].stderr);
    // Both keep only the last path component of the source repository (without --scoped).
    assert.equal((await rigGetManifest(anon, 'sync-ours/app', 'v1')).digest, image.manifestDigest);
    assert.equal((await rigGetManifest(anon, 'sync-theirs/app', 'v1')).digest, image.manifestDigest);
  });

  test('manifest-digest agrees with skopeo, a signed schema 1 manifest included', async () => {
    const plain = join(rig.dir, 'manifest.json');
    await writeFile(plain, image.manifestBytes);
    const body =
      '{\n   "schemaVersion": 1,\n   "name": "team/app",\n   "tag": "v1",\n   "architecture": "amd64",\n   "fsLayers": [],\n   "history": []';
    const header = Buffer.from(
      JSON.stringify({ formatLength: body.length, formatTail: Buffer.from('\n}').toString('base64url') }),
    ).toString('base64url');
    const signed = join(rig.dir, 'schema1.json');
    await writeFile(
      signed,
      `${body},\n   "signatures": [{"header": {"alg": "ES256"}, "signature": "AAAA", "protected": "${header}"}]\n}`,
    );
    for (const file of [plain, signed]) {
      const { ours, theirs } = await both(['manifest-digest', file]);
      assert.equal(theirs.code, 0, theirs.stderr);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(ours.stdout, theirs.stdout);
    }
    assert.equal((await runFerry(['manifest-digest', plain])).stdout, `${image.manifestDigest}\n`);
  });
});

describe('version', () => {
  test('--version names the skopeo version it follows, in the words skopeo --version uses', async () => {
    const [ours, theirs] = await Promise.all([runFerry(['--version']), runSkopeo(['--version'])]);
    const skopeo = /skopeo version ([0-9.]+)/.exec(theirs.stdout)?.[1];
    assert.ok(skopeo, theirs.stdout);
    assert.match(ours.stdout, /^ferry version \d+\.\d+\.\d+ /);
    // The skopeo installed as the oracle is the version ferry claims to follow.
    assert.equal(/skopeo version ([0-9.]+)/.exec(ours.stdout)?.[1], skopeo);
    assert.equal((await runFerry(['inspect', '--help'])).code, 0);
  });
});

describe('refused skopeo features', () => {
  test('signing, encryption and local-storage transports are refused with exit 2 and the reason', async () => {
    const sign = await runFerry([
      'standalone-sign',
      '/dev/null',
      'busybox',
      'alice@example.com',
      '-o',
      '/dev/null',
    ]);
    assert.equal(sign.code, 2);
    // The words skopeo's own test suite looks for to skip its signing tests.
    assert.match(sign.stderr, /signing is not supported/);
    for (const args of [
      ['standalone-verify', 'm.json', 'busybox', 'FPR', 'sig'],
      ['copy', '--sign-by', 'FPR', APP, `docker://${anon.host}/refused:v1`],
      [
        'copy',
        '--encrypt-layer',
        '0',
        '--encryption-key',
        'jwe:/k.pem',
        APP,
        `docker://${anon.host}/refused:v1`,
      ],
      ['copy', '--decryption-key', '/k.pem', APP, `docker://${anon.host}/refused:v1`],
      ['copy', 'containers-storage:busybox', `docker://${anon.host}/refused:v1`],
      ['copy', 'docker-daemon:busybox:latest', `docker://${anon.host}/refused:v1`],
      ['copy', 'sif:/tmp/busybox.sif', `docker://${anon.host}/refused:v1`],
    ]) {
      const run = await runFerry(args);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /not supported by ferry/, args.join(' '));
    }
    assert.equal((await rigGetManifest(anon, 'refused', 'v1')).status, 404);
  });
});
