import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AuthFileKeychain } from './auth-file-keychain.ts';
import {
  removeAllAuthFileCredentials,
  removeAuthFileCredential,
  setAuthFileCredential,
} from './auth-file-writer.ts';

const dir = await mkdtemp(join(tmpdir(), 'ferry-auth-writer-'));
after(() => rm(dir, { recursive: true, force: true }));

test('a new file is created 0600 (directory 0700) and read back by the keychain', async () => {
  const path = join(dir, 'new', 'containers', 'auth.json');
  await setAuthFileCredential(path, 'reg.example:5000', 'alice', 's3cr:et');
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, 'new', 'containers'))).mode & 0o777, 0o700);
  const cred = await new AuthFileKeychain({ authFile: path, env: {}, homeDir: dir }).resolve(
    'reg.example:5000',
  );
  assert.deepEqual(cred, { kind: 'basic', username: 'alice', password: 's3cr:et' });
  assert.deepEqual(
    (await readdir(join(dir, 'new', 'containers'))).sort(),
    ['auth.json'],
    'no temp file left',
  );
});

test('other entries and unknown keys are kept; remove reports whether there was an entry', async () => {
  const path = join(dir, 'config.json');
  const original = {
    auths: { 'other.example': { auth: Buffer.from('bob:pw').toString('base64') } },
    credsStore: 'desktop',
    HttpHeaders: { 'X-Meta': '1' },
  };
  await writeFile(path, JSON.stringify(original));
  await setAuthFileCredential(path, 'quay.io/team', 'alice', 'pw');
  let json = JSON.parse(await readFile(path, 'utf8'));
  assert.deepEqual(json.HttpHeaders, original.HttpHeaders);
  assert.equal(json.credsStore, 'desktop');
  assert.deepEqual(Object.keys(json.auths), ['other.example', 'quay.io/team']);
  assert.equal(await removeAuthFileCredential(path, 'quay.io/team'), true);
  assert.equal(await removeAuthFileCredential(path, 'quay.io/team'), false);
  json = JSON.parse(await readFile(path, 'utf8'));
  assert.deepEqual(Object.keys(json.auths), ['other.example']);
  await removeAllAuthFileCredentials(path);
  json = JSON.parse(await readFile(path, 'utf8'));
  assert.deepEqual(json, { credsStore: 'desktop', HttpHeaders: { 'X-Meta': '1' }, auths: {} });
});

test('a malformed file is refused without quoting it, and left unchanged', async () => {
  const path = join(dir, 'broken.json');
  await writeFile(path, '{"auths": {"x": {"auth": "c2VjcmV0"}');
  await assert.rejects(setAuthFileCredential(path, 'x', 'a', 'b'), (err: Error) => {
    assert.match(err.message, /is not valid JSON/);
    assert.doesNotMatch(err.message, /c2VjcmV0/);
    return true;
  });
  assert.equal(await readFile(path, 'utf8'), '{"auths": {"x": {"auth": "c2VjcmV0"}');
});
