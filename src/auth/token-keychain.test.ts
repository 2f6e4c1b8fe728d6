import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { AuthConfigError } from './auth-error.ts';
import { TokenKeychain } from './token-keychain.ts';

test('returns the token as a bearer credential for its registry only', async () => {
  const keychain = new TokenKeychain('quay.io', 'tok-SECRET');
  assert.deepEqual({ ...(await keychain.resolve('quay.io')) }, { kind: 'bearer', token: 'tok-SECRET' });
  assert.equal((await keychain.resolve('docker.io')).kind, 'anonymous');
});

test('rejects empty tokens and header-breaking characters without echoing them', () => {
  assert.throws(() => new TokenKeychain('quay.io', ''), AuthConfigError);
  for (const bad of ['tok SECRET', 'tok-SECRET\n', 'tok\r\nX-Evil: 1']) {
    assert.throws(
      () => new TokenKeychain('quay.io', bad),
      (err: unknown) =>
        err instanceof AuthConfigError && !err.message.includes('SECRET') && !err.message.includes('Evil'),
    );
  }
});

test('never renders the token', () => {
  const keychain = new TokenKeychain('quay.io', 'tok-SECRET');
  for (const rendered of [inspect(keychain), JSON.stringify(keychain), String(keychain)]) {
    assert.doesNotMatch(rendered, /SECRET/);
  }
});
