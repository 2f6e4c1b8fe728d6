import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { after, before, test } from 'node:test';
import { COSIGN_SIGNATURE_TYPE } from './cosign-classic.ts';
import { type ClassicSignature, verifyCosignSignatures } from './cosign-classic-verify.ts';
import {
  logClassicSignature,
  type SigstoreServices,
  startSigstoreServices,
} from './sigstore-fixture.testkit.ts';
import { parseTrustedRoot } from './sigstore-trust.ts';

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
function signed(privateKey: KeyObject, payload: Buffer): ClassicSignature {
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

let services: SigstoreServices;
before(async () => {
  services = await startSigstoreServices();
});
after(() => services.close());

function logTrust(root: Record<string, unknown>) {
  const parsed = parseTrustedRoot(Buffer.from(JSON.stringify(root)));
  assert.ok(parsed.ok);
  return parsed.material;
}

test('with the transparency log required, a signature logged in Rekor verifies and names its entry', async () => {
  const k = keyPair();
  const layer = signed(k.privateKey, payloadFor(DIGEST));
  const rekorBundle = await logClassicSignature(services, layer, k.publicKey);
  const verdict = verifyCosignSignatures({
    digest: DIGEST,
    layers: [{ ...layer, rekorBundle }],
    publicKeys: [k.publicKey],
    logTrust: logTrust(services.trustedRoot),
  });
  assert.ok(verdict.verified, verdict.verified ? '' : verdict.reason);
  assert.match(verdict.logIndex ?? '', /^\d+$/);
});

test('with the transparency log required: unlogged, logged elsewhere, or an entry of another signature are refused', async () => {
  const k = keyPair();
  const layer = signed(k.privateKey, payloadFor(DIGEST));
  const trust = logTrust(services.trustedRoot);
  const unlogged = verifyCosignSignatures({
    digest: DIGEST,
    layers: [layer],
    publicKeys: [k.publicKey],
    logTrust: trust,
  });
  assert.match(unlogged.verified ? '' : unlogged.reason, /carries no transparency-log entry/);

  const other = await startSigstoreServices();
  try {
    const elsewhere = await logClassicSignature(other, layer, k.publicKey);
    const v = verifyCosignSignatures({
      digest: DIGEST,
      layers: [{ ...layer, rekorBundle: elsewhere }],
      publicKeys: [k.publicKey],
      logTrust: trust,
    });
    assert.match(v.verified ? '' : v.reason, /transparency-log entry does not verify/);
  } finally {
    await other.close();
  }

  // A genuine entry, but for another signature of the same key: the entry body must match this one.
  const another = signed(k.privateKey, payloadFor(digestOf('another image')));
  const borrowed = await logClassicSignature(services, another, k.publicKey);
  const b = verifyCosignSignatures({
    digest: DIGEST,
    layers: [{ ...layer, rekorBundle: borrowed }],
    publicKeys: [k.publicKey],
    logTrust: trust,
  });
  assert.match(b.verified ? '' : b.reason, /transparency-log entry does not verify/);
});
