import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { encryptCosignPrivateKey } from '../../signature/cosign-private-key.ts';
import { AttestationKeyCache } from './attestation-key-cache.ts';
import { checkSources } from './check-sources.ts';
import { FAKE_CA_PEM, memoryFiles, p256PublicKeyPem } from './config-fixture.ts';

const pem = (key: { export(o: { type: 'spki'; format: 'pem' }): string | Buffer }) =>
  key.export({ type: 'spki', format: 'pem' }).toString();

test('content checks: CA, auth file, public keys, cert dir, token file', async () => {
  const p384 = pem(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey);
  const ed = pem(generateKeyPairSync('ed25519').publicKey);
  const privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const files = memoryFiles(
    {
      '/ok.crt': FAKE_CA_PEM,
      '/bad.crt': 'not a cert',
      '/auth.json': '{"auths":{}}',
      '/auth-bad.json': '{',
      '/good.pub': p256PublicKeyPem(),
      '/p384.pub': p384,
      '/ed.pub': ed,
      '/private.pem': privateKey,
      '/garbage.pub': 'hello',
      '/token': '\n',
      '/file': 'x',
    },
    ['/certs'],
  );
  const problems = await checkSources(
    [
      { kind: 'ca-file', path: ['a'], file: '/ok.crt' },
      { kind: 'ca-file', path: ['b'], file: '/bad.crt' },
      { kind: 'auth-file', path: ['c'], file: '/auth.json' },
      { kind: 'auth-file', path: ['d'], file: '/auth-bad.json' },
      { kind: 'public-key', path: ['e'], file: '/good.pub' },
      { kind: 'public-key', path: ['f'], file: '/p384.pub' },
      { kind: 'public-key', path: ['g'], file: '/ed.pub' },
      { kind: 'public-key', path: ['h'], file: '/private.pem' },
      { kind: 'public-key', path: ['i'], file: '/garbage.pub' },
      { kind: 'token-file', path: ['j'], file: '/token' },
      { kind: 'cert-dir', path: ['k'], dir: '/certs' },
      { kind: 'cert-dir', path: ['l'], dir: '/file' },
      { kind: 'cert-dir', path: ['m'], dir: '/absent' },
      { kind: 'secret', path: ['n'], ref: { value: 'inline' } },
      { kind: 'secret', path: ['o'], ref: { env: 'SET' } },
      { kind: 'ca-file', path: ['p'], file: '/certs' },
    ],
    {
      env: { SET: 'x' },
      readFile: files.readFile,
      readDir: files.readDir,
      attestationKeys: new AttestationKeyCache(),
    },
  );
  assert.deepEqual(
    problems.map((p) => [p.path[0], p.message]),
    [
      ['b', 'CA file /bad.crt contains no PEM certificate'],
      [
        'd',
        'auth file /auth-bad.json is not valid JSON (expected a containers auth.json or docker config.json)',
      ],
      ['f', 'public key file /p384.pub is not an ECDSA P-256 key (found ec secp384r1)'],
      ['g', 'public key file /ed.pub is not an ECDSA P-256 key (found ed25519)'],
      ['h', 'public key file /private.pem holds a private key; configure the public key (cosign.pub)'],
      ['i', 'public key file /garbage.pub is not a PEM public key'],
      ['j', 'token file /token is empty'],
      ['l', 'cannot read certificate directory /file: not a directory'],
      ['m', 'cannot read certificate directory /absent: file does not exist'],
      ['p', 'cannot read CA file /certs: it is a directory, not a file'],
    ],
  );
});

test('attestation signing keys: readable, a PEM ECDSA P-256 private key; messages name the rule and file, never the key', async () => {
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const pkcs8 = p256.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sec1 = p256.export({ type: 'sec1', format: 'pem' }).toString();
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const encrypted = p256
    .export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' })
    .toString();
  const files = memoryFiles(
    {
      '/k8.pem': pkcs8,
      '/sec1.pem': sec1,
      '/p384.pem': p384,
      '/enc.pem': encrypted,
      '/pub.pem': p256PublicKeyPem(),
      '/garbage.pem': 'hello',
    },
    [],
  );
  const key = (path: string, file: string) =>
    ({ kind: 'signing-key', path: [path], ref: { file }, rule: 'to-prod' }) as const;
  const problems = await checkSources(
    [
      key('a', '/k8.pem'),
      key('b', '/sec1.pem'),
      key('c', '/p384.pem'),
      key('d', '/enc.pem'),
      key('e', '/pub.pem'),
      key('f', '/garbage.pem'),
      key('g', '/absent.pem'),
      { kind: 'signing-key', path: ['h'], ref: { env: 'UNSET' }, rule: 'to-prod' },
    ],
    { env: {}, readFile: files.readFile, readDir: files.readDir, attestationKeys: new AttestationKeyCache() },
  );
  assert.deepEqual(
    problems.map((p) => [p.path[0], p.message]),
    [
      ['c', 'attestation key /p384.pem of rule "to-prod" is not an ECDSA P-256 key (found ec secp384r1)'],
      [
        'd',
        'attestation key /enc.pem of rule "to-prod" is encrypted in OpenSSL\'s format; ferry reads cosign\'s encrypted key file (cosign generate-key-pair, ferry generate-sigstore-key) with attest.passphrase, or an unencrypted PEM private key (PKCS#8 or SEC1)',
      ],
      ['e', 'attestation key /pub.pem of rule "to-prod" is not a PEM private key'],
      ['f', 'attestation key /garbage.pem of rule "to-prod" is not a PEM private key'],
      ['g', 'attestation key of rule "to-prod": cannot read secret file /absent.pem: file does not exist'],
      ['h', 'attestation key of rule "to-prod": environment variable UNSET is not set'],
    ],
  );
  for (const p of problems) assert.ok(!p.message.includes('PRIVATE KEY'), p.message);
});

test('cosign-encrypted attestation keys: decrypted with attest.passphrase; each rule of the passphrase is enforced with its own code', async () => {
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const passphrase = 'correct horse battery staple';
  const cosign = await encryptCosignPrivateKey(p256, Buffer.from(passphrase));
  const sigstore = cosign.replaceAll('ENCRYPTED COSIGN PRIVATE KEY', 'ENCRYPTED SIGSTORE PRIVATE KEY');
  const files = memoryFiles(
    {
      '/cosign.key': cosign,
      '/sigstore.key': sigstore,
      '/plain.pem': p256.export({ type: 'pkcs8', format: 'pem' }).toString(),
      '/password': `${passphrase}\n`,
    },
    [],
  );
  const key = (rule: string, file: string, passphraseRef?: { env: string } | { file: string }) =>
    ({
      kind: 'signing-key',
      path: ['promotions', 0, 'attest', 'keyFile'],
      ref: { file },
      rule,
      passphrase: passphraseRef,
    }) as const;
  const attestationKeys = new AttestationKeyCache();
  const problems = await checkSources(
    [
      key('env-passphrase', '/cosign.key', { env: 'COSIGN_PASSWORD' }),
      key('file-passphrase', '/sigstore.key', { file: '/password' }),
      key('no-passphrase', '/cosign.key'),
      key('wrong-passphrase', '/cosign.key', { env: 'WRONG' }),
      key('plain-with-passphrase', '/plain.pem', { env: 'COSIGN_PASSWORD' }),
      key('unset-passphrase', '/cosign.key', { env: 'UNSET' }),
    ],
    {
      env: { COSIGN_PASSWORD: passphrase, WRONG: 'Tr0ub4dor&3' },
      readFile: files.readFile,
      readDir: files.readDir,
      attestationKeys,
    },
  );
  assert.deepEqual(
    problems.map((p) => [p.path.join('.'), p.message, p.code]),
    [
      [
        'promotions.0.attest.keyFile',
        'attestation key /cosign.key of rule "no-passphrase" is encrypted (cosign key file) and the rule sets no attest.passphrase; add attest.passphrase pointing at its password (what cosign reads from COSIGN_PASSWORD)',
        'FERRY_E_ATTEST_KEY_PASSPHRASE_MISSING',
      ],
      [
        'promotions.0.attest.passphrase',
        'attestation key /cosign.key of rule "wrong-passphrase" cannot be decrypted with attest.passphrase (environment variable WRONG): wrong passphrase, or a damaged key file',
        'FERRY_E_ATTEST_KEY_PASSPHRASE_WRONG',
      ],
      [
        'promotions.0.attest.passphrase',
        'attestation key /plain.pem of rule "plain-with-passphrase" is not encrypted, but the rule sets attest.passphrase; remove attest.passphrase, or point keyFile at the encrypted cosign key',
        'FERRY_E_ATTEST_KEY_NOT_ENCRYPTED',
      ],
      [
        'promotions.0.attest.passphrase',
        'attestation key passphrase of rule "unset-passphrase": environment variable UNSET is not set',
        undefined,
      ],
    ],
  );
  for (const p of problems) {
    assert.ok(!p.message.includes(passphrase) && !p.message.includes('Tr0ub4dor'), p.message);
    assert.ok(!p.message.includes('PRIVATE KEY'), p.message);
  }
  // What the check decrypted is kept for the engine: the same key object, no second scrypt.
  const first = await attestationKeys.privateKey(
    { rule: 'env-passphrase', keyRef: { file: '/cosign.key' } },
    cosign,
    passphrase,
  );
  const again = await attestationKeys.privateKey(
    { rule: 'env-passphrase', keyRef: { file: '/cosign.key' } },
    cosign,
    passphrase,
  );
  assert.equal(again, first);
  assert.deepEqual(
    first.export({ type: 'pkcs8', format: 'der' }),
    p256.export({ type: 'pkcs8', format: 'der' }),
  );
});
