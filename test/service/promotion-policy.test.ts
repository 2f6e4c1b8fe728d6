import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AuditKind } from '../../src/service/promote/audit-kinds.ts';
import { PromotionErrorCode } from '../../src/service/promote/promotion-error.ts';
import { type ResolvedRequest, resolveRequest } from '../../src/service/promote/resolve-request.ts';
import { buildCosignSignature, buildImage, pushImage, sha256Digest } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import type { RigTarget } from '../rig/rig-client.ts';
import { openSession, pushBlob, putManifest, getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { rigConfig, sharedEngine, timelineKinds, waitForStatus } from './service-harness.ts';

/*
 * Policies checked by the worker before it copies: the cosign signature gate (with a key generated
 * here and a `.sig` manifest signed with it) and immutable destination tags.
 */

// Torn down in reverse: the engine stops before its database closes, the rig goes last.
const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const nonprod = rig.anonymous!;
const prod = rig.basicTls!;
const temp = await makeTempDir('promote-policy');
cleanup(() => temp.remove());

const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rotatedOut = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keyFiles = [join(temp.path, 'old-cosign.pub'), join(temp.path, 'cosign.pub')];
await writeFile(keyFiles[0]!, rotatedOut.publicKey.export({ type: 'spki', format: 'pem' }));
await writeFile(keyFiles[1]!, signer.publicKey.export({ type: 'spki', format: 'pem' }));

const config = await rigConfig({
  nonprod,
  prod,
  dir: temp.path,
  rules: [
    {
      name: 'signed',
      from: 'nonprod:signed/*',
      to: 'prod:signed/*',
      tags: 'v[0-9]+',
      // Classic `.sig` signatures made without Rekor (cosign --tlog-upload=false).
      signature: { required: true, publicKeyFiles: keyFiles, tlog: false },
    },
    { name: 'team-a', from: 'nonprod:team-a/*', to: 'prod:team-a/*', tags: 'v[0-9]+' },
  ],
});

const { harness } = await sharedEngine(cleanup, config);
const { engine } = harness;
const ci = { name: 'ci', kind: 'token' } as const;

function request(repository: string, tag: string): ResolvedRequest {
  const asked = {
    source: { environment: 'nonprod', repository, tag },
    trigger: { kind: 'api' as const, actor: 'ci' },
  };
  return resolveRequest(config.config, asked);
}

async function pushSource(target: RigTarget, repository: string, tag: string, seed: string) {
  const image = await buildImage({ layers: [15_000], seed });
  await pushImage(target, repository, tag, image);
  return image;
}

/**
 * What `cosign sign --key` pushes: the rig's `.sig` image, with the signature annotation replaced by a
 * real ECDSA P-256 signature over the simple-signing payload blob. The manifest JSON is rebuilt here, so
 * it is pushed by hand (blobs, then the manifest under the `.sig` tag).
 */
async function pushCosignSignature(
  repository: string,
  digest: string,
  privateKey = signer.privateKey,
  signedDigest = digest,
) {
  const fixture = buildCosignSignature(signedDigest, `${nonprod.host}/${repository}`);
  const tag = `${digest.replace(':', '-')}.sig`;
  const payload = fixture.layers[0]!;
  const signature = sign('sha256', payload.bytes!, { key: privateKey, dsaEncoding: 'der' }).toString(
    'base64',
  );
  const manifest = {
    ...fixture.manifest,
    layers: [
      { ...fixture.manifest.layers[0]!, annotations: { 'dev.cosignproject.cosign/signature': signature } },
    ],
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  for (const blob of fixture.blobs) await pushBlob(nonprod, repository, blob);
  const session = openSession(nonprod);
  try {
    await putManifest(session, repository, tag, manifest.mediaType, bytes);
  } finally {
    await session.close();
  }
  return { tag, digest: sha256Digest(bytes) };
}

async function prodManifest(repository: string, reference: string) {
  const found = await rigGetManifest(prod, repository, reference);
  return found.status === 200 ? found.digest : undefined;
}

describe('promotion policies on real registries', () => {
  test('signature gate: a signed image is promoted together with its signature', async () => {
    const image = await pushSource(nonprod, 'signed/app', 'v1', 'policy-signed');
    const sig = await pushCosignSignature('signed/app', image.manifestDigest);
    const { promotion } = await engine.accept(request('signed/app', 'v1'), ci);
    const done = await waitForStatus(engine, promotion.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(await prodManifest('signed/app', 'v1'), image.manifestDigest);
    assert.equal(await prodManifest('signed/app', sig.tag), sig.digest, 'the signature travelled along');
    const timeline = (await engine.get(promotion.id))!.timeline;
    const verified = timeline.find((e) => e.kind === AuditKind.SignatureVerified);
    assert.ok(verified, 'signature_verified recorded');
    assert.equal(verified.digest, image.manifestDigest);
    assert.deepEqual(verified.detail, {
      kind: 'cosign-classic',
      signatureTag: sig.tag,
      publicKeyFile: keyFiles[1],
    });
  });

  test('signature gate: unsigned, signed with another key, or a signature of another digest fail for good', async () => {
    await pushSource(nonprod, 'signed/unsigned', 'v1', 'policy-unsigned');
    const stranger = await pushSource(nonprod, 'signed/stranger', 'v1', 'policy-stranger');
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await pushCosignSignature('signed/stranger', stranger.manifestDigest, otherKey);
    // A genuine signature by the right key, but of another image, stored under this image's tag.
    const elsewhere = await pushSource(nonprod, 'signed/elsewhere', 'v1', 'policy-elsewhere');
    await pushCosignSignature(
      'signed/elsewhere',
      elsewhere.manifestDigest,
      signer.privateKey,
      stranger.manifestDigest,
    );
    // The rig's own fixture: the right shape, a random (non-cryptographic) signature.
    const random = await pushSource(nonprod, 'signed/random', 'v1', 'policy-random');
    const fixture = buildCosignSignature(random.manifestDigest, `${nonprod.host}/signed/random`);
    await pushImage(nonprod, 'signed/random', fixture.tag!, fixture);

    for (const [repository, reason] of [
      [
        'signed/unsigned',
        /signature required: not signed: .*\.sig does not exist and no Sigstore bundle is attached/,
      ],
      ['signed/stranger', /signature required: no signature .* verifies/],
      ['signed/elsewhere', new RegExp(`signs ${stranger.manifestDigest}, not ${elsewhere.manifestDigest}`)],
      ['signed/random', /signature required: no signature .* verifies/],
    ] as const) {
      const { promotion } = await engine.accept(request(repository, 'v1'), ci);
      const done = await waitForStatus(engine, promotion.id, ['succeeded', 'failed']);
      assert.equal(done.status, 'failed', `${repository} must not be promoted`);
      assert.match(done.reason ?? '', reason);
      assert.equal(done.attempts, 1, 'a policy failure is not retried');
      assert.equal(await prodManifest(repository, 'v1'), undefined);
      const failed = (await engine.get(promotion.id))!.timeline.at(-1)!;
      assert.equal(failed.kind, AuditKind.Failed);
      assert.equal(failed.detail['code'], PromotionErrorCode.SignatureRequired);
    }
  });

  test('immutable tag: an existing destination tag is never moved to another digest', async () => {
    const wanted = await pushSource(nonprod, 'team-a/imm', 'v1', 'policy-immutable-new');
    const existing = await pushSource(prod, 'team-a/imm', 'v1', 'policy-immutable-old');
    const { promotion } = await engine.accept(request('team-a/imm', 'v1'), ci);
    const done = await waitForStatus(engine, promotion.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'failed');
    assert.match(done.reason ?? '', /immutable tag: .*team-a\/imm:v1 already points at sha256:/);
    assert.equal(await prodManifest('team-a/imm', 'v1'), existing.manifestDigest, 'prod untouched');
    assert.notEqual(wanted.manifestDigest, existing.manifestDigest);
    assert.deepEqual(await timelineKinds(engine, promotion.id), [
      AuditKind.Accepted,
      AuditKind.Started,
      AuditKind.Failed,
    ]);
  });

  test('immutable tag: the same digest already there is a successful no-op', async () => {
    const image = await pushSource(nonprod, 'team-a/same', 'v1', 'policy-immutable-same');
    await pushImage(prod, 'team-a/same', 'v1', image);
    const { promotion } = await engine.accept(request('team-a/same', 'v1'), ci);
    const done = await waitForStatus(engine, promotion.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(done.bytes.copied, 0);
    const copied = (await engine.get(promotion.id))!.timeline.find((e) => e.kind === AuditKind.Copied);
    assert.equal(copied?.outcome, 'up_to_date');
  });
});
