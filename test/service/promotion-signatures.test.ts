import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  cosignSignStatement,
  logClassicSignature,
  type SigstoreServices,
  signKeyBundle,
  signKeylessBundle,
  startSigstoreServices,
} from '../../src/signature/sigstore-fixture.testkit.ts';
import { buildCosignSignature, buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest, openSession, pushBlob, putManifest } from '../rig/rig-client.ts';
import { type FallbackStyle, pushBundleReferrer } from '../rig/sigstore-referrers.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { backendDatabaseUrl } from './backend-database.ts';
import { writeServeConfig } from './serve-fixture.ts';
import { startFerryProcess } from './serve-process.ts';

/*
 * The signature gate of a real `ferry serve` (the built CLI) against what independent tools produce:
 * bundles signed by @sigstore/sign, with a local key or keyless through @sigstore/mock's Fulcio and
 * Rekor served on localhost, pushed to the rig's distribution 2.8.2 the way cosign v3 stores them (it
 * has no referrers API, so through the `sha256-<hex>` fallback tag index, in both the cosign 3.0 and
 * 3.1 styles), and classic `.sig` signatures as cosign v2 writes them. The trusted root is JSON Lines
 * of two Sigstore instances: the current one and one whose CA clock is an hour behind (its
 * certificates expired before the log entry was made).
 *
 * FERRY_TEST_BACKEND=postgres (promotion-signatures.postgres.test.ts) runs the same on PostgreSQL.
 */

const GITHUB = 'https://token.actions.githubusercontent.com';
const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0';
const SLSA = 'https://slsa.dev/provenance/v1';
const SPDX = 'https://spdx.dev/Document';

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const nonprod = rig.anonymous!;
const prod = rig.basicTls!;
const temp = await makeTempDir('promotion-signatures');
cleanup(() => temp.remove());
const sigstore = await startSigstoreServices();
cleanup(() => sigstore.close());
const backdated = await startSigstoreServices({ clock: new Date(Date.now() - 3600_000) });
cleanup(() => backdated.close());

const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyFile = join(temp.path, 'cosign.pub');
await writeFile(keyFile, signer.publicKey.export({ type: 'spki', format: 'pem' }));
const trustedRootFile = join(temp.path, 'trusted_root.jsonl');
await writeFile(
  trustedRootFile,
  `${JSON.stringify(sigstore.trustedRoot)}\n${JSON.stringify(backdated.trustedRoot)}\n`,
);
const identities = [
  {
    issuer: GITHUB,
    subjectRegExp: '^https://github\\.com/acme/[^/]+/\\.github/workflows/release\\.yml@refs/tags/v.*$',
  },
];

const { path: configPath, tokens } = await writeServeConfig({
  dir: temp.path,
  nonprod,
  prod,
  rules: [
    {
      name: 'keyed',
      from: 'nonprod:keyed/*',
      to: 'prod:keyed/*',
      tags: 'v[0-9]+',
      signature: { required: true, publicKeyFiles: [keyFile], trustedRootFile },
    },
    {
      name: 'keyless',
      from: 'nonprod:keyless/*',
      to: 'prod:keyless/*',
      tags: 'v[0-9]+',
      signature: { required: true, trustedRootFile, identities },
    },
    {
      name: 'attested',
      from: 'nonprod:attested/*',
      to: 'prod:attested/*',
      tags: 'v[0-9]+',
      signature: { required: true, trustedRootFile, identities, attestations: [{ predicateType: SLSA }] },
    },
    {
      name: 'classic',
      from: 'nonprod:classic/*',
      to: 'prod:classic/*',
      tags: 'v[0-9]+',
      signature: { required: true, publicKeyFiles: [keyFile], tlog: false },
    },
  ],
});

// Every API answer is checked against the contract (a mismatch is a 500).
const env: Record<string, string> = { HOME: temp.path, FERRY_CHECK_RESPONSES: '1' };
const databaseUrl = await backendDatabaseUrl(cleanup);
if (databaseUrl !== undefined) env.FERRY_DATABASE_URL = databaseUrl;
const serve = await startFerryProcess(['serve', '--config', configPath, '--listen', '127.0.0.1:0'], {
  env,
  cleanup,
});

interface TimelineEvent {
  readonly kind: string;
  readonly digest: string | null;
  readonly detail: Record<string, unknown>;
}

async function promote(repository: string) {
  const accepted = await fetch(`${serve.url}/api/v1/promotions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens.ci}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: { environment: 'nonprod', repository, tag: 'v1' } }),
  });
  assert.equal(accepted.status, 202, await accepted.clone().text());
  const { promotion } = (await accepted.json()) as { promotion: { id: string } };
  for (const deadline = Date.now() + 60_000; ; ) {
    const res = await fetch(`${serve.url}/api/v1/promotions/${promotion.id}`, {
      headers: { authorization: `Bearer ${tokens.ci}` },
    });
    const body = (await res.json()) as {
      promotion: { status: string; reason: string | null; attempts: number };
      timeline: TimelineEvent[];
    };
    if (['succeeded', 'failed'].includes(body.promotion.status)) return body;
    assert.ok(Date.now() < deadline, `${repository}: still ${body.promotion.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function pushSource(repository: string) {
  const image = await buildImage({ layers: [5_000], seed: `signatures-${repository}` });
  await pushImage(nonprod, repository, 'v1', image);
  return {
    digest: image.manifestDigest,
    subject: {
      digest: image.manifestDigest,
      size: image.manifestBytes.byteLength,
      mediaType: image.mediaType,
    },
  };
}

async function attach(
  repository: string,
  subject: { digest: string; size: number; mediaType: string },
  bundle: unknown,
  predicateType?: string,
  style?: FallbackStyle,
) {
  return pushBundleReferrer(nonprod, repository, subject, bundle, {
    ...(predicateType ? { predicateType } : {}),
    ...(style ? { style } : {}),
  });
}

function keyless(
  digest: string,
  overrides: { issuer?: string; subject?: string; services?: SigstoreServices } = {},
) {
  return signKeylessBundle({
    statement: cosignSignStatement(digest),
    services: overrides.services ?? sigstore,
    issuer: overrides.issuer ?? GITHUB,
    subject: overrides.subject ?? WORKFLOW,
  });
}

async function prodDigest(repository: string): Promise<string | undefined> {
  const found = await getManifest(prod, repository, 'v1');
  return found.status === 200 ? found.digest : undefined;
}

async function assertRefused(repository: string, reason: RegExp) {
  const done = await promote(repository);
  assert.equal(done.promotion.status, 'failed', `${repository} must not be promoted`);
  assert.match(done.promotion.reason ?? '', reason);
  assert.equal(done.promotion.attempts, 1, 'a signature refusal is not retried');
  assert.equal(done.timeline.at(-1)?.detail.code, 'FERRY_E_PROMOTION_SIGNATURE_REQUIRED');
  assert.equal(await prodDigest(repository), undefined);
}

describe('signature gate of ferry serve with cosign v3 bundles', () => {
  test('registry check: the rig registry has no referrers API, so bundles go through the fallback tag', async () => {
    const { digest } = await pushSource('keyed/probe');
    const res = await fetch(`${nonprod.url}/v2/keyed/probe/referrers/${digest}`);
    assert.equal(res.status, 404);
  });

  test('key-based bundle with a Rekor entry (cosign 3.0 fallback index): promoted, verdict in the timeline', async () => {
    const { digest, subject } = await pushSource('keyed/app');
    const bundle = await signKeyBundle({
      statement: cosignSignStatement(digest),
      privateKey: signer.privateKey,
      services: sigstore,
    });
    const referrer = await attach('keyed/app', subject, bundle, undefined, 'cosign-3.0');
    const done = await promote('keyed/app');
    assert.equal(done.promotion.status, 'succeeded', done.promotion.reason ?? '');
    assert.equal(await prodDigest('keyed/app'), digest);
    const verified = done.timeline.find((e) => e.kind === 'signature_verified');
    assert.equal(verified?.digest, digest);
    const { logIndex, integratedTime, ...rest } = verified!.detail;
    assert.deepEqual(rest, {
      kind: 'sigstore-bundle',
      referrer,
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      publicKeyFile: keyFile,
    });
    assert.equal(logIndex, bundle.verificationMaterial.tlogEntries[0]!.logIndex);
    assert.match(String(integratedTime), /^\d+$/);
    // The bundle travelled along (copySignatures): production's fallback index lists it too.
    const prodIndex = await getManifest(prod, 'keyed/app', digest.replace(':', '-'));
    assert.equal(prodIndex.status, 200);
    const listed = (JSON.parse(prodIndex.bytes.toString('utf8')) as { manifests: { digest: string }[] })
      .manifests;
    assert.ok(
      listed.some((m) => m.digest === referrer),
      'the bundle referrer is attached in production',
    );
  });

  test('key-based bundle without a Rekor entry: refused while the rule requires the log', async () => {
    const { digest, subject } = await pushSource('keyed/unlogged');
    await attach(
      'keyed/unlogged',
      subject,
      await signKeyBundle({ statement: cosignSignStatement(digest), privateKey: signer.privateKey }),
    );
    await assertRefused('keyed/unlogged', /TLOG_ERROR: expected 1 tlog entries, got 0/);
  });

  test('only an SBOM attestation signed with the key: not a signature by default', async () => {
    const { digest, subject } = await pushSource('keyed/sbom-only');
    const sbom = await signKeyBundle({
      statement: cosignSignStatement(digest, SPDX, { spdxVersion: 'SPDX-2.3' }),
      privateKey: signer.privateKey,
      services: sigstore,
    });
    await attach('keyed/sbom-only', subject, sbom, SPDX);
    await assertRefused(
      'keyed/sbom-only',
      /attestations of type https:\/\/spdx.dev\/Document do not count as signatures/,
    );
  });

  test('keyless bundle by the release workflow (cosign 3.1 fallback index): promoted, identity and log index recorded', async () => {
    const { digest, subject } = await pushSource('keyless/app');
    const bundle = await keyless(digest);
    const referrer = await attach('keyless/app', subject, bundle, undefined, 'cosign-3.1');
    const done = await promote('keyless/app');
    assert.equal(done.promotion.status, 'succeeded', done.promotion.reason ?? '');
    const verified = done.timeline.find((e) => e.kind === 'signature_verified')!;
    assert.equal(verified.detail.kind, 'sigstore-bundle');
    assert.equal(verified.detail.referrer, referrer);
    assert.equal(verified.detail.issuer, GITHUB);
    assert.equal(verified.detail.subject, WORKFLOW);
    assert.equal(verified.detail.logIndex, bundle.verificationMaterial.tlogEntries[0]!.logIndex);
    assert.equal(verified.detail.publicKeyFile, undefined);
  });

  test('keyless refusals: wrong identity, wrong issuer, tampered payload, another digest, expired certificate, no timestamp', async () => {
    const cases: [string, (digest: string) => Promise<unknown>, RegExp][] = [
      [
        'keyless/wrong-identity',
        (d) =>
          keyless(d, {
            subject: 'https://github.com/evil/app/.github/workflows/release.yml@refs/heads/main',
          }),
        /names "https:\/\/github.com\/evil\/app\/.* which no identity of the rule matches/,
      ],
      [
        'keyless/wrong-issuer',
        (d) => keyless(d, { issuer: 'https://gitlab.example' }),
        /issued by "https:\/\/gitlab.example", which no identity of the rule matches/,
      ],
      [
        'keyless/tampered',
        async (d) => {
          // Signed for this image, then the statement is swapped for another subject's: the envelope no longer verifies.
          const bundle = await keyless(d);
          const forged = Buffer.from(
            JSON.stringify(cosignSignStatement(`sha256:${'0'.repeat(64)}`)),
          ).toString('base64');
          return { ...bundle, dsseEnvelope: { ...bundle.dsseEnvelope!, payload: forged } };
        },
        /bundle sha256:[0-9a-f]{64}: .*(SIGNATURE_ERROR|TLOG_BODY_ERROR)/,
      ],
      [
        'keyless/other-digest',
        async () => keyless(`sha256:${'e'.repeat(64)}`),
        new RegExp(`is about sha256:${'e'.repeat(64)}, not sha256:`),
      ],
      [
        'keyless/expired',
        (d) => keyless(d, { services: backdated }),
        /CERTIFICATE_ERROR: .*not valid or expired/,
      ],
      [
        'keyless/no-timestamp',
        (d) =>
          signKeylessBundle({
            statement: cosignSignStatement(d),
            services: sigstore,
            issuer: GITHUB,
            subject: WORKFLOW,
            tlog: false,
          }),
        /TIMESTAMP_ERROR: expected 1 timestamps, got 0/,
      ],
    ];
    for (const [repository, make, reason] of cases) {
      const { digest, subject } = await pushSource(repository);
      await attach(repository, subject, await make(digest));
      await assertRefused(repository, reason);
    }
  });

  test('required SLSA provenance: promoted with it (both recorded), refused without it', async () => {
    const withIt = await pushSource('attested/app');
    await attach('attested/app', withIt.subject, await keyless(withIt.digest));
    const provenance = await signKeylessBundle({
      statement: cosignSignStatement(withIt.digest, SLSA, {
        buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' },
      }),
      services: sigstore,
      issuer: GITHUB,
      subject: WORKFLOW,
    });
    const provenanceReferrer = await attach('attested/app', withIt.subject, provenance, SLSA);
    const done = await promote('attested/app');
    assert.equal(done.promotion.status, 'succeeded', done.promotion.reason ?? '');
    const verified = done.timeline.find((e) => e.kind === 'signature_verified')!;
    const attestations = verified.detail.attestations as Record<string, unknown>[];
    assert.deepEqual(
      attestations.map((a) => [a.referrer, a.predicateType, a.subject]),
      [[provenanceReferrer, SLSA, WORKFLOW]],
    );

    const without = await pushSource('attested/unproven');
    await attach('attested/unproven', without.subject, await keyless(without.digest));
    await assertRefused(
      'attested/unproven',
      /no attestation of type https:\/\/slsa.dev\/provenance\/v1 signed by a trusted key or identity/,
    );
  });

  test('classic .sig signatures keep working (tlog: false), and with a Rekor entry under a logging rule', async () => {
    const { digest } = await pushSource('classic/app');
    const tag = await pushClassicSignature('classic/app', digest, false);
    const done = await promote('classic/app');
    assert.equal(done.promotion.status, 'succeeded', done.promotion.reason ?? '');
    const verified = done.timeline.find((e) => e.kind === 'signature_verified')!;
    assert.deepEqual(verified.detail, { kind: 'cosign-classic', signatureTag: tag, publicKeyFile: keyFile });

    // The same kind of signature, logged in Rekor, passes the rule that requires the log.
    const logged = await pushSource('keyed/classic');
    await pushClassicSignature('keyed/classic', logged.digest, true);
    const loggedDone = await promote('keyed/classic');
    assert.equal(loggedDone.promotion.status, 'succeeded', loggedDone.promotion.reason ?? '');
    const loggedVerdict = loggedDone.timeline.find((e) => e.kind === 'signature_verified')!;
    assert.equal(loggedVerdict.detail.kind, 'cosign-classic');
    assert.match(String(loggedVerdict.detail.logIndex), /^\d+$/);

    // Unlogged, it does not.
    const unlogged = await pushSource('keyed/classic-unlogged');
    await pushClassicSignature('keyed/classic-unlogged', unlogged.digest, false);
    await assertRefused('keyed/classic-unlogged', /carries no transparency-log entry/);
  });
});

/**
 * What `cosign sign --key` (v2) pushes: a `.sig` image whose layer is the simple-signing payload with a
 * real ECDSA signature and, when logged, Rekor's answer in `dev.sigstore.cosign/bundle`.
 */
async function pushClassicSignature(repository: string, digest: string, logged: boolean): Promise<string> {
  const fixture = buildCosignSignature(digest, `${nonprod.host}/${repository}`);
  const payload = fixture.layers[0]!;
  const signature = sign('sha256', payload.bytes!, { key: signer.privateKey, dsaEncoding: 'der' }).toString(
    'base64',
  );
  const annotations: Record<string, string> = { 'dev.cosignproject.cosign/signature': signature };
  if (logged) {
    annotations['dev.sigstore.cosign/bundle'] = await logClassicSignature(
      sigstore,
      { payload: payload.bytes!, signature },
      signer.publicKey,
    );
  }
  const manifest = { ...fixture.manifest, layers: [{ ...fixture.manifest.layers[0]!, annotations }] };
  const bytes = Buffer.from(JSON.stringify(manifest));
  for (const blob of fixture.blobs) await pushBlob(nonprod, repository, blob);
  const tag = `${digest.replace(':', '-')}.sig`;
  const session = openSession(nonprod);
  try {
    await putManifest(session, repository, tag, manifest.mediaType, bytes);
  } finally {
    await session.close();
  }
  return tag;
}
