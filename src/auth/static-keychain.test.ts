import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { BadUsageError } from '../errors/kinds.ts';
import { basicCredential } from './credential-values.ts';
import { parseCredsFlag, StaticKeychain } from './static-keychain.ts';

test('parseCredsFlag follows skopeo USER[:PASS]', () => {
  assert.deepEqual({ ...parseCredsFlag('bob:pw') }, { username: 'bob', password: 'pw' });
  // The password may contain ":"; only the first one separates.
  assert.deepEqual({ ...parseCredsFlag('bob:a:b:c') }, { username: 'bob', password: 'a:b:c' });
  // `user:` is an explicitly empty password.
  assert.deepEqual({ ...parseCredsFlag('bob:') }, { username: 'bob', password: '' });
  // Bare USER: the caller prompts or reads stdin.
  assert.deepEqual({ ...parseCredsFlag('bob') }, { username: 'bob', password: undefined });
});

test('parseCredsFlag errors never echo the value', () => {
  for (const [value, reason] of [
    ['', /credentials can't be empty/],
    [':topsecret', /username can't be empty/],
    ['bob:topsecret\n', /control character/],
  ] as const) {
    assert.throws(
      () => parseCredsFlag(value, '--src-creds'),
      (err: unknown) => {
        assert.ok(err instanceof BadUsageError);
        assert.match(err.message, /^--src-creds: /);
        assert.match(err.message, reason);
        assert.doesNotMatch(err.message, /topsecret/);
        return true;
      },
    );
  }
});

test('parsed creds do not render the password', () => {
  const parsed = parseCredsFlag('bob:topsecret');
  assert.doesNotMatch(inspect(parsed), /topsecret/);
  assert.doesNotMatch(JSON.stringify(parsed), /topsecret/);
  assert.match(inspect(parsed), /bob/);
});

test('StaticKeychain answers only for its registry (Hub aliases and case folded)', async () => {
  const cred = basicCredential('bob', 'topsecret');
  const hub = new StaticKeychain('docker.io', cred);
  assert.equal(await hub.resolve('docker.io'), cred);
  assert.equal(await hub.resolve('index.docker.io'), cred);
  assert.equal((await hub.resolve('quay.io')).kind, 'anonymous');
  const many = new StaticKeychain(['Quay.io', 'localhost:5000'], cred);
  assert.equal(await many.resolve('quay.io'), cred);
  assert.equal(await many.resolve('localhost:5000'), cred);
  assert.equal((await many.resolve('localhost')).kind, 'anonymous');
});

test('StaticKeychain does not render its secret', () => {
  const keychain = new StaticKeychain('quay.io', basicCredential('bob', 'topsecret'));
  for (const rendered of [inspect(keychain), JSON.stringify(keychain), String(keychain)]) {
    assert.doesNotMatch(rendered, /topsecret/);
    assert.match(rendered, /quay\.io/);
  }
});
