import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { bundleFromJSON, type SerializedBundle } from '@sigstore/bundle';
import { toSignedEntity, Verifier } from '@sigstore/verify';
import { cosignSignStatement, signKeyBundle } from '../../src/signature/sigstore-fixture.testkit.ts';
import { oracleKey } from '../rig/cosign-key-oracle.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import type { RigTarget } from '../rig/rig-client.ts';
import { getManifest, openSession } from '../rig/rig-client.ts';
import { pushBundleReferrer } from '../rig/sigstore-referrers.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { runFerry } from '../support/run-ferry.ts';
import { teardown } from '../support/teardown.ts';
import { backendDatabaseUrl } from './backend-database.ts';
import { post, writeServeConfig } from './serve-fixture.ts';
import { startFerryProcess } from './serve-process.ts';

/*
 * Promotion attestations of a real `ferry serve` (the built CLI): after a promotion the destination
 * image (the rig's distribution 2.8.2, which has no referrers API, so through the `sha256-<hex>`
 * fallback index) carries a Sigstore bundle referrer; @sigstore/verify — not ferry's verifier — checks
 * it against the public key, and the signed statement is compared with the promotion's audit trail.
 *
 * FERRY_TEST_BACKEND=postgres (promotion-attestations.postgres.test.ts) runs the same on PostgreSQL.
 */

const PREDICATE_TYPE = 'https://ferry.dev/promotion/v1';
const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const nonprod = rig.anonymous!;
const prod = rig.basicTls!;
const temp = await makeTempDir('promotion-attestations');
cleanup(() => temp.remove());

const attestKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyFile = join(temp.path, 'attest.key');
await writeFile(keyFile, attestKey.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
// Two more keys, valid at start, broken later: the key is read at each use, so the failure path runs.
const brokenFile = join(temp.path, 'broken.key');
const requiredBrokenFile = join(temp.path, 'required-broken.key');
for (const file of [brokenFile, requiredBrokenFile]) {
  await writeFile(
    file,
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    { mode: 0o600 },
  );
}

// The key as teams have it: cosign's encrypted key file, written by an implementation independent of
// ferry's (openssl + PyNaCl, test/rig/cosign-key-oracle.ts), with its password where cosign reads it.
const cosignPassword = `pw-${randomBytes(12).toString('hex')}`;
const cosignKey = await oracleKey(
  temp.path,
  'cosign-attest',
  cosignPassword,
  'ENCRYPTED SIGSTORE PRIVATE KEY',
);
const cosignPublicKey = createPublicKey(await readFile(cosignKey.publicFile));

// The CI key that signs the source images of the `signed` rule (checked by the signature gate).
const ciKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ciPublicKeyFile = join(temp.path, 'cosign.pub');
await writeFile(ciPublicKeyFile, ciKey.publicKey.export({ type: 'spki', format: 'pem' }));

const rules = [
  {
    name: 'signed',
    from: 'nonprod:signed/*',
    to: 'prod:signed/*',
    tags: 'v[0-9]+',
    signature: { required: true, publicKeyFiles: [ciPublicKeyFile], tlog: false },
    attest: { keyFile: { file: keyFile }, format: 'classic' },
  },
  {
    name: 'attested',
    from: 'nonprod:attested/*',
    to: 'prod:attested/*',
    tags: 'v[0-9]+',
    approvals: { required: 1 },
    releaseTag: 'live',
    attest: { keyFile: { file: keyFile } },
  },
  {
    name: 'rolled',
    from: 'nonprod:rolled/*',
    to: 'prod:rolled/*',
    tags: 'v[0-9]+',
    releaseTag: 'live',
    attest: { keyFile: { file: keyFile }, format: 'both' },
  },
  {
    name: 'encrypted',
    from: 'nonprod:encrypted/*',
    to: 'prod:encrypted/*',
    tags: 'v[0-9]+',
    attest: {
      keyFile: { file: cosignKey.privateFile },
      passphrase: { env: 'COSIGN_PASSWORD' },
      format: 'both',
    },
  },
  {
    name: 'best-effort',
    from: 'nonprod:best-effort/*',
    to: 'prod:best-effort/*',
    tags: 'v[0-9]+',
    attest: { keyFile: { file: brokenFile } },
  },
  {
    name: 'strict',
    from: 'nonprod:strict/*',
    to: 'prod:strict/*',
    tags: 'v[0-9]+',
    attest: { keyFile: { file: requiredBrokenFile }, required: true },
  },
];
const attestedRule = rules.find((r) => r.name === 'attested')!;
const { path: configPath, tokens } = await writeServeConfig({ dir: temp.path, nonprod, prod, rules });

const env: Record<string, string> = {
  HOME: temp.path,
  FERRY_CHECK_RESPONSES: '1',
  COSIGN_PASSWORD: cosignPassword,
};
const databaseUrl = await backendDatabaseUrl(cleanup);
if (databaseUrl !== undefined) env.FERRY_DATABASE_URL = databaseUrl;
const serve = await startFerryProcess(['serve', '--config', configPath, '--listen', '127.0.0.1:0'], {
  env,
  cleanup,
});

interface TimelineEvent {
  readonly kind: string;
  readonly actor: string;
  readonly digest: string | null;
  readonly detail: Record<string, unknown>;
}
interface PromotionView {
  readonly id: string;
  readonly status: string;
  readonly reason: string | null;
  readonly requestedBy: string;
}

async function waitFinished(id: string) {
  for (const deadline = Date.now() + 60_000; ; ) {
    const res = await fetch(`${serve.url}/api/v1/promotions/${id}`, {
      headers: { authorization: `Bearer ${tokens.ci}` },
    });
    const body = (await res.json()) as { promotion: PromotionView; timeline: TimelineEvent[] };
    if (['succeeded', 'failed'].includes(body.promotion.status)) return body;
    assert.ok(Date.now() < deadline, `${id}: still ${body.promotion.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function request(repository: string, tag: string): Promise<string> {
  const accepted = await post(`${serve.url}/api/v1/promotions`, tokens.ci, {
    source: { environment: 'nonprod', repository, tag },
  });
  assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
  return (accepted.json.promotion as { id: string }).id;
}

async function get(path: string): Promise<unknown> {
  const res = await fetch(`${serve.url}${path}`, { headers: { authorization: `Bearer ${tokens.ci}` } });
  assert.equal(res.status, 200, path);
  return res.json();
}

async function pushSource(repository: string, tag: string): Promise<string> {
  const image = await buildImage({ layers: [3_000], seed: `attest-${repository}-${tag}` });
  await pushImage(nonprod, repository, tag, image);
  return image.manifestDigest;
}

async function makeDir(name: string): Promise<string> {
  const dir = join(temp.path, name);
  await mkdir(dir);
  return dir;
}

async function getBlob(target: RigTarget, repo: string, digest: string): Promise<Buffer> {
  const session = openSession(target);
  try {
    const res = await session.send('GET', `/v2/${repo}/blobs/${digest}`, { repo });
    assert.equal(res.status, 200);
    return res.body;
  } finally {
    await session.close();
  }
}

/** The promotion bundles attached to `digest` in production, newest last, read as a verifier would. */
async function promotionBundles(repository: string, digest: string) {
  const index = await getManifest(prod, repository, digest.replace(':', '-'));
  if (index.status !== 200) return [];
  const { manifests } = JSON.parse(index.bytes.toString('utf8')) as {
    manifests: { digest: string; artifactType?: string; annotations?: Record<string, string> }[];
  };
  const out: { referrer: string; bundle: SerializedBundle }[] = [];
  for (const m of manifests) {
    if (m.artifactType !== BUNDLE_MEDIA_TYPE) continue;
    const fetched = await getManifest(prod, repository, m.digest);
    const manifest = JSON.parse(fetched.bytes.toString('utf8')) as {
      subject: { digest: string };
      layers: { digest: string; mediaType: string }[];
      annotations: Record<string, string>;
    };
    if (manifest.annotations['dev.sigstore.bundle.predicateType'] !== PREDICATE_TYPE) continue;
    assert.equal(manifest.subject.digest, digest);
    assert.equal(manifest.layers[0]!.mediaType, BUNDLE_MEDIA_TYPE);
    const bundle = JSON.parse((await getBlob(prod, repository, manifest.layers[0]!.digest)).toString('utf8'));
    out.push({ referrer: m.digest, bundle });
  }
  return out;
}

/**
 * The classic attestations of `digest` in production: the layers of its `sha256-<hex>.att` tag, read as
 * cosign v2 reads them (one DSSE envelope per layer), each wrapped in a key-only bundle so that
 * @sigstore/verify checks the envelope's signature.
 */
async function classicAttestations(repository: string, digest: string) {
  const att = await getManifest(prod, repository, `${digest.replace(':', '-')}.att`);
  if (att.status !== 200) return [];
  const manifest = JSON.parse(att.bytes.toString('utf8')) as {
    mediaType: string;
    config: { mediaType: string };
    layers: { digest: string; mediaType: string; annotations: Record<string, string> }[];
  };
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifest.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  const out: SerializedBundle[] = [];
  for (const layer of manifest.layers) {
    assert.equal(layer.mediaType, 'application/vnd.dsse.envelope.v1+json');
    assert.deepEqual(layer.annotations, {
      'dev.cosignproject.cosign/signature': '',
      predicateType: PREDICATE_TYPE,
    });
    const envelope = JSON.parse((await getBlob(prod, repository, layer.digest)).toString('utf8'));
    // What bundleFromJSON checks: a key hint (the verifier below is given the key itself), no log entry.
    const bundle: unknown = {
      mediaType: BUNDLE_MEDIA_TYPE,
      verificationMaterial: { publicKey: { hint: '' }, tlogEntries: [] },
      dsseEnvelope: envelope,
    };
    out.push(bundle as SerializedBundle);
  }
  return out;
}

/** Verifies with @sigstore/verify and the published public key only (no log: attest.tlog is false). */
function verifiedStatement(bundle: SerializedBundle, publicKey = attestKey.publicKey) {
  const verifier = new Verifier(
    {
      certificateAuthorities: [],
      ctlogs: [],
      tlogs: [],
      timestampAuthorities: [],
      publicKey: () => ({ publicKey, validFor: () => true }),
    },
    { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 },
  );
  verifier.verify(toSignedEntity(bundleFromJSON(bundle)));
  assert.equal(bundle.mediaType, BUNDLE_MEDIA_TYPE);
  assert.equal(bundle.dsseEnvelope!.payloadType, 'application/vnd.in-toto+json');
  return JSON.parse(Buffer.from(bundle.dsseEnvelope!.payload, 'base64').toString('utf8')) as {
    _type: string;
    subject: { name: string; digest: Record<string, string> }[];
    predicateType: string;
    predicate: Record<string, unknown> & {
      source: Record<string, unknown>;
      destination: Record<string, unknown>;
      policy: Record<string, unknown>;
    };
  };
}

describe('promotion attestations of ferry serve', () => {
  test('an approved promotion: the destination carries a bundle that verifies with the public key and matches the audit trail', async () => {
    const digest = await pushSource('attested/app', 'v1');
    const id = await request('attested/app', 'v1');
    const approved = await post(`${serve.url}/api/v1/promotions/${id}/approve`, tokens.alice, {});
    assert.equal(approved.status, 200, JSON.stringify(approved.json));
    const done = await waitFinished(id);
    assert.equal(done.promotion.status, 'succeeded', done.promotion.reason ?? '');

    const attested = done.timeline.find((e) => e.kind === 'attested');
    assert.ok(attested, `no attested event in ${done.timeline.map((e) => e.kind).join(', ')}`);
    assert.equal(attested.digest, digest);
    assert.equal(attested.detail.predicateType, PREDICATE_TYPE);
    const kinds = done.timeline.map((e) => e.kind);
    assert.ok(kinds.indexOf('attested') < kinds.indexOf('succeeded'), kinds.join(', '));

    const bundles = await promotionBundles('attested/app', digest);
    assert.deepEqual(
      bundles.map((b) => b.referrer),
      [attested.detail.referrer],
    );
    const statement = verifiedStatement(bundles[0]!.bundle);
    assert.equal(statement._type, 'https://in-toto.io/Statement/v1');
    assert.equal(statement.predicateType, PREDICATE_TYPE);
    assert.deepEqual(statement.subject, [
      { name: `${prod.host}/attested/app`, digest: { sha256: digest.slice('sha256:'.length) } },
    ]);
    const approvers = done.timeline.filter((e) => e.kind === 'approved').map((e) => e.actor);
    assert.deepEqual(approvers, ['alice']);
    const p = statement.predicate;
    assert.equal(p.promotionId, id);
    assert.equal(p.kind, 'promotion');
    assert.equal(p.rule, 'attested');
    assert.equal(p.trigger, 'api');
    assert.equal(p.requester, done.promotion.requestedBy);
    assert.equal(p.requester, 'ci');
    assert.deepEqual(p.approvers, approvers);
    assert.equal(p.approvalsRequired, 1);
    assert.deepEqual(p.source, {
      environment: 'nonprod',
      reference: `${nonprod.host}/attested/app:v1`,
      digest,
    });
    assert.deepEqual(p.destination, {
      environment: 'prod',
      reference: `${prod.host}/attested/app:v1`,
      releaseTag: 'live',
    });
    assert.deepEqual(p.policy, { signatureRequired: false, signature: null });
    assert.match(String(p.promotedAt), /^\d{4}-\d\d-\d\dT/);

    // Another key does not verify it: the test can fail.
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    assert.throws(() =>
      new Verifier(
        {
          certificateAuthorities: [],
          ctlogs: [],
          tlogs: [],
          timestampAuthorities: [],
          publicKey: () => ({ publicKey: other, validFor: () => true }),
        },
        { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 },
      ).verify(toSignedEntity(bundleFromJSON(bundles[0]!.bundle))),
    );
  });

  test('a signed source, attested in the classic format: the .att predicate carries the signature gate verdict of the timeline', async () => {
    const image = await buildImage({ layers: [3_000], seed: 'attest-signed' });
    await pushImage(nonprod, 'signed/app', 'v1', image);
    const digest = image.manifestDigest;
    const signature = await signKeyBundle({
      statement: cosignSignStatement(digest),
      privateKey: ciKey.privateKey,
    });
    await pushBundleReferrer(
      nonprod,
      'signed/app',
      { digest, size: image.manifestBytes.byteLength, mediaType: image.mediaType },
      signature,
    );
    const done = await waitFinished(await request('signed/app', 'v1'));
    assert.equal(done.promotion.status, 'succeeded', done.promotion.reason ?? '');
    const verified = done.timeline.find((e) => e.kind === 'signature_verified');
    assert.ok(verified);
    // attest.format: classic — the `.att` tag only; the CI's bundle is the only referrer.
    assert.deepEqual(await promotionBundles('signed/app', digest), []);
    const attested = done.timeline.find((e) => e.kind === 'attested');
    assert.equal(attested?.detail.attestationTag, `${digest.replace(':', '-')}.att`);
    assert.equal(attested?.detail.referrer, undefined);
    const classic = await classicAttestations('signed/app', digest);
    assert.equal(classic.length, 1);
    const { predicate } = verifiedStatement(classic[0]!);
    assert.deepEqual(predicate.policy, { signatureRequired: true, signature: verified.detail });
    assert.equal(verified.detail.publicKeyFile, ciPublicKeyFile);
  });

  test('a rollback that moves the release tag back is attested too, as kind rollback', async () => {
    const one = await pushSource('rolled/app', 'v1');
    const first = await request('rolled/app', 'v1');
    assert.equal((await waitFinished(first)).promotion.status, 'succeeded');
    await pushSource('rolled/app', 'v2');
    assert.equal((await waitFinished(await request('rolled/app', 'v2'))).promotion.status, 'succeeded');
    const back = await post(`${serve.url}/api/v1/promotions/${first}/rollback`, tokens.ci);
    assert.equal(back.status, 202, JSON.stringify(back.json));
    const rollbackId = (back.json.promotion as { id: string }).id;
    const done = await waitFinished(rollbackId);
    assert.equal(done.promotion.status, 'succeeded', done.promotion.reason ?? '');
    const attested = done.timeline.find((e) => e.kind === 'attested');
    assert.ok(attested, done.timeline.map((e) => e.kind).join(', '));

    const bundles = await promotionBundles('rolled/app', one);
    const statements = bundles.map((b) => verifiedStatement(b.bundle));
    assert.deepEqual(
      statements.map((st) => [
        st.predicate.promotionId,
        st.predicate.kind,
        st.predicate.destination.reference,
      ]),
      [
        [first, 'promotion', `${prod.host}/rolled/app:v1`],
        [rollbackId, 'rollback', `${prod.host}/rolled/app:live`],
      ],
    );
    assert.equal(bundles[1]!.referrer, attested.detail.referrer);

    // attest.format: both — the same two statements, appended one after the other to the `.att` tag.
    const classic = (await classicAttestations('rolled/app', one)).map((b) => verifiedStatement(b));
    assert.deepEqual(classic, statements);
  });

  test('a cosign-encrypted key with attest.passphrase signs bundle and classic attestations; the password shows nowhere', async () => {
    const digest = await pushSource('encrypted/app', 'v1');
    const id = await request('encrypted/app', 'v1');
    const done = await waitFinished(id);
    assert.equal(done.promotion.status, 'succeeded', done.promotion.reason ?? '');
    const attested = done.timeline.find((e) => e.kind === 'attested');
    assert.ok(attested, done.timeline.map((e) => e.kind).join(', '));

    // attest.format: both — the bundle referrer and the `.att` layer, each verified with cosign.pub.
    const bundles = await promotionBundles('encrypted/app', digest);
    assert.deepEqual(
      bundles.map((b) => b.referrer),
      [attested.detail.referrer],
    );
    const statement = verifiedStatement(bundles[0]!.bundle, cosignPublicKey);
    assert.equal(statement.predicate.promotionId, id);
    assert.equal(statement.predicate.rule, 'encrypted');
    const classic = await classicAttestations('encrypted/app', digest);
    assert.deepEqual(
      classic.map((b) => verifiedStatement(b, cosignPublicKey)),
      [statement],
    );
    // Signed with the decrypted cosign key, not with another key of the server.
    assert.throws(() => verifiedStatement(bundles[0]!.bundle));

    const answers = JSON.stringify(done) + JSON.stringify(await get(`/api/v1/rules`));
    for (const [place, text] of [
      ['log', serve.log()],
      ['API answers', answers],
    ] as const) {
      assert.ok(!text.includes(cosignPassword), `the password is in the ${place}`);
      assert.ok(
        !text.includes(Buffer.from(cosignPassword).toString('base64')),
        `the password is in the ${place}`,
      );
    }
    assert.match(answers, /"name":"encrypted"/);
  });

  test('a failed attestation is recorded and the promotion succeeds; with attest.required it fails', async () => {
    await writeFile(brokenFile, 'not a key any more');
    await writeFile(requiredBrokenFile, 'not a key any more');
    const bestEffortDigest = await pushSource('best-effort/app', 'v1');
    const strictDigest = await pushSource('strict/app', 'v1');
    const bestEffort = await waitFinished(await request('best-effort/app', 'v1'));
    assert.equal(bestEffort.promotion.status, 'succeeded', bestEffort.promotion.reason ?? '');
    const failed = bestEffort.timeline.find((e) => e.kind === 'attestation_failed');
    assert.ok(failed, bestEffort.timeline.map((e) => e.kind).join(', '));
    assert.match(
      String(failed.detail.reason),
      /attestation key \S+broken\.key of rule "best-effort" is not a PEM private key/,
    );
    assert.equal(failed.detail.code, 'FERRY_E_ATTEST_KEY');
    assert.equal(failed.detail.required, false);
    assert.ok(
      !JSON.stringify(bestEffort.timeline).includes('not a key any more'),
      'no key content in the audit',
    );
    assert.deepEqual(await promotionBundles('best-effort/app', bestEffortDigest), []);
    assert.match(serve.log(), /promotion attestation failed/);

    const strict = await waitFinished(await request('strict/app', 'v1'));
    assert.equal(strict.promotion.status, 'failed');
    assert.match(strict.promotion.reason ?? '', /the promotion attestation could not be attached/);
    assert.equal(strict.timeline.at(-1)?.detail.code, 'FERRY_E_PROMOTION_ATTESTATION_FAILED');
    assert.ok(strict.timeline.some((e) => e.kind === 'attestation_failed'));
    // The image itself did move: the failure is about the attestation, recorded as such.
    const moved = await getManifest(prod, 'strict/app', 'v1');
    assert.equal(moved.digest, strictDigest);
  });

  test('ferry config check refuses an unusable attestation key, naming the rule and the file but not the key', async () => {
    const p384 = join(temp.path, 'p384.key');
    await writeFile(
      p384,
      generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    // Own directories: writeServeConfig writes <dir>/ferry.yaml, and the running server's is in temp.path.
    const bad = await writeServeConfig({
      dir: await makeDir('check-key'),
      rules: [{ ...attestedRule, attest: { keyFile: { file: p384 } } }],
    });
    const run = await runFerry(['config', 'check', bad.path]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /attestation key .*p384\.key of rule "attested" is not an ECDSA P-256 key/);
    assert.ok(!run.stderr.includes('PRIVATE KEY'), run.stderr);

    // A cosign key without its passphrase, with a wrong one, and a passphrase for an unencrypted key: all
    // refused at start, by `ferry config check` and by `ferry serve` alike, each with its own code.
    const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;
    const passphrases = await writeServeConfig({
      dir: await makeDir('check-passphrase'),
      rules: [
        { ...attestedRule, name: 'no-passphrase', attest: { keyFile: { file: cosignKey.privateFile } } },
        {
          ...attestedRule,
          name: 'wrong-passphrase',
          from: 'nonprod:wrong/*',
          to: 'prod:wrong/*',
          attest: { keyFile: { file: cosignKey.privateFile }, passphrase: { env: 'WRONG_PASSWORD' } },
        },
        {
          ...attestedRule,
          name: 'plain-key',
          from: 'nonprod:plain/*',
          to: 'prod:plain/*',
          attest: { keyFile: { file: keyFile }, passphrase: { env: 'COSIGN_PASSWORD' } },
        },
      ],
    });
    const passwords = { COSIGN_PASSWORD: cosignPassword, WRONG_PASSWORD: wrongPassword };
    const checked = await runFerry(['config', 'check', '--json', passphrases.path], { env: passwords });
    assert.equal(checked.code, 2, checked.stderr);
    const { problems } = JSON.parse(checked.stdout) as { problems: { path: string; code?: string }[] };
    assert.deepEqual(
      problems.map((p) => [p.path, p.code]),
      [
        ['promotions[0].attest.keyFile', 'FERRY_E_ATTEST_KEY_PASSPHRASE_MISSING'],
        ['promotions[1].attest.passphrase', 'FERRY_E_ATTEST_KEY_PASSPHRASE_WRONG'],
        ['promotions[2].attest.passphrase', 'FERRY_E_ATTEST_KEY_NOT_ENCRYPTED'],
      ],
    );
    const refusedServe = await runFerry(['serve', '--config', passphrases.path, '--listen', '127.0.0.1:0'], {
      env: { ...passwords, HOME: temp.path },
    });
    assert.equal(refusedServe.code, 2, refusedServe.stderr);
    for (const [rule, code] of [
      ['no-passphrase', 'FERRY_E_ATTEST_KEY_PASSPHRASE_MISSING'],
      ['wrong-passphrase', 'FERRY_E_ATTEST_KEY_PASSPHRASE_WRONG'],
      ['plain-key', 'FERRY_E_ATTEST_KEY_NOT_ENCRYPTED'],
    ]) {
      assert.match(
        refusedServe.stderr,
        new RegExp(`attestation key [^\\n]+ of rule "${rule}" [^\\n]+ \\[${code}\\]`),
      );
    }
    assert.ok(refusedServe.stderr.includes(cosignKey.privateFile), refusedServe.stderr);
    for (const output of [refusedServe.stdout, refusedServe.stderr, checked.stdout, checked.stderr]) {
      for (const secret of [cosignPassword, wrongPassword, 'PRIVATE KEY'])
        assert.ok(!output.includes(secret), output);
    }

    const tlog = await writeServeConfig({
      dir: await makeDir('check-tlog'),
      rules: [{ ...attestedRule, attest: { keyFile: { file: keyFile }, tlog: true } }],
    });
    const refused = await runFerry(['config', 'check', tlog.path]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /tlog: true .*not supported yet; set tlog: false/);
  });
});
