import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { AuthConfigError, CredentialHelperError } from './auth-error.ts';
import { AuthFileKeychain, normalizeAuthFileKey } from './auth-file-keychain.ts';
import type { Credential } from './credential.ts';
import { installFakeHelper } from './credential-helper-fixture.ts';

let root: string;
let home: string;
let binDir: string;
let helperEnv: Record<string, string>;
let caseNo = 0;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ferry-auth-file-'));
  binDir = join(root, 'bin');
  await mkdir(binDir);
  helperEnv = await installFakeHelper(binDir);
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(async () => {
  // A fresh home per test, so files from one test never leak into another.
  home = join(root, `home-${++caseNo}`);
  await mkdir(home);
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function put(path: string, content: unknown): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** Keychain over the temp home with no runtime dir (uid points at a path that does not exist). */
function keychain(extra: { authFile?: string; env?: Record<string, string> } = {}): AuthFileKeychain {
  return new AuthFileKeychain({
    authFile: extra.authFile,
    env: { ...helperEnv, XDG_RUNTIME_DIR: join(home, 'run'), ...extra.env },
    homeDir: home,
    helperTimeoutMs: 5000,
  });
}

function plain(credential: Credential): Record<string, unknown> {
  return { ...credential };
}

const containersAuth = () => join(home, 'run', 'containers', 'auth.json');
const xdgConfigAuth = () => join(home, '.config', 'containers', 'auth.json');
const dockerConfig = () => join(home, '.docker', 'config.json');
const legacyDockercfg = () => join(home, '.dockercfg');

describe('auth entries', () => {
  test('base64 auth for host and host:port keys', async () => {
    await put(containersAuth(), {
      auths: { 'quay.io': { auth: b64('alice:pw1') }, 'localhost:5000': { auth: b64('bob:pw:with:colons') } },
    });
    assert.deepEqual(plain(await keychain().resolve('quay.io')), {
      kind: 'basic',
      username: 'alice',
      password: 'pw1',
    });
    assert.deepEqual(plain(await keychain().resolve('localhost:5000')), {
      kind: 'basic',
      username: 'bob',
      password: 'pw:with:colons',
    });
    assert.equal((await keychain().resolve('localhost')).kind, 'anonymous');
    assert.equal((await keychain().resolve('other.example')).kind, 'anonymous');
  });

  test('docker-style URL keys normalise: https://index.docker.io/v1/ ↔ docker.io, scheme and path stripped', async () => {
    await put(dockerConfig(), {
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hubuser:hubpw') },
        'http://registry.example:5000/v2/': { auth: b64('r:rp') },
      },
    });
    assert.deepEqual(plain(await keychain().resolve('docker.io')), {
      kind: 'basic',
      username: 'hubuser',
      password: 'hubpw',
    });
    assert.equal((await keychain().resolve('index.docker.io')).kind, 'basic');
    assert.equal((await keychain().resolve('registry.example:5000')).kind, 'basic');
  });

  test('podman-style docker.io and registry-1.docker.io keys match docker.io', async () => {
    await put(containersAuth(), { auths: { 'registry-1.docker.io': { auth: b64('p:q') } } });
    assert.equal((await keychain().resolve('docker.io')).kind, 'basic');
  });

  test('username/password fields, identitytoken, NUL padding', async () => {
    await put(containersAuth(), {
      auths: {
        'fields.example': { username: 'fu', password: 'fp' },
        'idtoken.example': { auth: b64('idu:'), identitytoken: 'refresh-SECRET' },
        'idtoken-only.example': { identitytoken: 'refresh-2' },
        'nul.example': { auth: b64('nu:np\0\0') },
        'empty-password.example': { auth: b64('ep:') },
      },
    });
    const k = keychain();
    assert.deepEqual(plain(await k.resolve('fields.example')), {
      kind: 'basic',
      username: 'fu',
      password: 'fp',
    });
    assert.deepEqual(plain(await k.resolve('idtoken.example')), {
      kind: 'identity-token',
      username: 'idu',
      refreshToken: 'refresh-SECRET',
    });
    assert.deepEqual(plain(await k.resolve('idtoken-only.example')), {
      kind: 'identity-token',
      refreshToken: 'refresh-2',
    });
    assert.deepEqual(plain(await k.resolve('nul.example')), {
      kind: 'basic',
      username: 'nu',
      password: 'np',
    });
    assert.deepEqual(plain(await k.resolve('empty-password.example')), {
      kind: 'basic',
      username: 'ep',
      password: '',
    });
  });

  test('empty markers and colon-less auth are skipped (as docker/containers do)', async () => {
    await put(containersAuth(), {
      auths: { 'marker.example': {}, 'nocolon.example': { auth: b64('justuser') } },
    });
    await put(dockerConfig(), { auths: { 'marker.example': { auth: b64('later:file') } } });
    // The marker in the first file does not stop the search; the next file supplies the credential.
    assert.deepEqual(plain(await keychain().resolve('marker.example')), {
      kind: 'basic',
      username: 'later',
      password: 'file',
    });
    assert.equal((await keychain().resolve('nocolon.example')).kind, 'anonymous');
  });

  test('per-repository and per-namespace keys (containers extension) via resolveRepository', async () => {
    await put(containersAuth(), {
      auths: {
        'quay.io/team/app': { auth: b64('app:1') },
        'quay.io/team': { auth: b64('team:2') },
        'quay.io': { auth: b64('registry:3') },
      },
    });
    const k = keychain();
    const user = async (repo: string | undefined) => {
      const c = await k.resolveRepository('quay.io', repo);
      return c.kind === 'basic' ? c.username : c.kind;
    };
    assert.equal(await user('team/app'), 'app');
    assert.equal(await user('team/other'), 'team');
    assert.equal(await user('elsewhere/x'), 'registry');
    assert.equal(await user(undefined), 'registry');
    assert.equal(await k.resolve('quay.io').then((c) => c.kind === 'basic' && c.username), 'registry');
  });
});

describe('file order', () => {
  test('runtime dir → XDG config → docker config → .dockercfg, first hit wins', async () => {
    await put(xdgConfigAuth(), {
      auths: { 'a.example': { auth: b64('xdg:1') }, 'b.example': { auth: b64('xdg:2') } },
    });
    await put(dockerConfig(), {
      auths: { 'b.example': { auth: b64('docker:3') }, 'c.example': { auth: b64('docker:4') } },
    });
    await put(legacyDockercfg(), { 'https://d.example/v1/': { auth: b64('legacy:5'), email: 'x@y' } });
    await put(containersAuth(), { auths: { 'a.example': { auth: b64('runtime:0') } } });
    const k = keychain();
    const who = async (r: string) => {
      const c = await k.resolve(r);
      return c.kind === 'basic' ? c.username : c.kind;
    };
    assert.equal(await who('a.example'), 'runtime');
    assert.equal(await who('b.example'), 'xdg');
    assert.equal(await who('c.example'), 'docker');
    assert.equal(await who('d.example'), 'legacy');
  });

  test('--authfile and REGISTRY_AUTH_FILE replace the chain', async () => {
    await put(dockerConfig(), { auths: { 'a.example': { auth: b64('docker:1') } } });
    const explicit = await put(join(home, 'explicit.json'), {
      auths: { 'b.example': { auth: b64('explicit:2') } },
    });
    assert.equal((await keychain({ authFile: explicit }).resolve('a.example')).kind, 'anonymous');
    assert.equal((await keychain({ authFile: explicit }).resolve('b.example')).kind, 'basic');
    assert.equal(
      (await keychain({ env: { REGISTRY_AUTH_FILE: explicit } }).resolve('b.example')).kind,
      'basic',
    );
    assert.equal(
      (await keychain({ env: { REGISTRY_AUTH_FILE: explicit } }).resolve('a.example')).kind,
      'anonymous',
    );
    // A missing explicit file means "no credentials", as in skopeo.
    assert.equal(
      (await keychain({ authFile: join(home, 'nope.json') }).resolve('a.example')).kind,
      'anonymous',
    );
  });

  test('DOCKER_CONFIG replaces ~/.docker and XDG_CONFIG_HOME moves containers/auth.json', async () => {
    await put(dockerConfig(), { auths: { 'a.example': { auth: b64('home:1') } } });
    await put(join(home, 'dc', 'config.json'), { auths: { 'a.example': { auth: b64('dc:2') } } });
    await put(join(home, 'xdg', 'containers', 'auth.json'), {
      auths: { 'x.example': { auth: b64('xdg:3') } },
    });
    const k = keychain({ env: { DOCKER_CONFIG: join(home, 'dc'), XDG_CONFIG_HOME: join(home, 'xdg') } });
    const a = await k.resolve('a.example');
    assert.equal(a.kind === 'basic' && a.username, 'dc');
    assert.equal((await k.resolve('x.example')).kind, 'basic');
  });

  test('no files at all → anonymous', async () => {
    assert.equal((await keychain().resolve('docker.io')).kind, 'anonymous');
  });

  test('files are re-read on every resolve', async () => {
    const k = keychain();
    assert.equal((await k.resolve('quay.io')).kind, 'anonymous');
    await put(containersAuth(), { auths: { 'quay.io': { auth: b64('new:login') } } });
    assert.equal((await k.resolve('quay.io')).kind, 'basic');
  });
});

describe('credential helpers', () => {
  test('credHelpers per registry win over auths entries', async () => {
    await put(dockerConfig(), {
      credHelpers: { 'quay.io': 'test' },
      auths: { 'quay.io': { auth: b64('file:pw') } },
    });
    assert.deepEqual(plain(await keychain().resolve('quay.io')), {
      kind: 'basic',
      username: 'quser',
      password: 'q-SECRET',
    });
  });

  test('credsStore is the default for registries without an entry; Hub asks the v1 URL first', async () => {
    await put(dockerConfig(), { credsStore: 'test', auths: { 'https://index.docker.io/v1/': {} } });
    const k = keychain();
    assert.deepEqual(plain(await k.resolve('docker.io')), {
      kind: 'identity-token',
      refreshToken: 'hub-REFRESH',
    });
    assert.deepEqual(plain(await k.resolve('registry.example:5000')), {
      kind: 'basic',
      username: 'port-user',
      password: 'port-SECRET',
    });
  });

  test('real auths entries are used before credsStore', async () => {
    await put(dockerConfig(), { credsStore: 'test', auths: { 'quay.io': { auth: b64('file:pw') } } });
    const c = await keychain().resolve('quay.io');
    assert.equal(c.kind === 'basic' && c.username, 'file');
  });

  test('not-found means anonymous; Hub asks the v1 URL first', async () => {
    await writeFile(helperEnv['HELPER_LOG'] ?? '', '');
    await put(dockerConfig(), { credHelpers: { 'docker.io': 'test', 'nothing.example': 'test' } });
    assert.equal((await keychain().resolve('nothing.example')).kind, 'anonymous');
    await put(dockerConfig(), { credsStore: 'test' });
    // The fake helper knows the v1 URL, so only that is asked.
    await keychain().resolve('docker.io');
    const log = await readFile(helperEnv['HELPER_LOG'] ?? '', 'utf8');
    assert.deepEqual(log.trim().split('\n'), ['nothing.example', 'https://index.docker.io/v1/']);
  });

  test('Hub: a helper that stores podman-style "docker.io" keys is asked for docker.io after the v1 URL', async () => {
    const log = join(binDir, 'podmanstyle.log');
    await installFakeHelper(
      binDir,
      'podmanstyle',
      `#!/bin/sh
IFS= read -r url
printf '%s\\n' "$url" >> "${log}"
if [ "$url" = docker.io ]; then printf '{"Username":"pu","Secret":"ps"}'; exit 0; fi
echo "credentials not found in native keychain"; exit 1
`,
    );
    await put(dockerConfig(), { credHelpers: { 'docker.io': 'podmanstyle' } });
    assert.deepEqual(plain(await keychain().resolve('docker.io')), {
      kind: 'basic',
      username: 'pu',
      password: 'ps',
    });
    assert.deepEqual((await readFile(log, 'utf8')).trim().split('\n'), [
      'https://index.docker.io/v1/',
      'docker.io',
    ]);
  });

  test('a helper with nothing falls through to later files', async () => {
    await put(containersAuth(), { credHelpers: { 'later.example': 'test' } });
    await put(dockerConfig(), { auths: { 'later.example': { auth: b64('docker:pw') } } });
    const c = await keychain().resolve('later.example');
    assert.equal(c.kind === 'basic' && c.username, 'docker');
  });

  test('missing or failing helpers are errors naming the helper, not the secret', async () => {
    await put(dockerConfig(), {
      credHelpers: { 'quay.io': 'absent', 'fail.example': 'test', 'leak.example': 'test' },
    });
    await assert.rejects(
      keychain().resolve('quay.io'),
      (err: unknown) =>
        err instanceof CredentialHelperError && /docker-credential-absent not found/.test(err.message),
    );
    await assert.rejects(
      keychain().resolve('fail.example'),
      (err: unknown) =>
        err instanceof CredentialHelperError && /docker-credential-test failed/.test(err.message),
    );
    await assert.rejects(
      keychain().resolve('leak.example'),
      (err: unknown) => err instanceof CredentialHelperError && !inspect(err).includes('LEAK-SECRET'),
    );
  });

  test('helper names with path separators are refused', async () => {
    await put(dockerConfig(), { credHelpers: { 'quay.io': '../../../bin/sh' } });
    await assert.rejects(keychain().resolve('quay.io'), CredentialHelperError);
  });
});

describe('malformed files', () => {
  async function expectConfigError(content: unknown, reason: RegExp): Promise<void> {
    const path = await put(containersAuth(), content);
    await assert.rejects(keychain().resolve('quay.io'), (err: unknown) => {
      assert.ok(err instanceof AuthConfigError, String(err));
      assert.equal(err.path, path);
      assert.ok(err.message.includes(path));
      assert.match(err.message, reason);
      assert.ok(!inspect(err).includes('SECRET'), inspect(err));
      return true;
    });
  }

  test('invalid JSON (message must not quote the file, which holds secrets)', async () => {
    await expectConfigError('{"auths": {"quay.io": {"auth": "SECRET-SECRET"}', /is not valid JSON/);
    await expectConfigError('', /is not valid JSON/);
  });

  test('wrong shapes', async () => {
    await expectConfigError('["SECRET"]', /must contain a JSON object/);
    await expectConfigError({ auths: 'SECRET' }, /"auths" must be an object/);
    await expectConfigError({ auths: { 'quay.io': 'SECRET' } }, /entry "quay\.io" must be an object/);
    await expectConfigError(
      { auths: { 'quay.io': { auth: 42 } } },
      /"auth" of entry "quay\.io" must be a string/,
    );
    await expectConfigError(
      { credHelpers: { 'quay.io': 1 } },
      /credHelpers entry "quay\.io" must be a string/,
    );
    await expectConfigError({ credsStore: {} }, /"credsStore" must be a string/);
  });

  test('invalid base64 in auth', async () => {
    await expectConfigError({ auths: { 'quay.io': { auth: 'SECRET!!not-base64' } } }, /not valid base64/);
  });

  test('a path that is a directory is an error, not silently skipped', async () => {
    await mkdir(containersAuth(), { recursive: true });
    await assert.rejects(
      keychain().resolve('quay.io'),
      (err: unknown) => err instanceof AuthConfigError && /EISDIR/.test(err.message),
    );
  });

  test('__proto__ keys are plain data', async () => {
    await put(
      containersAuth(),
      `{"auths": {"__proto__": {"auth": "eDp5"}, "quay.io": {"auth": "${b64('a:b')}"}}}`,
    );
    assert.equal((await keychain().resolve('quay.io')).kind, 'basic');
    assert.equal((await keychain().resolve('__proto__')).kind, 'basic');
  });
});

test('normalizeAuthFileKey (containers/image semantics)', () => {
  assert.equal(normalizeAuthFileKey('https://index.docker.io/v1/', false), 'docker.io');
  assert.equal(normalizeAuthFileKey('registry-1.docker.io', false), 'docker.io');
  assert.equal(normalizeAuthFileKey('http://Host:5000/v2/', false), 'host:5000');
  assert.equal(normalizeAuthFileKey('quay.io/ns', false), 'quay.io/ns');
  assert.equal(normalizeAuthFileKey('quay.io/ns', true), 'quay.io');
});
