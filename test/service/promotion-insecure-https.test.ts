import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { resolveRequest } from '../../src/service/promote/resolve-request.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { rigConfig, sharedEngine, waitForStatus } from './service-harness.ts';

/*
 * The seed pipeline's registries as ferry serve meets them: both sides HTTPS with self-signed
 * certificates and `tls.verify: false` (non-prod anonymous, prod with htpasswd credentials). With
 * verification off each side's scheme is discovered; the pinning HEAD at accept and the copy must
 * both work every time.
 */
const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { basicTls: true });
const prod = rig.basicTls!;
const nonprod = await rig.startRegistry({ auth: 'none', tls: true });
const temp = await makeTempDir('promote-insecure-https');
cleanup(() => temp.remove());

const config = await rigConfig({
  nonprod,
  prod,
  dir: temp.path,
  prodTls: 'verify-false',
  rules: [{ name: 'team-a', from: 'nonprod:team-a/*', to: 'prod:team-a/*', tags: 'v[0-9]+' }],
});
const { harness } = await sharedEngine(cleanup, config);

describe('promotions between HTTPS registries with tls.verify false', () => {
  test('five promotions pin, copy and preserve the digest', async () => {
    const image = await buildImage({ layers: [30_000, 400_000], seed: 'insecure-https-promote' });
    for (let i = 1; i <= 5; i++) await pushImage(nonprod, 'team-a/app', `v${i}`, image);
    for (let i = 1; i <= 5; i++) {
      const { promotion } = await harness.engine.accept(
        resolveRequest(config.config, {
          source: { environment: 'nonprod', repository: 'team-a/app', tag: `v${i}` },
          trigger: { kind: 'api', actor: 'ci' },
        }),
        { name: 'ci', kind: 'token' },
      );
      assert.equal(promotion.source.digest, image.manifestDigest);
      const done = await waitForStatus(harness.engine, promotion.id, ['succeeded', 'failed']);
      assert.equal(done.status, 'succeeded', done.reason ?? '');
      assert.equal((await rigGetManifest(prod, 'team-a/app', `v${i}`)).digest, image.manifestDigest);
    }
  });
});
