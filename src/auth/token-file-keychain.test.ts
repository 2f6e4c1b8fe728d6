import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { AuthConfigError } from './auth-error.ts';
import { TokenFileKeychain } from './token-file-keychain.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-token-file-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectConfigError(
  keychain: TokenFileKeychain,
  reason: RegExp,
  secret?: string,
): Promise<void> {
  await assert.rejects(keychain.resolve('registry.example'), (err: unknown) => {
    assert.ok(err instanceof AuthConfigError, String(err));
    assert.equal(err.code, 'FERRY_E_AUTH_CONFIG');
    assert.match(err.message, reason);
    assert.ok(err.message.includes(keychain.path), 'message names the path');
    assert.equal(err.path, keychain.path);
    if (secret !== undefined) assert.ok(!err.message.includes(secret), 'message must not contain the token');
    return true;
  });
}

test('reads the token, trims the trailing newline, default username', async () => {
  const path = join(dir, 'token');
  await writeFile(path, 'sa-token-1\n');
  const keychain = new TokenFileKeychain({ registry: 'registry.example', path });
  assert.deepEqual(
    { ...(await keychain.resolve('registry.example')) },
    {
      kind: 'basic',
      username: 'ferry',
      password: 'sa-token-1',
    },
  );
});

test('re-reads the file on every resolve, so rotated tokens are used', async () => {
  const path = join(dir, 'rotating');
  await writeFile(path, 'old-token');
  const keychain = new TokenFileKeychain({ registry: 'registry.example', path, username: 'sa' });
  const first = await keychain.resolve('registry.example');
  assert.equal(first.kind === 'basic' && first.password, 'old-token');
  await writeFile(path, 'new-token\r\n');
  const second = await keychain.resolve('registry.example');
  assert.equal(second.kind === 'basic' && second.password, 'new-token');
  assert.equal(second.kind === 'basic' && second.username, 'sa');
});

test('scoped to its registries when given; any registry when not', async () => {
  const path = join(dir, 'scoped');
  await writeFile(path, 'tok');
  const scoped = new TokenFileKeychain({
    registry: ['image-registry.openshift-image-registry.svc:5000'],
    path,
  });
  assert.equal((await scoped.resolve('docker.io')).kind, 'anonymous');
  assert.equal((await scoped.resolve('image-registry.openshift-image-registry.svc:5000')).kind, 'basic');
  const unscoped = new TokenFileKeychain({ path });
  assert.equal((await unscoped.resolve('anything.example')).kind, 'basic');
});

test('a wrong-registry resolve does not even read the file', async () => {
  const keychain = new TokenFileKeychain({ registry: 'a.example', path: join(dir, 'does-not-exist') });
  assert.equal((await keychain.resolve('b.example')).kind, 'anonymous');
});

test('missing, empty, directory, unreadable, oversized and malformed files are config errors naming the path only', async () => {
  await expectConfigError(new TokenFileKeychain({ path: join(dir, 'missing') }), /does not exist/);

  const empty = join(dir, 'empty');
  await writeFile(empty, '\n  \n');
  await expectConfigError(new TokenFileKeychain({ path: empty }), /is empty/);

  await expectConfigError(new TokenFileKeychain({ path: dir }), /directory/);

  const big = join(dir, 'big');
  await writeFile(big, 'x'.repeat(100_000));
  await expectConfigError(new TokenFileKeychain({ path: big }), /larger than/);

  const spaced = join(dir, 'spaced');
  await writeFile(spaced, 'tok SECRETPART\n');
  await expectConfigError(new TokenFileKeychain({ path: spaced }), /whitespace/, 'SECRETPART');

  if (process.getuid?.() !== 0) {
    const locked = join(dir, 'locked');
    await writeFile(locked, 'LOCKEDSECRET');
    await chmod(locked, 0o000);
    await expectConfigError(new TokenFileKeychain({ path: locked }), /permission denied/, 'LOCKEDSECRET');
  }
});

test('constructor validation', () => {
  assert.throws(() => new TokenFileKeychain({ path: '' }), AuthConfigError);
  assert.throws(() => new TokenFileKeychain({ path: '/x', username: '' }), AuthConfigError);
});
