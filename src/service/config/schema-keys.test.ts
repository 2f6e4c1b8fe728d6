import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchemas } from './schema.ts';
import { allowedKeysAt, closestKey } from './schema-keys.ts';

const { config } = configSchemas({ baseDir: '/' });

test('allowedKeysAt walks objects, lists, records, defaults and pipes', () => {
  assert.deepEqual(allowedKeysAt(config, ['server']), [
    'listen',
    'publicUrl',
    'dataDir',
    'databaseUrl',
    'leaseSeconds',
    'heartbeatSeconds',
    'resumableUploads',
  ]);
  assert.deepEqual(allowedKeysAt(config, ['environments', 'any-name', 'tls']), [
    'verify',
    'caFile',
    'certDir',
  ]);
  assert.deepEqual(allowedKeysAt(config, ['promotions', 3, 'signature']), [
    'required',
    'publicKeyFiles',
    'identities',
    'trustedRootFile',
    'tlog',
    'predicateTypes',
    'attestations',
  ]);
  assert.deepEqual(allowedKeysAt(config, ['promotions', 3, 'signature', 'identities', 0]), [
    'issuer',
    'subject',
    'subjectRegExp',
  ]);
  assert.deepEqual(allowedKeysAt(config, ['triggers', 'github', 'secrets', 0]), ['file', 'env', 'value']);
  assert.equal(allowedKeysAt(config, ['promotions', 0, 'name']), undefined);
  assert.equal(allowedKeysAt(config, ['nope']), undefined);
});

test('closestKey suggests near misses only', () => {
  const keys = ['name', 'from', 'to', 'tags', 'immutableTags', 'copySignatures', 'signature'];
  assert.equal(closestKey('tagz', keys), 'tags');
  assert.equal(closestKey('immutabletags', keys), 'immutableTags');
  assert.equal(closestKey('copySignature', keys), 'copySignatures');
  assert.equal(closestKey('frobnicate', keys), undefined);
  assert.equal(closestKey('x', keys), undefined);
});
