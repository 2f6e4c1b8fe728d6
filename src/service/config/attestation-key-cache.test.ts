import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { encryptCosignPrivateKey } from '../../signature/cosign-private-key.ts';
import { AttestationKeyCache } from './attestation-key-cache.ts';
import { AttestationKeyError } from './attestation-key-error.ts';

const pem = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
const source = (rule: string, file = `/keys/${rule}.key`) => ({ rule, keyRef: { file } });

test('a key is decoded once per content: the same object again, a new one when the secret changed', async () => {
  const cache = new AttestationKeyCache();
  const first = pem();
  const a = await cache.privateKey(source('a'), first, undefined);
  assert.equal(await cache.privateKey(source('a'), first, undefined), a);
  // Another rule with the same key shares it.
  assert.equal(await cache.privateKey(source('b', '/keys/a.key'), first, undefined), a);
  assert.equal(cache.size, 1);
  // Rotated for rule a: a new key; the old one is still b's.
  const rotated = await cache.privateKey(source('a'), pem(), undefined);
  assert.notEqual(rotated, a);
  assert.equal(cache.size, 2);
  // b rotates too: nothing uses the first key any more, and it is dropped.
  await cache.privateKey(source('b'), pem(), undefined);
  assert.equal(cache.size, 2);
});

test('a cosign key is decrypted once; a failure is kept, and worded for each rule that shares it', async () => {
  const cache = new AttestationKeyCache();
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const cosign = await encryptCosignPrivateKey(key, Buffer.from('pw'));
  const decrypted = await cache.privateKey(source('a'), cosign, 'pw');
  assert.deepEqual(
    decrypted.export({ type: 'pkcs8', format: 'der' }),
    key.export({ type: 'pkcs8', format: 'der' }),
  );
  assert.equal(await cache.privateKey(source('b'), cosign, 'pw'), decrypted);
  // "No passphrase" is another input than "pw" (and than the empty passphrase).
  for (const rule of ['c', 'd']) {
    await assert.rejects(cache.privateKey(source(rule), cosign, undefined), (err: unknown) => {
      assert.ok(err instanceof AttestationKeyError);
      assert.equal(err.code, 'FERRY_E_ATTEST_KEY_PASSPHRASE_MISSING');
      assert.equal(err.setting, 'keyFile');
      assert.match(
        err.message,
        new RegExp(`^attestation key /keys/${rule}\\.key of rule "${rule}" is encrypted`),
      );
      return true;
    });
  }
  assert.equal(cache.size, 2);
});

test('a passphrase next to an unencrypted key, or a key in OpenSSL encryption, is refused', async () => {
  const cache = new AttestationKeyCache();
  await assert.rejects(cache.privateKey(source('a'), pem(), 'pw'), {
    code: 'FERRY_E_ATTEST_KEY_NOT_ENCRYPTED',
  });
  const openssl = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
    .toString();
  for (const passphrase of [undefined, 'pw']) {
    await assert.rejects(cache.privateKey(source('a'), openssl, passphrase), {
      code: 'FERRY_E_ATTEST_KEY',
      message: /encrypted in OpenSSL's format/,
    });
  }
});
