import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { test } from 'node:test';
import {
  COSIGN_PRIVATE_KEY_PEM_TYPE,
  CosignKeyFormatError,
  decryptCosignPrivateKey,
  encodePem,
  encryptCosignPrivateKey,
  SIGSTORE_PRIVATE_KEY_PEM_TYPE,
} from './cosign-private-key.ts';

// The format against an independent implementation (libsodium through PyNaCl, Python's scrypt) is
// checked in test/integration/cli-sign.test.ts; these tests pin ferry's own round trip and refusals.

const pass = (s: string) => Buffer.from(s);
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
// scrypt costs ~100 ms of CPU per derivation: one key file is shared by the tests.
const PEM = await encryptCosignPrivateKey(ec.privateKey, pass('p'));

interface KeyJson {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

function body(pem: string): KeyJson {
  const b64 = pem
    .split('\n')
    .filter((l) => !l.startsWith('-----'))
    .join('');
  return JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as KeyJson;
}

test('a key encrypted by ferry decrypts to the same key with the passphrase (also the empty one)', async () => {
  assert.match(PEM, /^-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n([A-Za-z0-9+/=]{64}\n)+/);
  const spki = (k: KeyObject) => createPublicKey(k).export({ type: 'spki', format: 'der' });
  assert.deepEqual(spki(await decryptCosignPrivateKey(PEM, pass('p'))), spki(ec.privateKey));
  const empty = await encryptCosignPrivateKey(ec.privateKey, pass(''));
  assert.deepEqual(spki(await decryptCosignPrivateKey(empty, pass(''))), spki(ec.privateKey));
});

test('the file is go-tuf’s encrypted JSON: scrypt N=32768 r=8 p=1, 32-byte salt, nacl/secretbox, 24-byte nonce', async () => {
  const json = body(PEM);
  assert.deepEqual(Object.keys(json), ['kdf', 'cipher', 'ciphertext']);
  const { kdf, cipher } = json;
  assert.equal(kdf.name, 'scrypt');
  assert.deepEqual(kdf.params, { N: 32768, r: 8, p: 1 });
  assert.equal(Buffer.from(kdf.salt, 'base64').length, 32);
  assert.equal(cipher.name, 'nacl/secretbox');
  assert.equal(Buffer.from(cipher.nonce, 'base64').length, 24);
  // secretbox adds a 16-byte Poly1305 tag to the PKCS#8 DER.
  const der = ec.privateKey.export({ type: 'pkcs8', format: 'der' });
  assert.equal(Buffer.from(json.ciphertext, 'base64').length, der.length + 16);
});

test('a wrong passphrase is refused without echoing it', async () => {
  await assert.rejects(decryptCosignPrivateKey(PEM, pass('hunter2-wrong')), (err: Error) => {
    assert.ok(err instanceof CosignKeyFormatError);
    assert.match(err.message, /decryption failed \(wrong passphrase, or a damaged key file\)/);
    assert.doesNotMatch(err.message, /hunter2/);
    return true;
  });
});

test('cosign ≥ 2’s "ENCRYPTED SIGSTORE PRIVATE KEY" block is read; other blocks are refused by type', async () => {
  const json = Buffer.from(JSON.stringify(body(PEM)));
  const key = await decryptCosignPrivateKey(encodePem(SIGSTORE_PRIVATE_KEY_PEM_TYPE, json), pass('p'));
  assert.equal(key.asymmetricKeyType, 'ec');
  const publicPem = ec.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  await assert.rejects(decryptCosignPrivateKey(publicPem, pass('p')), /unsupported pem type: PUBLIC KEY/);
  await assert.rejects(decryptCosignPrivateKey('not a key', pass('p')), /invalid pem block/);
});

test('a tampered ciphertext, an unknown cipher or KDF and out-of-range scrypt parameters are refused', async () => {
  const good = body(PEM);
  const variant = (change: (j: KeyJson) => void) => {
    const j = structuredClone(good);
    change(j);
    return encodePem(COSIGN_PRIVATE_KEY_PEM_TYPE, Buffer.from(JSON.stringify(j)));
  };
  const flipped = Buffer.from(good.ciphertext, 'base64');
  flipped[0] = flipped[0]! ^ 1;
  const cases: [string, RegExp][] = [
    [variant((j) => (j.ciphertext = flipped.toString('base64'))), /decryption failed/],
    [variant((j) => (j.cipher.name = 'aes-gcm')), /unknown cipher name "aes-gcm"/],
    [variant((j) => (j.kdf.name = 'pbkdf2')), /unknown kdf name "pbkdf2"/],
    // A file asking for 2^24 × 8 × 128 bytes of memory must not be obeyed.
    [variant((j) => (j.kdf.params.N = 16777216)), /unsupported scrypt parameters/],
    [variant((j) => (j.cipher.nonce = 'AAAA')), /incorrect nonce size/],
  ];
  for (const [pem, reason] of cases) {
    await assert.rejects(decryptCosignPrivateKey(pem, pass('p')), (err: Error) => {
      assert.ok(err instanceof CosignKeyFormatError, err.message);
      assert.match(err.message, reason);
      return true;
    });
  }
});
