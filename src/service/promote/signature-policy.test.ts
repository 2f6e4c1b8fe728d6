import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import { memoryFiles } from '../config/config-fixture.ts';
import { loadPublicKeys, loadTrustedRoot } from './signature-policy.ts';

function keyPair() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

test('loadPublicKeys keeps P-256 keys index-aligned and names unusable files', async () => {
  const p256 = keyPair().publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const files = memoryFiles({ '/keys/a.pub': p256, '/keys/rsa.pub': rsa, '/keys/junk.pub': 'hello' });
  const { keys, problems } = await loadPublicKeys(
    ['/keys/missing.pub', '/keys/a.pub', '/keys/rsa.pub', '/keys/junk.pub'],
    files.readFile,
  );
  assert.deepEqual(
    keys.map((k) => k !== undefined),
    [false, true, false, false],
  );
  assert.equal(problems.length, 3);
  assert.match(problems[0]!, /missing\.pub: file does not exist/);
  assert.match(problems[1]!, /rsa\.pub is unusable: not an ECDSA P-256 key/);
  assert.match(problems[2]!, /junk\.pub is unusable: not a PEM public key/);
  assert.ok(!problems.join('\n').includes('hello'), 'file content never appears in a problem');
});

test('loadTrustedRoot names a missing file or a file that is not a Sigstore trusted root', async () => {
  const files = memoryFiles({
    '/etc/ferry/cosign.pub': 'not a root',
    '/etc/ferry/other.json': JSON.stringify({ mediaType: 'application/json' }),
  });
  const missing = await loadTrustedRoot('/etc/ferry/trusted_root.json', files.readFile);
  assert.match(
    'problem' in missing ? missing.problem : '',
    /cannot read trusted root .*trusted_root\.json: file does not exist/,
  );
  const notJson = await loadTrustedRoot('/etc/ferry/cosign.pub', files.readFile);
  assert.match('problem' in notJson ? notJson.problem : '', /cosign\.pub is not JSON/);
  const wrong = await loadTrustedRoot('/etc/ferry/other.json', files.readFile);
  assert.match('problem' in wrong ? wrong.problem : '', /is not a Sigstore trusted root/);
});
