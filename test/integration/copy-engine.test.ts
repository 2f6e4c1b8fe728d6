import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { copyImage } from '../../src/copy/execute.ts';
import { ErrorCode } from '../../src/errors/codes.ts';
import { FerryError } from '../../src/errors/ferry-error.ts';
import { parsePlatform } from '../../src/oci/platform.ts';
import { buildCosignSignature, buildImage, buildIndex, pushImage, sha256Digest } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import {
  openSession,
  pushBlob,
  getManifest as rigGetManifest,
  listTags as rigListTags,
  putManifest as rigPutManifest,
} from '../rig/rig-client.ts';
import { runSkopeo, skopeoAuths, skopeoDigest, skopeoTlsFlags } from '../rig/skopeo.ts';
import { fastRegistries, repoOn } from '../support/library.ts';

const rig = await withRig({ after }, { tokenTls: true });
const anon = rig.anonymous!;
const tls = rig.basicTls!;
const tok = rig.token!;

const image = await buildImage({ layers: [100_000, 2_000_000, 50_000], seed: 'copy-engine' });
const amd = await buildImage({
  layers: [30_000, 40_000],
  seed: 'multi',
  platform: { os: 'linux', architecture: 'amd64' },
});
const arm = await buildImage({
  layers: [30_000, 41_000],
  seed: 'multi-arm',
  platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
});
const ppc = await buildImage({
  layers: [30_000, 42_000],
  seed: 'multi-ppc',
  platform: { os: 'linux', architecture: 'ppc64le' },
});
const index = buildIndex([amd, arm, ppc], { oci: true });
await pushImage(anon, 'team/app', 'v1', image);
await pushImage(anon, 'team/multi', 'v1', index);

/** A blob fixture (bytes plus their descriptor) for pushBlob. */
function blobOf(bytes: Buffer, mediaType: string) {
  return { digest: sha256Digest(bytes), size: bytes.length, mediaType, bytes };
}

type Blob = ReturnType<typeof blobOf>;

/** An OCI artifact manifest (image-spec "Guidelines for Artifact Usage") whose subject is `subject`. */
function artifactManifest(
  artifactType: string,
  config: Blob,
  layer: Blob,
  subject: { mediaType: string; manifestDigest: string; manifestBytes: Uint8Array },
): Buffer {
  const desc = (b: Blob) => ({ mediaType: b.mediaType, digest: b.digest, size: b.size });
  return Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType,
      config: desc(config),
      layers: [desc(layer)],
      subject: {
        mediaType: subject.mediaType,
        digest: subject.manifestDigest,
        size: subject.manifestBytes.length,
      },
    }),
  );
}

async function tagExists(target: Parameters<typeof rigListTags>[0], repo: string, tag: string) {
  try {
    return (await rigListTags(target, repo)).includes(tag);
  } catch {
    return false; // repository unknown
  }
}

describe('copyImage between real registries', () => {
  test('copies an image anonymous HTTP → htpasswd TLS with digest preserved, and skopeo reads it', async () => {
    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(registries, anon, 'team/app', false);
    const destination = await repoOn(registries, tls, 'prod/app', true);
    const result = await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    assert.equal(result.digest, image.manifestDigest);
    assert.equal(result.upToDate, false);
    assert.equal(result.blobs.copied, 4);
    assert.equal(
      result.bytes.copied,
      image.blobs.reduce((s, b) => s + b.size, 0),
    );
    const digest = await skopeoDigest(`${tls.host}/prod/app:v1`, {
      registry: tls,
      auths: skopeoAuths([tls]),
    });
    assert.equal(digest, image.manifestDigest);

    const again = await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    assert.equal(again.upToDate, true);
    assert.equal(again.blobs.copied + again.blobs.skipped + again.blobs.mounted, 0);
  });

  test('copies a whole multi-arch index by default and keeps its digest', async () => {
    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(registries, anon, 'team/multi', false);
    const destination = await repoOn(registries, tls, 'prod/multi', true);
    const result = await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    assert.equal(result.digest, index.manifestDigest);
    assert.equal(result.manifestsPushed, 4);
    for (const child of [amd, arm, ppc]) {
      const got = await rigGetManifest(tls, 'prod/multi', child.manifestDigest);
      assert.equal(got.digest, child.manifestDigest);
    }
  });

  test('a platform subset is copied as that image and the digest change is reported', async () => {
    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(registries, anon, 'team/multi', false);
    const destination = await repoOn(registries, anon, 'prod/arm', true);
    const warnings: string[] = [];
    const result = await copyImage({
      source,
      sourceReference: 'v1',
      destination,
      destinationTag: 'v1',
      platforms: [parsePlatform('linux/arm64')],
      onEvent: (e) => e.type === 'warning' && warnings.push(e.message),
    });
    assert.equal(result.digest, arm.manifestDigest);
    assert.equal(result.sourceDigest, index.manifestDigest);
    assert.match(warnings.join('\n'), /differs from the source index/);

    const two = await copyImage({
      source,
      sourceReference: 'v1',
      destination,
      destinationTag: 'two',
      platforms: [parsePlatform('linux/arm64'), parsePlatform('linux/amd64')],
    });
    const got = await rigGetManifest(anon, 'prod/arm', 'two');
    const entries = (JSON.parse(got.bytes.toString()) as { manifests: { digest: string }[] }).manifests.map(
      (m) => m.digest,
    );
    assert.deepEqual(entries.sort(), [amd.manifestDigest, arm.manifestDigest].sort());
    assert.equal(got.digest, two.digest);

    await assert.rejects(
      copyImage({
        source,
        sourceReference: 'v1',
        destination,
        destinationTag: 'x',
        platforms: [parsePlatform('windows/amd64')],
      }),
      (err: unknown) =>
        err instanceof FerryError &&
        err.code === ErrorCode.NoMatchingPlatform &&
        /linux\/arm64/.test(err.message),
    );
  });

  test('a tagless repository that already holds blobs: speculative uploads are cancelled, blobs skipped', async () => {
    const registries = fastRegistries();
    after(() => registries.close());
    // Blobs without any tag: the repository looks empty, so preparation speculates (session + GET
    // with the HEAD); the HEAD then finds each blob and the speculation is undone.
    for (const blob of image.blobs) await pushBlob(tls, 'tagless/app', blob);
    const source = await repoOn(registries, anon, 'team/app', false);
    const destination = await repoOn(registries, tls, 'tagless/app', true);
    const result = await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    assert.equal(result.digest, image.manifestDigest);
    assert.deepEqual(result.blobs, { copied: 0, mounted: 0, skipped: image.blobs.length });
    assert.equal((await rigGetManifest(tls, 'tagless/app', 'v1')).digest, image.manifestDigest);
  });

  test('incremental copy moves only the missing layer; same-registry copy mounts', async () => {
    const base = await buildImage({ layers: [60_000, 70_000, 80_000], seed: 'incr-base' });
    await pushImage(anon, 'incr/app', 'v1', base);
    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(registries, anon, 'incr/app', false);
    const destination = await repoOn(registries, tls, 'incr/app', true);
    await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    // v2 shares the base layers but has a new top layer and config.
    const v2 = await buildImage({ layers: [60_000, 70_000, 80_000, 5_000], seed: 'incr-base' });
    await pushImage(anon, 'incr/app', 'v2', v2);
    const result = await copyImage({ source, sourceReference: 'v2', destination, destinationTag: 'v2' });
    assert.equal(result.blobs.copied, 2, 'new layer and new config');
    assert.equal(result.blobs.skipped, 3);

    const sameRegistryDest = await repoOn(registries, tls, 'other/app', true);
    const tlsSource = await repoOn(registries, tls, 'incr/app', false);
    const mounted = await copyImage({
      source: tlsSource,
      sourceReference: 'v2',
      destination: sameRegistryDest,
      destinationTag: 'v2',
    });
    assert.equal(mounted.blobs.mounted, 5);
    assert.equal(mounted.bytes.copied, 0);
  });

  test('bearer-token registry: a service-account token as password (OpenShift style), token cached per scope', async () => {
    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(registries, anon, 'team/app', false);
    const destination = await repoOn(registries, tok, 'ns/app', true, {
      kind: 'basic',
      username: 'serviceaccount',
      password: rig.saToken!,
    });
    const before = rig.issuer!.stats.tokensIssued;
    const result = await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    assert.equal(result.digest, image.manifestDigest);
    assert.equal(rig.issuer!.stats.tokensIssued - before, 1, 'one token for the whole copy');
    const auths = skopeoAuths([], { [tok.host]: { username: 'x', password: rig.saToken! } });
    assert.equal(await skopeoDigest(`${tok.host}/ns/app:v1`, { registry: tok, auths }), image.manifestDigest);
  });

  test('wrong credentials fail with an auth error that does not contain the secret', async () => {
    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(registries, anon, 'team/app', false);
    const destination = await repoOn(registries, tok, 'ns/bad', true, {
      kind: 'basic',
      username: 'u',
      password: 'not-a-valid-token-xyz',
    });
    await assert.rejects(
      copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' }),
      (err: unknown) => {
        assert.ok(err instanceof FerryError);
        assert.equal(err.code, ErrorCode.Auth);
        assert.doesNotMatch(err.message, /not-a-valid-token-xyz/);
        return true;
      },
    );
  });

  test('cosign signature tags travel with the image', async () => {
    const signed = await buildImage({ layers: [10_000], seed: 'signed' });
    await pushImage(anon, 'signed/app', 'v1', signed);
    const sig = buildCosignSignature(signed.manifestDigest, `${anon.host}/signed/app`);
    await pushImage(anon, 'signed/app', sig.tag!, sig);
    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(registries, anon, 'signed/app', false);
    const destination = await repoOn(registries, tls, 'signed/app', true);
    const result = await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    assert.equal(result.artifacts, 1);
    const got = await rigGetManifest(tls, 'signed/app', sig.tag!);
    assert.equal(got.digest, sig.manifestDigest);

    const unsignedDest = await repoOn(registries, tls, 'signed/nosig', true);
    const skipped = await copyImage({
      source,
      sourceReference: 'v1',
      destination: unsignedDest,
      destinationTag: 'v1',
      signatures: false,
    });
    assert.equal(skipped.artifacts, 0);
    assert.equal(await tagExists(tls, 'signed/nosig', sig.tag!), false);
  });

  test('OCI referrers reached through the fallback tag (registry without the referrers API) are copied', async () => {
    const subject = await buildImage({ layers: [5_000], seed: 'referred' });
    await pushImage(anon, 'ref/app', 'v1', subject);
    const empty = Buffer.from('{}');
    const sbom = Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'app' }));
    const emptyBlob = blobOf(empty, 'application/vnd.oci.empty.v1+json');
    const sbomBlob = blobOf(sbom, 'application/spdx+json');
    await pushBlob(anon, 'ref/app', emptyBlob);
    await pushBlob(anon, 'ref/app', sbomBlob);
    const artifact = artifactManifest('application/spdx+json', emptyBlob, sbomBlob, subject);
    const artifactDigest = sha256Digest(artifact);
    // Referrers Tag Schema: an index under `sha256-<hex>` listing the artifacts.
    const fallback = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: artifactDigest,
            size: artifact.length,
            artifactType: 'application/spdx+json',
          },
        ],
      }),
    );
    const session = openSession(anon);
    try {
      await rigPutManifest(
        session,
        'ref/app',
        artifactDigest,
        'application/vnd.oci.image.manifest.v1+json',
        artifact,
      );
      await rigPutManifest(
        session,
        'ref/app',
        subject.manifestDigest.replace(':', '-'),
        'application/vnd.oci.image.index.v1+json',
        fallback,
      );
    } finally {
      await session.close();
    }
    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(registries, anon, 'ref/app', false);
    const destination = await repoOn(registries, tls, 'ref/app', true);
    const result = await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    assert.equal(result.artifacts, 1);
    assert.equal((await rigGetManifest(tls, 'ref/app', artifactDigest)).digest, artifactDigest);
    assert.equal(
      (await rigGetManifest(tls, 'ref/app', subject.manifestDigest.replace(':', '-'))).digest,
      sha256Digest(fallback),
    );
  });

  test('OCI referrers listed by the referrers API (two pages) are copied, and indexed in the destination referrers tag', async () => {
    const subject = await buildImage({ layers: [5_000], seed: 'referred-api' });
    after(() => subject.dispose());
    await pushImage(anon, 'refapi/app', 'v1', subject);
    const empty = Buffer.from('{}');
    const emptyBlob = blobOf(empty, 'application/vnd.oci.empty.v1+json');
    await pushBlob(anon, 'refapi/app', emptyBlob);
    const artifacts: { artifactType: string; bytes: Buffer; digest: string }[] = [];
    for (const [artifactType, text] of [
      ['application/spdx+json', '{"spdxVersion":"SPDX-2.3"}'],
      ['application/vnd.in-toto+json', '{"_type":"https://in-toto.io/Statement/v1"}'],
    ] as const) {
      const content = Buffer.from(text);
      const blob = blobOf(content, artifactType);
      await pushBlob(anon, 'refapi/app', blob);
      const bytes = artifactManifest(artifactType, emptyBlob, blob, subject);
      artifacts.push({ artifactType, bytes, digest: sha256Digest(bytes) });
    }
    const session = openSession(anon);
    try {
      for (const a of artifacts)
        await rigPutManifest(
          session,
          'refapi/app',
          a.digest,
          'application/vnd.oci.image.manifest.v1+json',
          a.bytes,
        );
    } finally {
      await session.close();
    }
    // distribution 2.8 has no referrers API: the proxy answers for it as a registry with the API does
    // (distribution-spec "Listing Referrers"), one referrer per page, linked. No fallback tag exists.
    const proxy = await rig.startFaultProxy(anon.url);
    const hex = subject.manifestDigest.slice('sha256:'.length);
    const referrersPage = (entries: typeof artifacts, link?: string) => ({
      kind: 'respond' as const,
      body: JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: entries.map((a) => ({
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: a.digest,
          size: a.bytes.length,
          artifactType: a.artifactType,
        })),
      }),
      headers: { 'content-type': 'application/vnd.oci.image.index.v1+json', ...(link ? { link } : {}) },
      times: Number.POSITIVE_INFINITY,
    });
    proxy.addFault({ method: 'GET', path: /\/referrers\/sha256(:|%3A)0{64}$/, ...referrersPage([]) });
    proxy.addFault({
      method: 'GET',
      path: new RegExp(`/referrers/sha256(:|%3A)${hex}$`),
      ...referrersPage(
        [artifacts[0]!],
        `</v2/refapi/app/referrers/${subject.manifestDigest}?page=2>; rel="next"`,
      ),
    });
    proxy.addFault({ method: 'GET', path: /\?page=2$/, ...referrersPage([artifacts[1]!]) });

    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(
      registries,
      { ...anon, host: proxy.host, url: proxy.url },
      'refapi/app',
      false,
    );
    const destination = await repoOn(registries, tls, 'refapi/app', true);
    const result = await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    assert.equal(result.artifacts, 2);
    for (const a of artifacts)
      assert.equal((await rigGetManifest(tls, 'refapi/app', a.digest)).digest, a.digest);
    // The destination (distribution 2.8, no OCI-Subject on PUT) lists both under the referrers tag.
    const tag = await rigGetManifest(tls, 'refapi/app', `sha256-${hex}`);
    const listed = (
      JSON.parse(Buffer.from(tag.bytes).toString('utf8')) as {
        manifests: { digest: string; artifactType?: string }[];
      }
    ).manifests;
    assert.deepEqual(
      listed.map((d) => [d.digest, d.artifactType]).sort(),
      artifacts.map((a) => [a.digest, a.artifactType]).sort(),
    );
  });

  test('what skopeo pushes, ferry copies', async () => {
    const pushed = await runSkopeo(
      [
        'copy',
        ...skopeoTlsFlags(anon, 'src'),
        ...skopeoTlsFlags(tls, 'dest'),
        `docker://${anon.host}/team/app:v1`,
        `docker://${tls.host}/skopeo/app:v1`,
      ],
      { auths: skopeoAuths([tls]) },
    );
    assert.equal(pushed.code, 0, pushed.stderr);
    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(registries, tls, 'skopeo/app', false);
    const destination = await repoOn(registries, anon, 'from-skopeo/app', true);
    const result = await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    const expected = await skopeoDigest(`${tls.host}/skopeo/app:v1`, {
      registry: tls,
      auths: skopeoAuths([tls]),
    });
    assert.equal(result.digest, expected);
  });
});

describe('copyImage under faults', () => {
  test('corrupted blob bytes: digest error, upload aborted, destination tag never created', async () => {
    const proxy = await rig.startFaultProxy(anon.url);
    proxy.addFault({ method: 'GET', path: /\/blobs\/sha256:/, kind: 'corrupt', times: Infinity });
    const registries = fastRegistries();
    after(() => registries.close());
    const viaProxy = { ...anon, host: proxy.host, url: proxy.url };
    const source = await repoOn(registries, viaProxy, 'team/app', false);
    const destination = await repoOn(registries, anon, 'corrupt/app', true);
    await assert.rejects(
      copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' }),
      (err: unknown) => {
        assert.ok(err instanceof FerryError);
        assert.equal(err.code, ErrorCode.DigestMismatch);
        return true;
      },
    );
    assert.equal(await tagExists(anon, 'corrupt/app', 'v1'), false);
  });

  test('corrupted manifest bytes, fetched by tag or by digest: digest error, destination tag never created', async () => {
    const proxy = await rig.startFaultProxy(anon.url);
    // Content-Length is kept, so only the digest of the raw bytes can tell: by tag against the
    // registry's Docker-Content-Digest, by digest against the reference itself.
    proxy.addFault({ method: 'GET', path: /\/manifests\//, kind: 'corrupt', times: Infinity });
    const registries = fastRegistries();
    after(() => registries.close());
    const viaProxy = { ...anon, host: proxy.host, url: proxy.url };
    const source = await repoOn(registries, viaProxy, 'team/app', false);
    const destination = await repoOn(registries, anon, 'corrupt-manifest/app', true);
    for (const sourceReference of ['v1', image.manifestDigest]) {
      await assert.rejects(
        copyImage({ source, sourceReference, destination, destinationTag: 'v1' }),
        (err: unknown) => {
          assert.ok(err instanceof FerryError, String(err));
          assert.equal(err.code, ErrorCode.DigestMismatch, `${sourceReference}: ${err.message}`);
          assert.match(err.message, /manifest/);
          return true;
        },
      );
    }
    assert.ok(
      proxy.requests.some((r) => decodeURIComponent(r.path).endsWith(`/manifests/${image.manifestDigest}`)),
      proxy.requests.map((r) => `${r.method} ${r.path}`).join(', '),
    );
    assert.equal(await tagExists(anon, 'corrupt-manifest/app', 'v1'), false);
  });

  test('connection reset mid-blob resumes; 500 and 429 + Retry-After are retried', async () => {
    const proxy = await rig.startFaultProxy(anon.url);
    const big = image.layers.reduce((a, b) => (a.size > b.size ? a : b));
    proxy.addFault({
      method: 'GET',
      path: new RegExp(`/blobs/${big.digest}`),
      kind: 'reset-mid-body',
      rst: true,
    });
    proxy.addFault({ method: 'GET', path: /\/manifests\/v1$/, kind: 'status', status: 503 });
    proxy.addFault({
      method: 'GET',
      path: new RegExp(`/blobs/${image.configBlob.digest}`),
      kind: '429',
      retryAfter: 1,
    });
    const registries = fastRegistries();
    after(() => registries.close());
    const viaProxy = { ...anon, host: proxy.host, url: proxy.url };
    const source = await repoOn(registries, viaProxy, 'team/app', false);
    const dest = await repoOn(registries, tls, 'faults/app', true);
    const started = Date.now();
    const result = await copyImage({
      source,
      sourceReference: 'v1',
      destination: dest,
      destinationTag: 'v1',
    });
    assert.equal(result.digest, image.manifestDigest);
    assert.ok(Date.now() - started >= 900, 'Retry-After: 1 was honoured');
    const ranged = proxy.requests.filter((r) => r.method === 'GET' && r.path.includes(big.digest));
    // Resumed from where it broke (206) or, if nothing had been read yet, fetched again (200).
    assert.equal(ranged.length, 2, 'the dropped blob was fetched again, once');
  });

  test('a blob read that loses its connection mid-body resumes with a Range request', async () => {
    const proxy = await rig.startFaultProxy(anon.url);
    const big = image.layers.reduce((a, b) => (a.size > b.size ? a : b));
    proxy.addFault({
      method: 'GET',
      path: new RegExp(`/blobs/${big.digest}`),
      kind: 'reset-mid-body',
      rst: true,
      afterBytes: 256 * 1024,
    });
    const registries = fastRegistries();
    after(() => registries.close());
    const source = await repoOn(registries, { ...anon, host: proxy.host, url: proxy.url }, 'team/app', false);
    let bytes = 0;
    for await (const chunk of source.openBlob(big)) bytes += chunk.length; // verified against the digest
    assert.equal(bytes, big.size);
    const gets = proxy.requests.filter((r) => r.method === 'GET' && r.path.includes(big.digest));
    assert.deepEqual(
      gets.map((r) => r.status),
      [200, 206],
    );
  });
});
