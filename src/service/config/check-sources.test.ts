import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
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
    { env: { SET: 'x' }, readFile: files.readFile, readDir: files.readDir },
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
