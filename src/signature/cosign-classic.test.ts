import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import {
  checkCosignSignature,
  cosignSignatureTag,
  fetchCosignSignatures,
  parsePublicKeyPem,
  parseSimpleSigningPayload,
} from './cosign-classic.ts';
import { MemorySource, putSignatures, simpleSigningPayload } from './signature-fixture.testkit.ts';

const DIGEST = `sha256:${createHash('sha256').update('image').digest('hex')}`;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

test('the signature tag is cosign’s sha256-<hex>.sig', () => {
  assert.equal(cosignSignatureTag(DIGEST), `sha256-${DIGEST.slice(7)}.sig`);
});

test('ECDSA, RSA (PKCS#1 v1.5) and Ed25519 signatures over SHA-256 verify; another key does not', () => {
  const payload = simpleSigningPayload(DIGEST, 'reg.example/app:v1');
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ed = generateKeyPairSync('ed25519');
  const cases = [
    [ec, sign('sha256', payload, { key: ec.privateKey, dsaEncoding: 'der' })],
    [rsa, sign('sha256', payload, rsa.privateKey)],
    [ed, sign(null, payload, ed.privateKey)],
  ] as const;
  for (const [pair, signature] of cases) {
    assert.deepEqual(checkCosignSignature(pair.publicKey, payload, signature.toString('base64')), {
      ok: true,
    });
  }
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
  assert.deepEqual(checkCosignSignature(stranger, payload, cases[0][1].toString('base64')), {
    ok: false,
    reason:
      'cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature',
  });
});

test('a tampered payload, a non-DER signature or bad base64 is refused without throwing', () => {
  const payload = simpleSigningPayload(DIGEST, 'reg.example/app:v1');
  const good = sign('sha256', payload, { key: ec.privateKey, dsaEncoding: 'der' }).toString('base64');
  const tampered = Buffer.from(payload);
  tampered[20] = (tampered[20] ?? 0) ^ 1;
  assert.equal(checkCosignSignature(ec.publicKey, tampered, good).ok, false);
  assert.equal(checkCosignSignature(ec.publicKey, payload, Buffer.from('junk').toString('base64')).ok, false);
  for (const bad of ['%%%', good.slice(0, -2), ` ${good}`]) {
    assert.deepEqual(checkCosignSignature(ec.publicKey, payload, bad), {
      ok: false,
      reason: 'base64 decoding: illegal base64 data',
    });
  }
});

test('public keys: PEM public keys only; a private key is not quietly used as its public half', () => {
  const pem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  assert.equal(parsePublicKeyPem(pem).asymmetricKeyType, 'ec');
  const priv = ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.throws(() => parsePublicKeyPem(priv), /expected a PUBLIC KEY PEM block, found PRIVATE KEY/);
  assert.throws(() => parsePublicKeyPem('hello'), /PEM decoding failed/);
  assert.throws(
    () => parsePublicKeyPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'),
    /not a valid public key/,
  );
});

test('payloads are parsed as strictly as containers/image', () => {
  const ok = parseSimpleSigningPayload(simpleSigningPayload(DIGEST, 'reg.example/app:v1'));
  assert.deepEqual(ok, {
    ok: true,
    value: {
      dockerManifestDigest: DIGEST,
      dockerReference: 'reg.example/app:v1',
      creator: undefined,
      timestamp: undefined,
    },
  });
  const withOptional = JSON.parse(simpleSigningPayload(DIGEST, 'r/a:v1').toString());
  withOptional.optional = { creator: 'cosign', timestamp: 1700000000, team: 'a' };
  const parsed = parseSimpleSigningPayload(Buffer.from(JSON.stringify(withOptional)));
  assert.ok(parsed.ok && parsed.value.creator === 'cosign' && parsed.value.timestamp === 1700000000);

  const variants: [unknown, RegExp][] = [
    [{ critical: {} }, /Key "optional" missing/],
    [{ ...withOptional, extra: 1 }, /Unknown key "extra"/],
    [{ ...withOptional, optional: { timestamp: 1.5 } }, /timestamp is not is not an integer/],
    [
      { ...withOptional, critical: { ...withOptional.critical, type: 'atomic container signature' } },
      /Unrecognized signature type atomic/,
    ],
    [{ ...withOptional, critical: { ...withOptional.critical, extra: {} } }, /Unknown key "extra"/],
    [
      { ...withOptional, critical: { ...withOptional.critical, image: {} } },
      /Key "docker-manifest-digest" missing/,
    ],
  ];
  for (const [json, reason] of variants) {
    const r = parseSimpleSigningPayload(Buffer.from(JSON.stringify(json)));
    assert.ok(!r.ok, JSON.stringify(json));
    assert.match(r.reason, reason);
  }
  const dup = Buffer.from(
    `{"critical":{"identity":{"docker-reference":"r/a:v1"},"image":{"docker-manifest-digest":"${DIGEST}","docker-manifest-digest":"sha256:00"},"type":"cosign container image signature"},"optional":null}`,
  );
  assert.deepEqual(parseSimpleSigningPayload(dup), {
    ok: false,
    reason: 'duplicate key "docker-manifest-digest"',
  });
});

test('fetchCosignSignatures reads every layer of the .sig manifest; no tag is undefined', async () => {
  const source = new MemorySource();
  const digest = source.putImage('one', 'v1');
  assert.equal(await fetchCosignSignatures(source, digest), undefined);
  const payload = simpleSigningPayload(digest, 'memory.example/team/app:v1');
  putSignatures(source, digest, [
    { payload, key: ec.privateKey },
    { payload: Buffer.from('{}'), signature: 'AAAA', mediaType: 'application/vnd.in-toto+json' },
  ]);
  const found = await fetchCosignSignatures(source, digest);
  assert.equal(found?.tag, cosignSignatureTag(digest));
  assert.equal(found?.attachments.length, 2);
  assert.deepEqual(Buffer.from(found!.attachments[0]!.payload!), payload);
  assert.equal(found?.attachments[1]?.mediaType, 'application/vnd.in-toto+json');
});
