import assert from 'node:assert/strict';
import { test } from 'node:test';
import { digestToTagPrefix } from '../oci/digest.ts';
import { MediaType } from '../oci/media-types.ts';
import { COSIGN_SIGN_PREDICATE_TYPE } from './in-toto-statement.ts';
import { MemorySource } from './signature-fixture.testkit.ts';
import { bundleReferrer } from './sigstore-referrer-manifest.ts';
import { fetchSigstoreBundles, MAX_BUNDLE_REFERRERS } from './sigstore-referrers.ts';

/** Stores a referrer as cosign v3 does and lists it in the fallback index with `artifactType`. */
function attach(
  source: MemorySource,
  subject: string,
  manifest: Record<string, unknown>,
  artifactType?: string,
) {
  const digest = source.putManifest(manifest);
  const tag = digestToTagPrefix(subject);
  const existing = source.manifests.get(tag);
  const index = existing
    ? (JSON.parse(Buffer.from(existing).toString('utf8')) as { manifests: unknown[] })
    : { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] as unknown[] };
  const size = source.manifests.get(digest)!.byteLength;
  index.manifests.push({
    mediaType: MediaType.OciManifest,
    digest,
    size,
    ...(artifactType ? { artifactType } : {}),
  });
  source.putManifest(index, tag);
  return digest;
}

function stored(source: MemorySource, subject: string, bundle: unknown) {
  const r = bundleReferrer(
    { digest: subject, size: 100, mediaType: MediaType.OciManifest },
    bundle,
    COSIGN_SIGN_PREDICATE_TYPE,
  );
  for (const b of r.blobs) source.putBlob(b.bytes, b.descriptor.mediaType);
  return r.manifest;
}

test('bundles are found whatever artifactType the index entry carries (cosign 3.0, 3.1, none)', async () => {
  const source = new MemorySource();
  const image = source.putImage('image');
  const a = attach(source, image, stored(source, image, { n: 1 }), 'application/vnd.oci.empty.v1+json');
  const b = attach(
    source,
    image,
    stored(source, image, { n: 2 }),
    'application/vnd.dev.sigstore.bundle.v0.3+json',
  );
  const c = attach(source, image, stored(source, image, { n: 3 }));
  const found = await fetchSigstoreBundles(source, image);
  assert.deepEqual(
    found.bundles.map((x) => [x.referrer, x.json]),
    [
      [a, { n: 1 }],
      [b, { n: 2 }],
      [c, { n: 3 }],
    ],
  );
  assert.equal(
    found.bundles[0]!.annotations['dev.sigstore.bundle.predicateType'],
    'https://sigstore.dev/cosign/sign/v1',
  );
  assert.deepEqual(found.skipped, []);
});

test('referrers that are not bundles, or about another image, are ignored; oversized ones are named', async () => {
  const source = new MemorySource();
  const image = source.putImage('image');
  const other = source.putImage('other');
  // An SBOM-style referrer (one layer of another type), and two layers.
  const sbom = stored(source, image, {});
  attach(source, image, {
    ...sbom,
    layers: [{ ...(sbom.layers as object[])[0], mediaType: 'application/spdx+json' }],
  });
  attach(source, image, { ...sbom, layers: [...(sbom.layers as object[]), ...(sbom.layers as object[])] });
  // A genuine bundle manifest of another image listed in this image's index (stale or hostile).
  attach(source, image, stored(source, other, { other: true }));
  // A bundle layer declared too big to read: skipped without a download.
  const big = stored(source, image, {});
  const hugeLayer = { ...(big.layers as Record<string, unknown>[])[0], size: 64 * 1024 * 1024 };
  const huge = attach(source, image, { ...big, layers: [hugeLayer] });
  const found = await fetchSigstoreBundles(source, image);
  assert.deepEqual(found.bundles, []);
  assert.equal(found.skipped.length, 1);
  assert.match(found.skipped[0]!, new RegExp(`${huge}: the bundle is 67108864 bytes`));
});

test('no fallback index: no bundles; too many referrers: the rest is counted, not read', async () => {
  const source = new MemorySource();
  const image = source.putImage('image');
  assert.deepEqual(await fetchSigstoreBundles(source, image), { bundles: [], skipped: [] });
  for (let i = 0; i < MAX_BUNDLE_REFERRERS + 2; i++) attach(source, image, stored(source, image, { i }));
  const found = await fetchSigstoreBundles(source, image);
  assert.equal(found.bundles.length, MAX_BUNDLE_REFERRERS);
  assert.match(
    found.skipped.at(-1)!,
    new RegExp(`only the first ${MAX_BUNDLE_REFERRERS} of ${MAX_BUNDLE_REFERRERS + 2}`),
  );
});
