import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { TrustMaterial } from '@sigstore/verify';
import { COSIGN_SIGN_PREDICATE_TYPE } from './in-toto-statement.ts';
import { type BundlePolicy, verifyBundle } from './sigstore-bundle-verify.ts';
import {
  cosignSignStatement,
  type SigstoreServices,
  signKeyBundle,
  signKeylessBundle,
  startSigstoreServices,
  timestampBundleSignature,
} from './sigstore-fixture.testkit.ts';
import { parseTrustedRoot } from './sigstore-trust.ts';

const IMAGE = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const GITHUB = 'https://token.actions.githubusercontent.com';
const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3';

let services: SigstoreServices;
let expiredServices: SigstoreServices;
let trust: TrustMaterial;
const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/*
 * Started by each describe, just before its tests: the fixture's TSA clock is fixed a minute ahead of
 * its start, and a certificate issued after that is refused. A file-level hook would run when the whole
 * unit run starts (scripts/test-unit.sh runs many files in one process), minutes too early.
 */
function startServices(): void {
  before(startAll);
  after(closeAll);
}

async function startAll(): Promise<void> {
  services = await startSigstoreServices();
  // A CA whose clock is an hour behind: its certificates expired 50 minutes ago.
  expiredServices = await startSigstoreServices({ clock: new Date(Date.now() - 3600_000) });
  const parsed = parseTrustedRoot(Buffer.from(JSON.stringify(services.trustedRoot)));
  assert.ok(parsed.ok);
  trust = parsed.material;
}

async function closeAll(): Promise<void> {
  await services.close();
  await expiredServices.close();
}

function keyPolicy(overrides: Partial<BundlePolicy> = {}): BundlePolicy {
  return { keys: [stranger.publicKey, signer.publicKey], identities: [], trust, tlog: true, ...overrides };
}

function keylessPolicy(overrides: Partial<BundlePolicy> = {}): BundlePolicy {
  return {
    keys: [],
    identities: [
      { issuer: 'https://gitlab.example', subject: 'someone' },
      {
        issuer: GITHUB,
        subjectRegExp: /^https:\/\/github\.com\/acme\/.+\/\.github\/workflows\/release\.yml@refs\/tags\/v.*$/,
      },
    ],
    trust,
    tlog: true,
    ...overrides,
  };
}

describe('key-based bundles (cosign sign --key, v3 bundle format)', () => {
  startServices();
  test('a bundle logged in Rekor verifies with the second key, and names the log entry', async () => {
    const bundle = await signKeyBundle({
      statement: cosignSignStatement(IMAGE),
      privateKey: signer.privateKey,
      services,
    });
    const verdict = verifyBundle(bundle, IMAGE, keyPolicy());
    assert.ok(verdict.verified, verdict.verified ? '' : verdict.reason);
    assert.deepEqual(verdict.signer, { kind: 'key', keyIndex: 1 });
    assert.equal(verdict.statement.predicateType, COSIGN_SIGN_PREDICATE_TYPE);
    assert.match(verdict.logIndex ?? '', /^\d+$/);
  });

  test('without a log entry it is refused, unless the rule sets tlog: false', async () => {
    const bundle = await signKeyBundle({
      statement: cosignSignStatement(IMAGE),
      privateKey: signer.privateKey,
    });
    const refused = verifyBundle(bundle, IMAGE, keyPolicy());
    assert.equal(refused.verified, false);
    assert.match(refused.verified ? '' : refused.reason, /TLOG_ERROR: expected 1 tlog entries, got 0/);
    const accepted = verifyBundle(bundle, IMAGE, keyPolicy({ tlog: false, trust: undefined }));
    assert.ok(accepted.verified);
    assert.equal(accepted.logIndex, undefined);
  });

  test('signed by another key: refused', async () => {
    const bundle = await signKeyBundle({
      statement: cosignSignStatement(IMAGE),
      privateKey: stranger.privateKey,
      services,
    });
    const verdict = verifyBundle(bundle, IMAGE, keyPolicy({ keys: [signer.publicKey] }));
    assert.equal(verdict.verified, false);
    assert.match(verdict.verified ? '' : verdict.reason, /verifies with none of the configured public keys/);
  });

  test('a tampered payload is refused', async () => {
    const bundle = await signKeyBundle({
      statement: cosignSignStatement(OTHER),
      privateKey: signer.privateKey,
    });
    const envelope = bundle.dsseEnvelope!;
    const tampered = {
      ...bundle,
      dsseEnvelope: {
        ...envelope,
        payload: Buffer.from(JSON.stringify(cosignSignStatement(IMAGE))).toString('base64'),
      },
    };
    const verdict = verifyBundle(tampered, IMAGE, keyPolicy({ tlog: false }));
    assert.equal(verdict.verified, false);
    assert.match(verdict.verified ? '' : verdict.reason, /verifies with none of the configured public keys/);
  });

  test('a genuine signature of another digest is refused as such', async () => {
    const bundle = await signKeyBundle({
      statement: cosignSignStatement(OTHER),
      privateKey: signer.privateKey,
      services,
    });
    const verdict = verifyBundle(bundle, IMAGE, keyPolicy());
    assert.equal(verdict.verified, false);
    assert.ok(!verdict.verified && verdict.wrongSubject);
    assert.match(
      verdict.verified ? '' : verdict.reason,
      new RegExp(`signed by key #2 is about ${OTHER}, not ${IMAGE}`),
    );
  });

  test('a log entry from a log the trusted root does not list is refused', async () => {
    const other = await startSigstoreServices();
    try {
      const bundle = await signKeyBundle({
        statement: cosignSignStatement(IMAGE),
        privateKey: signer.privateKey,
        services: other,
      });
      const verdict = verifyBundle(bundle, IMAGE, keyPolicy());
      assert.equal(verdict.verified, false);
      assert.match(verdict.verified ? '' : verdict.reason, /TLOG/);
    } finally {
      await other.close();
    }
  });

  test('something that is not a bundle: refused with why', () => {
    const junk = verifyBundle({ mediaType: 'nope' }, IMAGE, keyPolicy());
    assert.match(junk.verified ? '' : junk.reason, /not a valid Sigstore bundle/);
  });
});

describe('keyless bundles (Fulcio certificate, Rekor, timestamps)', () => {
  startServices();
  test('the workflow identity matching the second identity verifies', async () => {
    const bundle = await signKeylessBundle({
      statement: cosignSignStatement(IMAGE),
      services,
      issuer: GITHUB,
      subject: WORKFLOW,
    });
    const verdict = verifyBundle(bundle, IMAGE, keylessPolicy());
    assert.ok(verdict.verified, verdict.verified ? '' : verdict.reason);
    assert.deepEqual(verdict.signer, {
      kind: 'identity',
      identityIndex: 1,
      issuer: GITHUB,
      subject: WORKFLOW,
    });
    assert.match(verdict.logIndex ?? '', /^\d+$/);
  });

  test('a wrong subject or a wrong issuer is refused, naming what the certificate says', async () => {
    const wrongSubject = await signKeylessBundle({
      statement: cosignSignStatement(IMAGE),
      services,
      issuer: GITHUB,
      subject: 'https://github.com/evil/app/.github/workflows/release.yml@refs/heads/main',
    });
    const a = verifyBundle(wrongSubject, IMAGE, keylessPolicy());
    assert.equal(a.verified, false);
    assert.match(
      a.verified ? '' : a.reason,
      /names "https:\/\/github.com\/evil\/app.* which no identity of the rule matches/,
    );
    const wrongIssuer = await signKeylessBundle({
      statement: cosignSignStatement(IMAGE),
      services,
      issuer: 'https://evil.example',
      subject: WORKFLOW,
    });
    const b = verifyBundle(wrongIssuer, IMAGE, keylessPolicy());
    assert.equal(b.verified, false);
    assert.match(b.verified ? '' : b.reason, /issued by "https:\/\/evil.example"/);
  });

  test('a certificate from a CA the trusted root does not list is refused', async () => {
    const other = await startSigstoreServices();
    try {
      const bundle = await signKeylessBundle({
        statement: cosignSignStatement(IMAGE),
        services: other,
        issuer: GITHUB,
        subject: WORKFLOW,
      });
      const verdict = verifyBundle(bundle, IMAGE, keylessPolicy());
      assert.equal(verdict.verified, false);
      assert.match(verdict.verified ? '' : verdict.reason, /CERTIFICATE_ERROR|TLOG/);
    } finally {
      await other.close();
    }
  });

  test('a certificate without a log entry (so without any timestamp) is refused', async () => {
    const bare = await signKeylessBundle({
      statement: cosignSignStatement(IMAGE),
      services,
      issuer: GITHUB,
      subject: WORKFLOW,
      tlog: false,
    });
    const refused = verifyBundle(bare, IMAGE, keylessPolicy());
    assert.match(refused.verified ? '' : refused.reason, /TIMESTAMP_ERROR: expected 1 timestamps, got 0/);
  });

  test('an RFC 3161 timestamp is verified too: by the trusted TSA it passes, by an unknown TSA it is refused', async () => {
    const both = await signKeylessBundle({
      statement: cosignSignStatement(IMAGE),
      services,
      issuer: GITHUB,
      subject: WORKFLOW,
      tsa: true,
    });
    assert.equal(both.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length, 1);
    const verdict = verifyBundle(both, IMAGE, keylessPolicy());
    assert.ok(verdict.verified, verdict.verified ? '' : verdict.reason);
    // The same signature timestamped by another instance's TSA, which the trusted root does not list.
    const other = await startSigstoreServices();
    try {
      const withTimestamp = (signedTimestamp: string) => ({
        ...both,
        verificationMaterial: {
          ...both.verificationMaterial,
          timestampVerificationData: { rfc3161Timestamps: [{ signedTimestamp }] },
        },
      });
      const own = verifyBundle(
        withTimestamp(await timestampBundleSignature(services, both)),
        IMAGE,
        keylessPolicy(),
      );
      assert.ok(own.verified, own.verified ? '' : own.reason);
      const foreign = withTimestamp(await timestampBundleSignature(other, both));
      const refused = verifyBundle(foreign, IMAGE, keylessPolicy());
      assert.match(refused.verified ? '' : refused.reason, /TIMESTAMP_ERROR/);
    } finally {
      await other.close();
    }
  });

  test('a certificate used outside its validity (signed an hour ago, logged now) is refused', async () => {
    const expiredRoot = parseTrustedRoot(Buffer.from(JSON.stringify(expiredServices.trustedRoot)));
    assert.ok(expiredRoot.ok);
    const bundle = await signKeylessBundle({
      statement: cosignSignStatement(IMAGE),
      services: expiredServices,
      issuer: GITHUB,
      subject: WORKFLOW,
    });
    const verdict = verifyBundle(bundle, IMAGE, keylessPolicy({ trust: expiredRoot.material }));
    assert.equal(verdict.verified, false);
    assert.match(
      verdict.verified ? '' : verdict.reason,
      /CERTIFICATE_ERROR: .*(not valid|expired|validity)/i,
    );
  });

  test('keyless bundle under a key-only rule: refused, naming why', async () => {
    const bundle = await signKeylessBundle({
      statement: cosignSignStatement(IMAGE),
      services,
      issuer: GITHUB,
      subject: WORKFLOW,
    });
    const verdict = verifyBundle(bundle, IMAGE, keyPolicy());
    assert.match(verdict.verified ? '' : verdict.reason, /signed keyless .* trusts no identity/);
  });
});
