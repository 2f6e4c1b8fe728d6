import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attestSchema } from './attest-schema.ts';
import { schemaParts } from './schema-parts.ts';

const schema = attestSchema(schemaParts({ baseDir: '/etc/ferry' }));

test('attest: defaults, relative key file resolved against the config directory', () => {
  assert.deepEqual(schema.parse({ keyFile: { file: 'attest.key' } }), {
    keyFile: { file: '/etc/ferry/attest.key' },
    tlog: false,
    format: 'bundle',
    required: false,
  });
});

test('attest: tlog true and other formats are refused with a message saying what is supported', () => {
  const tlog = schema.safeParse({ keyFile: { file: 'k' }, tlog: true });
  assert.equal(tlog.success, false);
  assert.match(tlog.error!.issues[0]!.message, /tlog: true .* not supported yet; set tlog: false/);
  const format = schema.safeParse({ keyFile: { file: 'k' }, format: 'simplesigning' });
  assert.equal(format.success, false);
  assert.match(format.error!.issues[0]!.message, /"bundle"\|"classic"\|"both"/);
  for (const value of ['bundle', 'classic', 'both']) {
    assert.equal(schema.parse({ keyFile: { file: 'k' }, format: value }).format, value);
  }
  assert.equal(schema.safeParse({}).success, false);
});

test('attest.passphrase: an optional secret reference, in the forms every secret takes', () => {
  assert.equal(schema.parse({ keyFile: { file: 'k' } }).passphrase, undefined);
  assert.deepEqual(
    schema.parse({ keyFile: { file: 'k' }, passphrase: { env: 'COSIGN_PASSWORD' } }).passphrase,
    {
      env: 'COSIGN_PASSWORD',
    },
  );
  assert.deepEqual(schema.parse({ keyFile: { file: 'k' }, passphrase: { file: 'password' } }).passphrase, {
    file: '/etc/ferry/password',
  });
  assert.equal(schema.safeParse({ keyFile: { file: 'k' }, passphrase: 'hunter2' }).success, false);
  assert.equal(
    schema.safeParse({ keyFile: { file: 'k' }, passphrase: { env: 'A', file: 'b' } }).success,
    false,
  );
});
