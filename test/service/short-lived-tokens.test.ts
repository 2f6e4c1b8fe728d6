import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { hashToken } from '../../src/service/config/api-tokens.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { startTestServer } from './serve-fixture.ts';

/*
 * Bearer tokens that live 3 seconds while a promotion's copy takes several times that (the source is
 * slowed by a proxy): the destination's tokens expire mid-copy, ferry fetches new ones with its
 * service-account token (as on OpenShift) and the promotion succeeds with the right digest.
 */

const cleanup = teardown(after);
// The issuer over HTTPS: ferry sends credentials to no plain-HTTP realm.
const rig = await withRig({ after: cleanup }, { anonymous: true, token: true, tokenTls: true });
const temp = await makeTempDir('short-lived-tokens');
cleanup(() => temp.remove());
const proxy = await rig.startFaultProxy(rig.anonymous!.url);
const prod = rig.token!;
const issuer = rig.issuer!;

const token = 'tokens-token-0123456789abcdef01234';
const saTokenFile = join(temp.path, 'sa-token');
await writeFile(saTokenFile, rig.saToken!, { mode: 0o600 });
const configPath = join(temp.path, 'ferry.yaml');
await writeFile(
  configPath,
  stringify({
    version: 1,
    server: { dataDir: join(temp.path, 'data') },
    environments: {
      nonprod: { registry: proxy.host, tls: { verify: false }, credentials: { anonymous: true } },
      prod: { registry: prod.host, tls: { caFile: rig.ca.caFile }, credentials: { tokenFile: saTokenFile } },
    },
    promotions: [{ name: 'app', from: 'nonprod:team/*', to: 'prod:team/*', tags: 'v[0-9]+' }],
    triggers: { api: { enabled: true } },
    apiTokens: [{ name: 'ops', role: 'admin', sha256: hashToken(token) }],
  }),
);
const server = await startTestServer(configPath);
cleanup(() => server.close(0));

test('registry tokens expiring during a long copy are renewed; the promotion succeeds', async () => {
  const image = await buildImage({ layers: [50_000, 50_000, 50_000, 50_000], seed: 'short-tokens' });
  await pushImage(rig.anonymous!, 'team/app', 'v1', image);
  issuer.expiresIn = 3;
  cleanup(async () => {
    issuer.expiresIn = 300;
  });
  // Each layer download waits 4 s: blob uploads come long after the first token expired.
  const slow = proxy.addFault({
    method: 'GET',
    path: /\/blobs\/sha256:/,
    kind: 'delay',
    delayMs: 4_000,
    times: Number.POSITIVE_INFINITY,
  });
  issuer.resetStats();
  const started = Date.now();
  const answer = await fetch(`${server.url}/api/v1/promotions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ source: { environment: 'nonprod', repository: 'team/app', tag: 'v1' } }),
  });
  assert.equal(answer.status, 202);
  const { promotion } = (await answer.json()) as { promotion: { id: string } };
  let status = '';
  let reason: string | null = null;
  for (const deadline = Date.now() + 120_000; !['succeeded', 'failed'].includes(status); ) {
    assert.ok(Date.now() < deadline, `still ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const found = await fetch(`${server.url}/api/v1/promotions/${promotion.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    ({ status, reason } = (
      (await found.json()) as { promotion: { status: string; reason: string | null } }
    ).promotion);
  }
  proxy.clearFaults();
  const tookMs = Date.now() - started;
  assert.equal(status, 'succeeded', reason ?? '');
  assert.ok(slow.hits >= 2);
  // Layers are fetched in parallel: every upload starts after the 4 s wait, past the 3 s tokens' expiry.
  assert.ok(tookMs > 4_000, `the copy took ${tookMs} ms: not long enough for tokens to expire`);
  assert.ok(issuer.stats.tokensIssued >= 2, `only ${issuer.stats.tokensIssued} token(s) issued`);
  assert.equal((await getManifest(prod, 'team/app', 'v1')).digest, image.manifestDigest);
});
