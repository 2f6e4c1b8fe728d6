/**
 * `tls-verify=false` against HTTPS registries with self-signed certificates: the seed pipeline's own
 * line (`--src-tls-verify=False --dest-tls-verify=False` with htpasswd credentials). With verification
 * off a registry may speak https or plain http, and ferry finds out which; before, the plain-HTTP
 * answer that lost that race was destroyed under a live request and the command died with "internal
 * error: Request aborted" (5 of 5 seed copies). Every case runs several times: a race shows as a flake.
 * skopeo is the oracle: same command line, same outcome, same digests.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, describe, test } from 'node:test';
import { ErrorCode } from '../../src/errors/codes.ts';
import { FerryError } from '../../src/errors/ferry-error.ts';
import { Registries } from '../../src/registry/registries.ts';
import { buildImage, buildIndex, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest as rigGetManifest, listTags as rigListTags } from '../rig/rig-client.ts';
import { runSkopeo } from '../rig/skopeo.ts';
import { fixedKeychain } from '../support/library.ts';
import { runFerry } from '../support/run-ferry.ts';

const ROUNDS = 5;
const NO_STACK = /\n\s+at .+:\d+:\d+/;

const rig = await withRig({ after }, { basicTls: true, token: true, tokenTls: true });
const basic = rig.basicTls!;
const token = rig.token!;
const prodBasic = await rig.startRegistry({ auth: 'basic', tls: true });
const anonTls = await rig.startRegistry({ auth: 'none', tls: true });

const image = await buildImage({ layers: [40_000, 700_000], seed: 'insecure-https' });
const index = buildIndex(
  [
    await buildImage({ layers: [3000], seed: 'ih-amd', platform: { os: 'linux', architecture: 'amd64' } }),
    await buildImage({ layers: [3001], seed: 'ih-arm', platform: { os: 'linux', architecture: 'arm64' } }),
  ],
  { oci: true },
);
await pushImage(basic, 'team-a/app', 'v1', image);
await pushImage(basic, 'team-a/app', 'v2', index);
await pushImage(anonTls, 'team-a/app', 'v1', image);
await pushImage(token, 'team-a/app', 'v1', image);

const creds = (reg: { username?: string | undefined; password?: string | undefined }) =>
  `${reg.username}:${reg.password}`;

function assertCleanFailure(run: { code: number; stderr: string }) {
  assert.doesNotMatch(run.stderr, /internal error/);
  assert.doesNotMatch(run.stderr, NO_STACK);
}

describe('tls-verify=false against HTTPS registries', () => {
  test("the seed's prod line copies HTTPS+htpasswd → HTTPS+htpasswd every time, digest preserved, as skopeo does", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [tool, tag] of [
        ['ferry', `ferry-${round}`],
        ['skopeo', `skopeo-${round}`],
      ] as const) {
        // Exactly the seed's flags, capital-F False and a CA dir next to tls-verify=false included.
        const args = [
          'copy',
          '--src-tls-verify=False',
          '--dest-tls-verify=False',
          `--src-creds=${creds(basic)}`,
          `--dest-cert-dir=${prodBasic.certDir}`,
          `--dest-creds=${creds(prodBasic)}`,
          `docker://${basic.host}/team-a/app:v1`,
          `docker://${prodBasic.host}/team-a/app:${tag}`,
        ];
        const run = tool === 'ferry' ? await runFerry(args) : await runSkopeo(args);
        assert.equal(run.code, 0, `${tool} round ${round}: ${run.stderr}`);
        const copied = await rigGetManifest(prodBasic, 'team-a/app', tag);
        assert.equal(copied.digest, image.manifestDigest, `${tool} round ${round}`);
      }
    }
  });

  test('a multi-arch index from an HTTPS registry keeps its digest (ferry copies it whole by default)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const run = await runFerry([
        'copy',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `--src-creds=${creds(basic)}`,
        `--dest-creds=${creds(prodBasic)}`,
        `docker://${basic.host}/team-a/app:v2`,
        `docker://${prodBasic.host}/team-a/multi:r${round}`,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(
        (await rigGetManifest(prodBasic, 'team-a/multi', `r${round}`)).digest,
        index.manifestDigest,
      );
    }
  });

  for (const [label, reg, flags] of [
    ['htpasswd', basic, () => [`--creds=${creds(basic)}`]],
    ['bearer-token', token, () => [`--creds=robot:${rig.saToken}`]],
    ['anonymous', anonTls, () => []],
  ] as const) {
    test(`inspect and list-tags with --tls-verify=false answer as skopeo does (${label} HTTPS registry)`, async () => {
      const ref = `docker://${reg.host}/team-a/app:v1`;
      const skopeoInspect = await runSkopeo(['inspect', '--tls-verify=false', ...flags(), ref]);
      assert.equal(skopeoInspect.code, 0, skopeoInspect.stderr);
      const expected = JSON.parse(skopeoInspect.stdout) as Record<string, unknown>;
      const skopeoTags = await runSkopeo([
        'list-tags',
        '--tls-verify=false',
        ...flags(),
        `docker://${reg.host}/team-a/app`,
      ]);
      assert.equal(skopeoTags.code, 0, skopeoTags.stderr);
      for (let round = 0; round < ROUNDS; round++) {
        const inspected = await runFerry(['inspect', '--tls-verify=false', ...flags(), ref]);
        assert.equal(inspected.code, 0, `round ${round}: ${inspected.stderr}`);
        const got = JSON.parse(inspected.stdout) as Record<string, unknown>;
        assert.equal(got.Digest, expected.Digest);
        assert.deepEqual(got.RepoTags, expected.RepoTags);
        assert.deepEqual(got.Layers, expected.Layers);
        const tags = await runFerry([
          'list-tags',
          '--tls-verify=false',
          ...flags(),
          `docker://${reg.host}/team-a/app`,
        ]);
        assert.equal(tags.code, 0, `round ${round}: ${tags.stderr}`);
        assert.deepEqual(JSON.parse(tags.stdout), JSON.parse(skopeoTags.stdout));
        const digest = await runFerry(['digest', '--tls-verify=false', ...flags(), ref]);
        assert.equal(digest.code, 0, digest.stderr);
        assert.equal(digest.stdout.trim(), expected.Digest);
      }
    });
  }

  test('sync from an HTTPS registry to another with tls-verify=false on both sides', async () => {
    for (let round = 0; round < 3; round++) {
      const run = await runFerry([
        'sync',
        '--src',
        'docker',
        '--dest',
        'docker',
        '--src-tls-verify=false',
        '--dest-tls-verify=false',
        `--src-creds=${creds(basic)}`,
        `--dest-creds=${creds(prodBasic)}`,
        `${basic.host}/team-a/app`,
        `${prodBasic.host}/sync${round}`,
      ]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual((await rigListTags(prodBasic, `sync${round}/app`)).sort(), ['v1', 'v2']);
      assert.equal((await rigGetManifest(prodBasic, `sync${round}/app`, 'v2')).digest, index.manifestDigest);
    }
  });

  test('many first requests at once on a fresh client agree on https and all succeed', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const registries = new Registries();
      try {
        const endpoint = {
          keychain: fixedKeychain({ kind: 'basic', username: basic.username!, password: basic.password! }),
          tlsVerify: false,
        };
        const repo = await registries.repository(endpoint, basic.host, 'team-a/app', false);
        const heads = await Promise.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 ? repo.headManifest('v1') : repo.getManifest('v1'))),
        );
        for (const h of heads) assert.equal(h?.digest, image.manifestDigest);
        const transport = await registries.transport(endpoint, basic.host);
        assert.equal(transport.base?.protocol, 'https:');
      } finally {
        await registries.destroy();
      }
    }
  });

  test('nothing listening: a clear network error naming the registry, exit 1, never an internal error', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const run = await runFerry([
      'inspect',
      '--tls-verify=false',
      '--retry-times=0',
      `docker://127.0.0.1:${port}/team-a/app:v1`,
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`127\\.0\\.0\\.1:${port}`));
    assert.match(run.stderr, /ECONNREFUSED/);
    assertCleanFailure(run);

    const registries = new Registries({ retryTimes: 0 });
    try {
      const repo = await registries.repository(
        { keychain: fixedKeychain({ kind: 'anonymous' }), tlsVerify: false },
        `127.0.0.1:${port}`,
        'team-a/app',
        false,
      );
      await assert.rejects(
        repo.getManifest('v1'),
        (err: unknown) => err instanceof FerryError && err.code === ErrorCode.Network,
      );
    } finally {
      await registries.destroy();
    }
  });

  test('wrong credentials against HTTPS with tls-verify=false: the registry refusal, as skopeo reports it', async () => {
    const args = [
      'inspect',
      '--tls-verify=false',
      `--creds=${basic.username}:wrong-password`,
      `docker://${basic.host}/team-a/app:v1`,
    ];
    const ferry = await runFerry(args);
    const skopeo = await runSkopeo(args);
    assert.equal(skopeo.code, 1);
    assert.equal(ferry.code, 1, ferry.stderr);
    assert.match(ferry.stderr, /401|unauthorized/i);
    assertCleanFailure(ferry);
    assert.doesNotMatch(ferry.stderr, /wrong-password/);
  });
});
