import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { test } from 'node:test';
import { admissionCandidate } from '../copy/admission.ts';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { MediaType } from '../oci/media-types.ts';
import { COSIGN_SIGN_PREDICATE_TYPE } from '../signature/in-toto-statement.ts';
import { signStatementBundle } from '../signature/sign-dsse-bundle.ts';
import {
  MemorySource,
  putBundleReferrer,
  putSignatures,
  simpleSigningPayload,
} from '../signature/signature-fixture.testkit.ts';
import { cosignSignStatement } from '../signature/sigstore-fixture.testkit.ts';
import { parsePolicy } from './parse-policy.ts';
import { policyAdmission } from './policy-admission.ts';
import { dockerSubject } from './policy-subject.ts';

const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const PEM = signer.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const files: Record<string, string> = { '/keys/signer.pub': PEM };
const readFile = async (path: string) => {
  const text = files[path];
  if (text === undefined) throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  return Buffer.from(text);
};
const IMAGE_REF = 'memory.example/team/app:v1';
const subject = dockerSubject({ registry: 'memory.example', repository: 'team/app', tag: 'v1' });

function admission(policyJson: unknown, source: MemorySource) {
  const policy = parsePolicy(JSON.stringify(policyJson), '/etc/containers/policy.json');
  return policyAdmission({
    policy,
    file: '/etc/containers/policy.json',
    subject,
    source,
    referrers: source,
    readFile,
  });
}

const keyPolicy = (extra: Record<string, unknown> = {}) => ({
  default: [{ type: 'sigstoreSigned', keyPath: '/keys/signer.pub', ...extra }],
});

async function verdict(policyJson: unknown, source: MemorySource, digest: string): Promise<string> {
  const admit = admission(policyJson, source);
  if (admit === undefined) return 'no check';
  try {
    await admit(admissionCandidate(source, digest, undefined, undefined));
    return 'admitted';
  } catch (err) {
    assert.ok(err instanceof FerryError, String(err));
    return `${err.code}: ${err.message}`;
  }
}

test('insecureAcceptAnything everywhere needs no check at all', () => {
  assert.equal(admission({ default: [{ type: 'insecureAcceptAnything' }] }, new MemorySource()), undefined);
});

test('reject names the image as skopeo does', async () => {
  const source = new MemorySource();
  const digest = source.putImage('a', 'v1');
  assert.equal(
    await verdict({ default: [{ type: 'reject' }] }, source, digest),
    `${ErrorCode.PolicyRejected}: Source image rejected: Running image docker://${IMAGE_REF} is rejected by policy.`,
  );
});

test('sigstoreSigned: a good signature admits; keyData works like keyPath', async () => {
  const source = new MemorySource();
  const digest = source.putImage('good', 'v1');
  putSignatures(source, digest, [
    { payload: simpleSigningPayload(digest, IMAGE_REF), key: signer.privateKey },
  ]);
  assert.equal(await verdict(keyPolicy(), source, digest), 'admitted');
  const keyData = Buffer.from(PEM).toString('base64');
  assert.equal(await verdict({ default: [{ type: 'sigstoreSigned', keyData }] }, source, digest), 'admitted');
});

test('sigstoreSigned refusals carry containers/image reasons', async () => {
  const source = new MemorySource();
  const unsigned = source.putImage('unsigned');
  const wrongKey = source.putImage('wrong-key');
  putSignatures(source, wrongKey, [
    { payload: simpleSigningPayload(wrongKey, IMAGE_REF), key: stranger.privateKey },
  ]);
  const otherDigest = source.putImage('other-digest');
  putSignatures(source, otherDigest, [
    { payload: simpleSigningPayload(unsigned, IMAGE_REF), key: signer.privateKey },
  ]);
  const otherIdentity = source.putImage('other-identity');
  putSignatures(source, otherIdentity, [
    { payload: simpleSigningPayload(otherIdentity, 'memory.example/team/other:v1'), key: signer.privateKey },
  ]);
  const twoBad = source.putImage('two-bad');
  putSignatures(source, twoBad, [
    { payload: simpleSigningPayload(twoBad, IMAGE_REF), key: stranger.privateKey },
    { payload: simpleSigningPayload(twoBad, IMAGE_REF), signature: 'AAAA' },
  ]);
  const attestationOnly = source.putImage('attestation');
  putSignatures(source, attestationOnly, [
    {
      payload: Buffer.from('{}'),
      key: signer.privateKey,
      mediaType: 'application/vnd.dsse.envelope.v1+json',
    },
  ]);
  const rejected = (reason: string) => `${ErrorCode.PolicyRejected}: Source image rejected: ${reason}`;
  const cases: [string, string][] = [
    [unsigned, rejected('A signature was required, but no signature exists')],
    [
      wrongKey,
      rejected(
        'cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature',
      ),
    ],
    [otherDigest, rejected(`Signature for digest ${unsigned} does not match`)],
    [otherIdentity, rejected('Signature for identity memory.example/team/other:v1 is not accepted')],
    [
      twoBad,
      rejected(
        'None of the signatures were accepted, reasons: cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature; cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature',
      ),
    ],
    [
      attestationOnly,
      rejected(
        'A signature was required, but no signature exists (0 non-sigstore signatures, 1 sigstore non-signature attachments)',
      ),
    ],
  ];
  for (const [digest, expected] of cases) assert.equal(await verdict(keyPolicy(), source, digest), expected);
});

test('a missing key file is a refusal naming the file, but only when there is a signature to check', async () => {
  const source = new MemorySource();
  const signed = source.putImage('signed');
  putSignatures(source, signed, [
    { payload: simpleSigningPayload(signed, IMAGE_REF), key: signer.privateKey },
  ]);
  const policy = { default: [{ type: 'sigstoreSigned', keyPath: '/keys/gone.pub' }] };
  assert.match(
    await verdict(policy, source, signed),
    /cannot read public key \/keys\/gone\.pub: file does not exist/,
  );
  assert.match(await verdict(policy, source, source.putImage('unsigned')), /no signature exists/);
});

test('signedIdentity is honoured (matchRepository accepts another tag of the repository)', async () => {
  const source = new MemorySource();
  const digest = source.putImage('tagged');
  putSignatures(source, digest, [
    { payload: simpleSigningPayload(digest, 'memory.example/team/app:v0'), key: signer.privateKey },
  ]);
  assert.match(
    await verdict(keyPolicy(), source, digest),
    /Signature for identity memory\.example\/team\/app:v0 is not accepted/,
  );
  assert.equal(
    await verdict(keyPolicy({ signedIdentity: { type: 'matchRepository' } }), source, digest),
    'admitted',
  );
});

test('an index: every image that will be copied must be signed; a signature of the index alone is not enough', async () => {
  const source = new MemorySource();
  const amd = source.putImage('amd64');
  const arm = source.putImage('arm64');
  const entry = (digest: string, architecture: string) => ({
    mediaType: MediaType.OciManifest,
    digest,
    size: source.manifests.get(digest)!.length,
    platform: { os: 'linux', architecture },
  });
  const index = source.putManifest(
    {
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [entry(amd, 'amd64'), entry(arm, 'arm64')],
    },
    'v1',
  );
  const sign = (d: string) =>
    putSignatures(source, d, [{ payload: simpleSigningPayload(d, IMAGE_REF), key: signer.privateKey }]);
  sign(index);
  sign(amd);
  const admit = admission(keyPolicy(), source)!;
  await assert.rejects(admit(admissionCandidate(source, index, undefined, undefined)), /no signature exists/);
  // Only amd64 selected: only amd64 is judged.
  await admit(admissionCandidate(source, index, undefined, [{ os: 'linux', architecture: 'amd64' }]));
  sign(arm);
  await admit(admissionCandidate(source, index, undefined, undefined));
});

test('signedBy is refused as unsupported (exit 2), naming the file and scope; signedBaseLayer rejects', async () => {
  const source = new MemorySource();
  const digest = source.putImage('gpg');
  assert.equal(
    await verdict({ default: [{ type: 'signedBy', keyType: 'GPGKeys', keyPath: '/k.gpg' }] }, source, digest),
    `${ErrorCode.PolicyUnsupported}: GPG signatures (signedBy) are not supported by ferry; use sigstoreSigned (/etc/containers/policy.json: default applies to docker://${IMAGE_REF})`,
  );
  assert.equal(
    await verdict(
      { default: [{ type: 'signedBaseLayer', baseLayerIdentity: { type: 'matchRepository' } }] },
      source,
      digest,
    ),
    `${ErrorCode.PolicyRejected}: Source image rejected: signedBaseLayer not implemented yet!`,
  );
});

test('requirements are all checked, in order: the first refusal is the one reported', async () => {
  const source = new MemorySource();
  const digest = source.putImage('order');
  putSignatures(source, digest, [
    { payload: simpleSigningPayload(digest, IMAGE_REF), key: signer.privateKey },
  ]);
  const policy = {
    default: [
      { type: 'insecureAcceptAnything' },
      { type: 'sigstoreSigned', keyPath: '/keys/signer.pub' },
      { type: 'reject' },
    ],
  };
  assert.match(await verdict(policy, source, digest), /is rejected by policy/);
});

/** Attaches to `image` a bundle of cosign's statement about `about`, signed by `key`. */
async function attachBundle(
  source: MemorySource,
  image: string,
  options: { about?: string; key?: KeyObject; predicateType?: string } = {},
): Promise<string> {
  const predicateType = options.predicateType ?? COSIGN_SIGN_PREDICATE_TYPE;
  const statement = cosignSignStatement(options.about ?? image, predicateType, {});
  const bundle = await signStatementBundle(statement, options.key ?? signer.privateKey);
  return putBundleReferrer(source, image, bundle, predicateType);
}

test('sigstoreSigned also accepts a cosign v3 Sigstore bundle signed with the key; another key is refused', async () => {
  const source = new MemorySource();
  const good = source.putImage('bundle-good');
  await attachBundle(source, good);
  assert.equal(await verdict(keyPolicy(), source, good), 'admitted');

  const foreign = source.putImage('bundle-foreign');
  const referrer = await attachBundle(source, foreign, { key: stranger.privateKey });
  assert.equal(
    await verdict(keyPolicy(), source, foreign),
    `${ErrorCode.PolicyRejected}: Source image rejected: Sigstore bundle ${referrer}: the bundle signature verifies with none of the configured public keys`,
  );
});

test('a bundle for another digest, or an attestation of another type, is not a signature of the image', async () => {
  const source = new MemorySource();
  const image = source.putImage('bundle-image');
  const other = source.putImage('bundle-other');
  await attachBundle(source, image, { about: other });
  assert.match(await verdict(keyPolicy(), source, image), new RegExp(`is about ${other}, not ${image}`));

  const attested = source.putImage('bundle-sbom');
  await attachBundle(source, attested, { predicateType: 'https://spdx.dev/Document' });
  assert.equal(
    await verdict(keyPolicy(), source, attested),
    `${ErrorCode.PolicyRejected}: Source image rejected: A signature was required, but no signature exists (0 non-sigstore signatures, 1 sigstore non-signature attachments)`,
  );
});
