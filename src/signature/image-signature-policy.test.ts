import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { SerializedBundle } from '@sigstore/bundle';
import type { TrustMaterial } from '@sigstore/verify';
import { evaluateImageSignatures, type ImageSignaturePolicy } from './image-signature-policy.ts';
import { COSIGN_SIGN_PREDICATE_TYPE } from './in-toto-statement.ts';
import { simpleSigningPayload } from './signature-fixture.testkit.ts';
import {
  cosignSignStatement,
  type SigstoreServices,
  signKeyBundle,
  startSigstoreServices,
} from './sigstore-fixture.testkit.ts';
import type { StoredBundle } from './sigstore-referrers.ts';
import { parseTrustedRoot } from './sigstore-trust.ts';

const IMAGE = `sha256:${'c'.repeat(64)}`;
const SLSA = 'https://slsa.dev/provenance/v1';
const SPDX = 'https://spdx.dev/Document';
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });

let services: SigstoreServices;
let trust: TrustMaterial;
before(async () => {
  services = await startSigstoreServices();
  const parsed = parseTrustedRoot(Buffer.from(JSON.stringify(services.trustedRoot)));
  assert.ok(parsed.ok);
  trust = parsed.material;
});
after(() => services.close());

function policy(overrides: Partial<ImageSignaturePolicy> = {}): ImageSignaturePolicy {
  return {
    keys: [key.publicKey],
    identities: [],
    trust,
    tlog: true,
    signaturePredicateTypes: [COSIGN_SIGN_PREDICATE_TYPE],
    attestations: [],
    ...overrides,
  };
}

async function bundle(predicateType: string, n: number): Promise<StoredBundle> {
  const json: SerializedBundle = await signKeyBundle({
    statement: cosignSignStatement(IMAGE, predicateType, predicateType === SLSA ? { buildType: 'x' } : {}),
    privateKey: key.privateKey,
    services,
  });
  return {
    referrer: `sha256:${String(n).repeat(64)}`,
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    annotations: {},
    json,
  };
}

function classicLayer() {
  const payload = simpleSigningPayload(IMAGE, 'registry.example/team/app');
  return {
    payload,
    signature: sign('sha256', payload, { key: key.privateKey, dsaEncoding: 'der' }).toString('base64'),
  };
}

test('nothing attached: "not signed", naming both places looked at', () => {
  const verdict = evaluateImageSignatures(IMAGE, { classic: undefined, bundles: [], skipped: [] }, policy());
  assert.equal(verdict.verified, false);
  assert.match(
    verdict.verified ? '' : verdict.reason,
    /^not signed: sha256-c{64}\.sig does not exist and no Sigstore bundle is attached$/,
  );
});

test('by default only cosign sign/v1 bundles count as signatures; predicateTypes "any" is cosign\'s behaviour', async () => {
  const sbom = await bundle(SPDX, 1);
  const strict = evaluateImageSignatures(
    IMAGE,
    { classic: undefined, bundles: [sbom], skipped: [] },
    policy(),
  );
  assert.equal(strict.verified, false);
  assert.match(
    strict.verified ? '' : strict.reason,
    /verified attestations of type https:\/\/spdx.dev\/Document do not count as signatures/,
  );
  const any = evaluateImageSignatures(
    IMAGE,
    { classic: undefined, bundles: [sbom], skipped: [] },
    policy({ signaturePredicateTypes: 'any' }),
  );
  assert.ok(any.verified);
  assert.equal(any.signature.kind === 'sigstore-bundle' && any.signature.predicateType, SPDX);
});

test('a verified bundle is preferred to a classic signature; the classic one alone still counts', async () => {
  const signed = await bundle(COSIGN_SIGN_PREDICATE_TYPE, 2);
  const both = evaluateImageSignatures(
    IMAGE,
    { classic: [classicLayer()], bundles: [signed], skipped: [] },
    policy({ tlog: false }),
  );
  assert.ok(both.verified);
  assert.equal(both.signature.kind, 'sigstore-bundle');
  const classicOnly = evaluateImageSignatures(
    IMAGE,
    { classic: [classicLayer()], bundles: [], skipped: [] },
    policy({ tlog: false }),
  );
  assert.ok(classicOnly.verified);
  assert.deepEqual(classicOnly.signature, {
    kind: 'cosign-classic',
    tag: `sha256-${'c'.repeat(64)}.sig`,
    layerIndex: 0,
    keyIndex: 0,
    logIndex: undefined,
    integratedTime: undefined,
  });
  // With the log required, the unlogged classic signature no longer passes.
  const logged = evaluateImageSignatures(
    IMAGE,
    { classic: [classicLayer()], bundles: [], skipped: [] },
    policy(),
  );
  assert.match(logged.verified ? '' : logged.reason, /carries no transparency-log entry/);
});

test('required attestations: present → named in the verdict; missing → refused, naming the type', async () => {
  const signed = await bundle(COSIGN_SIGN_PREDICATE_TYPE, 3);
  const provenance = await bundle(SLSA, 4);
  const withIt = evaluateImageSignatures(
    IMAGE,
    { classic: undefined, bundles: [signed, provenance], skipped: [] },
    policy({ attestations: [{ predicateType: SLSA }] }),
  );
  assert.ok(withIt.verified);
  assert.deepEqual(
    withIt.attestations.map((a) => [a.referrer, a.predicateType]),
    [[provenance.referrer, SLSA]],
  );
  const without = evaluateImageSignatures(
    IMAGE,
    { classic: undefined, bundles: [signed], skipped: [] },
    policy({ attestations: [{ predicateType: SLSA }] }),
  );
  assert.match(
    without.verified ? '' : without.reason,
    /^no attestation of type https:\/\/slsa.dev\/provenance\/v1 signed by a trusted key or identity$/,
  );
  // An attestation signed by someone else does not count, and the reason says why.
  const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const foreign: StoredBundle = {
    ...provenance,
    json: await signKeyBundle({
      statement: cosignSignStatement(IMAGE, SLSA),
      privateKey: stranger.privateKey,
      services,
    }),
  };
  const foreignVerdict = evaluateImageSignatures(
    IMAGE,
    { classic: undefined, bundles: [signed, foreign], skipped: [] },
    policy({ attestations: [{ predicateType: SLSA }] }),
  );
  assert.match(
    foreignVerdict.verified ? '' : foreignVerdict.reason,
    /no attestation of type .* \(bundle sha256:4+: the bundle signature verifies with none/,
  );
});

test('bundles after the ones that satisfy the policy are not verified (bounded work)', async () => {
  const signed = await bundle(COSIGN_SIGN_PREDICATE_TYPE, 5);
  // Not even a bundle, and it records whether verification looked at it at all.
  let read = false;
  const json = new Proxy(
    { junk: true },
    {
      get: (target, key) => {
        read = true;
        return Reflect.get(target, key);
      },
    },
  );
  const junk: StoredBundle = { ...signed, referrer: `sha256:${'6'.repeat(64)}`, json };
  const verdict = evaluateImageSignatures(
    IMAGE,
    { classic: undefined, bundles: [signed, junk], skipped: [] },
    policy(),
  );
  assert.ok(verdict.verified);
  assert.equal(read, false, 'the second bundle was never read');
  const failing = evaluateImageSignatures(
    IMAGE,
    { classic: undefined, bundles: [signed, junk], skipped: [] },
    policy({ attestations: [{ predicateType: SLSA }] }),
  );
  assert.match(failing.verified ? '' : failing.reason, /bundle sha256:6{64}: not a valid Sigstore bundle/);
});
