import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { test } from 'node:test';
import { COSIGN_SIGNATURE_TYPE } from '../../signature/cosign-classic.ts';
import { memoryFiles } from '../config/config-fixture.ts';
import { loadPublicKeys, type SignatureLayer, verifyCosignSignatures } from './signature-policy.ts';

const digestOf = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
const DIGEST = digestOf('image');

function keyPair() {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

function payloadFor(digest: string, type = COSIGN_SIGNATURE_TYPE): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': 'registry.example/team/app' },
        image: { 'docker-manifest-digest': digest },
        type,
      },
      optional: null,
    }),
  );
}

/** What `cosign sign --key` stores: the base64 DER ECDSA signature over the payload bytes. */
function signed(privateKey: KeyObject, payload: Buffer): SignatureLayer {
  return {
    payload,
    signature: sign('sha256', payload, { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
  };
}

test('a signature made with any configured key verifies, naming the key', () => {
  const a = keyPair();
  const b = keyPair();
  const verdict = verifyCosignSignatures({
    digest: DIGEST,
    layers: [signed(b.privateKey, payloadFor(DIGEST))],
    publicKeys: [a.publicKey, b.publicKey],
  });
  assert.deepEqual(verdict, { verified: true, keyIndex: 1, layerIndex: 0 });
});

test('any layer may carry the good signature', () => {
  const a = keyPair();
  const other = keyPair();
  const verdict = verifyCosignSignatures({
    digest: DIGEST,
    layers: [signed(other.privateKey, payloadFor(DIGEST)), signed(a.privateKey, payloadFor(DIGEST))],
    publicKeys: [a.publicKey],
  });
  assert.deepEqual(verdict, { verified: true, keyIndex: 0, layerIndex: 1 });
});

test('a signature by an unknown key does not verify', () => {
  const configured = keyPair();
  const stranger = keyPair();
  const verdict = verifyCosignSignatures({
    digest: DIGEST,
    layers: [signed(stranger.privateKey, payloadFor(DIGEST))],
    publicKeys: [configured.publicKey],
  });
  assert.equal(verdict.verified, false);
  assert.match(!verdict.verified ? verdict.reason : '', /no signature .* verifies/);
});

test('a valid signature of another digest is refused, and says so', () => {
  const k = keyPair();
  const other = digestOf('other image');
  const verdict = verifyCosignSignatures({
    digest: DIGEST,
    layers: [signed(k.privateKey, payloadFor(other))],
    publicKeys: [k.publicKey],
  });
  assert.equal(verdict.verified, false);
  assert.ok(!verdict.verified && verdict.reason.includes(other));
});

test('a payload that is not a cosign image signature is refused', () => {
  const k = keyPair();
  const verdict = verifyCosignSignatures({
    digest: DIGEST,
    layers: [signed(k.privateKey, payloadFor(DIGEST, 'atomic container signature'))],
    publicKeys: [k.publicKey],
  });
  assert.equal(verdict.verified, false);
  assert.match(
    !verdict.verified ? verdict.reason : '',
    /Unrecognized signature type atomic container signature/,
  );
});

test('a tampered payload or a garbage signature does not verify (and does not throw)', () => {
  const k = keyPair();
  const good = signed(k.privateKey, payloadFor(DIGEST));
  const tampered = Buffer.from(good.payload);
  tampered[10] = (tampered[10] ?? 0) ^ 1;
  for (const layer of [
    { payload: tampered, signature: good.signature },
    { payload: good.payload, signature: Buffer.from('not a DER signature').toString('base64') },
    { payload: good.payload, signature: '%%% not base64 %%%' },
    { payload: good.payload, signature: '' },
  ]) {
    assert.equal(
      verifyCosignSignatures({ digest: DIGEST, layers: [layer], publicKeys: [k.publicKey] }).verified,
      false,
    );
  }
});

test('no layers or no usable keys: not verified, with a reason', () => {
  const k = keyPair();
  const none = verifyCosignSignatures({ digest: DIGEST, layers: [], publicKeys: [k.publicKey] });
  assert.match(!none.verified ? none.reason : '', /holds no signatures/);
  const noKeys = verifyCosignSignatures({
    digest: DIGEST,
    layers: [signed(k.privateKey, payloadFor(DIGEST))],
    publicKeys: [undefined],
  });
  assert.match(!noKeys.verified ? noKeys.reason : '', /no usable public key/);
});

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
