import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import {
  COSIGN_SIGNATURE_ANNOTATION,
  checkCosignSignature,
  parseSimpleSigningPayload,
  SIMPLE_SIGNING_MEDIA_TYPE,
} from './cosign-classic.ts';
import { createCosignSignature, goJson, simpleSigningPayload } from './cosign-classic-sign.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const claim = {
  manifestDigest: DIGEST,
  dockerReference: 'registry.example:5000/team/app:v1',
  creator: 'ferry 0.1.0',
  timestamp: 1765100000,
};

test('the payload is containers/image’s JSON: Go map order (keys sorted), no spaces, tag kept', () => {
  assert.equal(
    simpleSigningPayload(claim).toString(),
    '{"critical":{"identity":{"docker-reference":"registry.example:5000/team/app:v1"},' +
      `"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},` +
      '"optional":{"creator":"ferry 0.1.0","timestamp":1765100000}}',
  );
});

test('the payload passes the strict parser that mirrors containers/image’s', () => {
  const parsed = parseSimpleSigningPayload(simpleSigningPayload(claim));
  assert.deepEqual(parsed, {
    ok: true,
    value: {
      dockerManifestDigest: DIGEST,
      dockerReference: claim.dockerReference,
      creator: claim.creator,
      timestamp: claim.timestamp,
    },
  });
});

test('ECDSA, RSA and Ed25519 keys sign; the signature verifies with the public key and no other', () => {
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  for (const pair of [
    generateKeyPairSync('ec', { namedCurve: 'P-256' }),
    generateKeyPairSync('rsa', { modulusLength: 2048 }),
    generateKeyPairSync('ed25519'),
  ]) {
    const sig = createCosignSignature(pair.privateKey, claim);
    assert.equal(sig.mediaType, SIMPLE_SIGNING_MEDIA_TYPE);
    const annotation = sig.annotations[COSIGN_SIGNATURE_ANNOTATION]!;
    assert.deepEqual(checkCosignSignature(pair.publicKey, sig.bytes, annotation), { ok: true });
    assert.equal(checkCosignSignature(stranger.publicKey, sig.bytes, annotation).ok, false);
  }
});

test('goJson escapes what Go’s encoder escapes', () => {
  assert.equal(goJson({ b: '<&>', a: '\u2028' }), '{"a":"\\u2028","b":"\\u003c\\u0026\\u003e"}');
});
