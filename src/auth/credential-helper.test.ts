import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { inspect } from 'node:util';
import { CredentialHelperError } from './auth-error.ts';
import { credentialHelperProgram, getFromCredentialHelper } from './credential-helper.ts';
import { installFakeHelper } from './credential-helper-fixture.ts';

let dir: string;
let env: Record<string, string>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-cred-helper-'));
  env = await installFakeHelper(dir);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function expectHelperError(serverUrl: string, reason: RegExp, secret?: string, timeoutMs?: number) {
  await assert.rejects(getFromCredentialHelper('test', serverUrl, { env, timeoutMs }), (err: unknown) => {
    assert.ok(err instanceof CredentialHelperError, String(err));
    assert.equal(err.code, 'FERRY_E_CREDENTIAL_HELPER');
    assert.equal(err.helper, 'docker-credential-test');
    assert.match(err.message, /docker-credential-test/);
    assert.match(err.message, reason);
    if (secret !== undefined) {
      assert.ok(!err.message.includes(secret));
      assert.ok(!inspect(err).includes(secret));
    }
    return true;
  });
}

test('username + secret → basic credential; the server URL goes to stdin', async () => {
  const cred = await getFromCredentialHelper('test', 'quay.io', { env });
  assert.deepEqual({ ...cred }, { kind: 'basic', username: 'quser', password: 'q-SECRET' });
  assert.doesNotMatch(inspect(cred), /q-SECRET/);
  assert.match(await readFile(env['HELPER_LOG'] ?? '', 'utf8'), /^quay\.io$/m);
});

test('username <token> → identity token', async () => {
  const cred = await getFromCredentialHelper('test', 'https://index.docker.io/v1/', { env });
  assert.deepEqual({ ...cred }, { kind: 'identity-token', refreshToken: 'hub-REFRESH' });
});

test('"credentials not found in native keychain" and empty answers → anonymous', async () => {
  assert.equal((await getFromCredentialHelper('test', 'unknown.example', { env })).kind, 'anonymous');
  assert.equal((await getFromCredentialHelper('test', 'empty.example', { env })).kind, 'anonymous');
});

test('failures name the helper and pass on its message, but not secrets', async () => {
  await expectHelperError(
    'fail.example',
    /failed for fail\.example \(exit status 1\): exit status 2: gpg: decryption failed/,
  );
  await expectHelperError('leak.example', /failed for leak\.example \(exit status 1\)$/, 'LEAK-SECRET');
  await expectHelperError('broken.example', /not JSON/, 'BROKEN-SECRET');
});

test('helper not on PATH', async () => {
  await assert.rejects(
    getFromCredentialHelper('missing', 'quay.io', { env }),
    (err: unknown) =>
      err instanceof CredentialHelperError && /docker-credential-missing not found on PATH/.test(err.message),
  );
});

test('helper that is not executable', async () => {
  await writeFile(join(dir, 'docker-credential-noexec'), '#!/bin/sh\n');
  await assert.rejects(
    getFromCredentialHelper('noexec', 'quay.io', { env }),
    (err: unknown) => err instanceof CredentialHelperError && /docker-credential-noexec/.test(err.message),
  );
});

test('a hanging helper is killed after the timeout', async () => {
  const started = Date.now();
  await expectHelperError('slow.example', /timed out after 300 ms/, undefined, 300);
  assert.ok(Date.now() - started < 5000);
});

test('helper names with path characters are refused before anything runs', async () => {
  for (const name of ['../../bin/sh', 'a/b', '', '-x', 'a b']) {
    assert.throws(() => credentialHelperProgram(name), CredentialHelperError);
    await assert.rejects(getFromCredentialHelper(name, 'quay.io', { env }), CredentialHelperError);
  }
  assert.equal(credentialHelperProgram('ecr-login'), 'docker-credential-ecr-login');
});
