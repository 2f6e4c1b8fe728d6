import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCredentialsKey } from './credentials-key.ts';

test('login keys: host, host:port, URL cut to host, namespaced keys', () => {
  assert.deepEqual(parseCredentialsKey('quay.io'), {
    key: 'quay.io',
    registry: 'quay.io',
    repository: undefined,
  });
  assert.deepEqual(parseCredentialsKey('https://reg.example:5000/v2/'), {
    key: 'reg.example:5000',
    registry: 'reg.example:5000',
    repository: undefined,
  });
  assert.deepEqual(parseCredentialsKey('quay.io/team/app'), {
    key: 'quay.io/team/app',
    registry: 'quay.io',
    repository: 'team/app',
  });
});

test('a key with a tag, digest or invalid name is refused naming it', () => {
  assert.throws(
    () => parseCredentialsKey('quay.io/team/app:v1'),
    /"quay.io\/team\/app:v1" contains tag or digest/,
  );
  assert.throws(() => parseCredentialsKey('quay.io/Team'), /parse reference from "quay.io\/Team"/);
});
