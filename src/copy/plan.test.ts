import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FerryError } from '../errors/ferry-error.ts';
import { sha256Digest } from '../oci/digest.ts';
import { type ParsedManifest, parseManifest } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import { parsePlatform } from '../oci/platform.ts';
import { planCopy, type SourceTree } from './plan.ts';

const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v, null, 3));
const blobDigest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;

interface BlobSpec {
  readonly n: number;
  readonly size: number;
  readonly urls?: string[];
}

interface Built {
  readonly digest: string;
  readonly bytes: Uint8Array;
  readonly parsed: ParsedManifest;
  readonly json: Record<string, unknown>;
}

/** An image manifest (parsed with parseManifest, as the copier sees it) and its real digest. */
function image(
  config: BlobSpec,
  layers: readonly BlobSpec[],
  mediaType: string = MediaType.OciManifest,
): Built {
  const json = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: MediaType.OciConfig, digest: blobDigest(config.n), size: config.size },
    layers: layers.map((l) => ({
      mediaType: LAYER,
      digest: blobDigest(l.n),
      size: l.size,
      ...(l.urls ? { urls: l.urls } : {}),
    })),
  };
  const bytes = enc(json);
  return { digest: sha256Digest(bytes), bytes, parsed: parseManifest(bytes, undefined, 'test image'), json };
}

interface Entry {
  readonly child: Built;
  readonly platform?: Record<string, unknown>;
  readonly extra?: Record<string, unknown>;
}

function index(
  entries: readonly Entry[],
  mediaType: string = MediaType.OciIndex,
  extra: Record<string, unknown> = {},
): Built {
  const json = {
    schemaVersion: 2,
    mediaType,
    manifests: entries.map((e) => ({
      mediaType: e.child.parsed.mediaType,
      digest: e.child.digest,
      size: e.child.bytes.length,
      ...(e.platform ? { platform: e.platform } : {}),
      ...e.extra,
    })),
    ...extra,
  };
  const bytes = enc(json);
  return { digest: sha256Digest(bytes), bytes, parsed: parseManifest(bytes, undefined, 'test index'), json };
}

function tree(top: Built, children: readonly Built[] = []): SourceTree {
  return {
    digest: top.digest,
    top: top.parsed,
    children: new Map(children.map((c) => [c.digest, c.parsed])),
  };
}

const specs = (...values: string[]) => values.map(parsePlatform);

// A typical multi-arch index: two images sharing a base layer (n=100), plus a buildx attestation.
const BASE = { n: 100, size: 30_000 };
const amd64 = image({ n: 1, size: 1_000 }, [BASE, { n: 2, size: 50_000 }]);
const arm64 = image({ n: 3, size: 1_100 }, [BASE, { n: 4, size: 40_000 }]);
const attestation = image({ n: 5, size: 200 }, [{ n: 6, size: 9_000 }]);
const multi = index([
  { child: amd64, platform: { os: 'linux', architecture: 'amd64' } },
  { child: arm64, platform: { os: 'linux', architecture: 'arm64' } },
  {
    child: attestation,
    platform: { os: 'unknown', architecture: 'unknown' },
    extra: {
      annotations: {
        'vnd.docker.reference.type': 'attestation-manifest',
        'vnd.docker.reference.digest': amd64.digest,
      },
    },
  },
]);
const multiTree = tree(multi, [amd64, arm64, attestation]);
const multiEntries = multi.json.manifests as Record<string, unknown>[];

const digests = (xs: readonly { digest: string }[]) => xs.map((x) => x.digest);

function throwsFerry(fn: () => unknown, code: string, ...patterns: RegExp[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FerryError, `expected FerryError, got ${String(err)}`);
    assert.equal(err.code, code);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

describe('planCopy: single image', () => {
  test('blobs = config + layers, largest first, deduplicated, foreign layers skipped; totalBytes', () => {
    const img = image({ n: 1, size: 700 }, [
      { n: 2, size: 500 },
      { n: 3, size: 2_000 },
      { n: 2, size: 500 }, // same layer twice (e.g. an empty layer repeated)
      { n: 4, size: 99_999, urls: ['https://mcr.microsoft.com/v2/windows/blobs/x'] },
      { n: 5, size: 50 },
    ]);
    const plan = planCopy(tree(img));
    assert.deepEqual(digests(plan.blobs), [blobDigest(3), blobDigest(1), blobDigest(2), blobDigest(5)]);
    assert.deepEqual(
      plan.blobs.map((b) => b.size),
      [2_000, 700, 500, 50],
    );
    assert.equal(plan.totalBytes, 3_250);
    assert.deepEqual(plan.manifests, []);
    assert.equal(plan.top.digest, img.digest);
    assert.equal(plan.top.mediaType, MediaType.OciManifest);
    assert.deepEqual(plan.top.bytes, img.bytes);
    assert.equal(plan.digestChanged, false);
    assert.deepEqual(plan.warnings, []);
  });

  test('Docker v2s2 image keeps its media type', () => {
    const img = image({ n: 1, size: 10 }, [{ n: 2, size: 20 }], MediaType.DockerManifest);
    const plan = planCopy(tree(img));
    assert.equal(plan.top.mediaType, MediaType.DockerManifest);
    assert.equal(plan.totalBytes, 30);
  });

  test('--platform on a single image: a warning only, nothing else changes', () => {
    const plan = planCopy(tree(amd64), { platforms: specs('linux/arm64') });
    assert.equal(plan.top.digest, amd64.digest);
    assert.deepEqual(plan.top.bytes, amd64.bytes);
    assert.equal(plan.digestChanged, false);
    assert.equal(plan.warnings.length, 1);
    assert.match(plan.warnings[0]!, /single-platform image; --platform has no effect/);
    assert.deepEqual(digests(plan.blobs), [blobDigest(2), blobDigest(100), blobDigest(1)]);
  });
});

describe('planCopy: whole index', () => {
  test('copied byte for byte with its digest; children before the top; shared blobs once', () => {
    for (const plan of [planCopy(multiTree), planCopy(multiTree, { platforms: [] })]) {
      assert.equal(plan.top.digest, multi.digest);
      assert.equal(sha256Digest(plan.top.bytes), multi.digest);
      assert.deepEqual(plan.top.bytes, multi.bytes);
      assert.equal(plan.top.mediaType, MediaType.OciIndex);
      assert.equal(plan.digestChanged, false);
      assert.deepEqual(plan.warnings, []);
      assert.deepEqual(digests(plan.manifests), [amd64.digest, arm64.digest, attestation.digest]);
      for (const [m, src] of plan.manifests.map((m, i) => [m, [amd64, arm64, attestation][i]!] as const)) {
        assert.deepEqual(m.bytes, src.bytes);
        assert.equal(sha256Digest(m.bytes), m.digest);
        assert.equal(m.mediaType, MediaType.OciManifest);
      }
      assert.deepEqual(digests(plan.blobs), [2, 4, 100, 6, 3, 1, 5].map(blobDigest));
      assert.equal(plan.totalBytes, 50_000 + 40_000 + 30_000 + 9_000 + 1_100 + 1_000 + 200);
    }
  });

  test('Docker manifest list with Docker children keeps every media type', () => {
    const a = image({ n: 1, size: 1 }, [{ n: 2, size: 2 }], MediaType.DockerManifest);
    const b = image({ n: 3, size: 3 }, [{ n: 2, size: 2 }], MediaType.DockerManifest);
    const list = index(
      [
        { child: a, platform: { os: 'linux', architecture: 'amd64' } },
        { child: b, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
      ],
      MediaType.DockerManifestList,
    );
    const plan = planCopy(tree(list, [a, b]));
    assert.equal(plan.top.mediaType, MediaType.DockerManifestList);
    assert.deepEqual(
      plan.manifests.map((m) => m.mediaType),
      [MediaType.DockerManifest, MediaType.DockerManifest],
    );
    assert.deepEqual(digests(plan.blobs), [blobDigest(3), blobDigest(2), blobDigest(1)]);
  });

  test('nested index: grandchildren before children before the top', () => {
    const inner = index([{ child: amd64, platform: { os: 'linux', architecture: 'amd64' } }]);
    const outer = index([
      { child: inner },
      { child: arm64, platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    const plan = planCopy(tree(outer, [inner, amd64, arm64]));
    assert.deepEqual(digests(plan.manifests), [amd64.digest, inner.digest, arm64.digest]);
    assert.equal(plan.manifests[1]?.mediaType, MediaType.OciIndex);
    assert.equal(plan.top.digest, outer.digest);
  });

  test('a child referenced twice is planned once', () => {
    const twice = index([
      { child: amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { child: amd64, platform: { os: 'linux', architecture: '386' } },
    ]);
    const plan = planCopy(tree(twice, [amd64]));
    assert.deepEqual(digests(plan.manifests), [amd64.digest]);
  });

  test('a child that was not fetched → FERRY_E_BAD_MANIFEST naming it', () => {
    throwsFerry(
      () => planCopy(tree(multi, [amd64, attestation])),
      'FERRY_E_BAD_MANIFEST',
      new RegExp(arm64.digest),
      new RegExp(multi.digest),
    );
  });
});

describe('planCopy: platform subset', () => {
  test('one platform → that image becomes the top, digest changes, with a warning', () => {
    const plan = planCopy(multiTree, { platforms: specs('linux/arm64') });
    assert.equal(plan.top.digest, arm64.digest);
    assert.deepEqual(plan.top.bytes, arm64.bytes);
    assert.equal(plan.top.mediaType, MediaType.OciManifest);
    assert.equal(plan.digestChanged, true);
    assert.deepEqual(plan.manifests, []);
    assert.deepEqual(digests(plan.blobs), [blobDigest(4), blobDigest(100), blobDigest(3)]);
    assert.equal(plan.totalBytes, 40_000 + 30_000 + 1_100);
    assert.equal(plan.warnings.length, 1);
    assert.match(plan.warnings[0]!, /copying linux\/arm64 only/);
    assert.ok(plan.warnings[0]!.includes(arm64.digest));
    assert.ok(plan.warnings[0]!.includes(multi.digest));
  });

  test('one platform whose child is missing → FERRY_E_BAD_MANIFEST', () => {
    throwsFerry(
      () => planCopy(tree(multi, [amd64, attestation]), { platforms: specs('linux/arm64') }),
      'FERRY_E_BAD_MANIFEST',
      new RegExp(arm64.digest),
    );
  });

  test('two platforms → a filtered index of exactly those entries, digest = sha256 of the new bytes', () => {
    const plan = planCopy(multiTree, { platforms: specs('linux/amd64', 'linux/arm64') });
    assert.equal(plan.digestChanged, true);
    assert.notEqual(plan.top.digest, multi.digest);
    assert.equal(plan.top.digest, sha256Digest(plan.top.bytes));
    assert.equal(plan.top.mediaType, MediaType.OciIndex);
    const written = JSON.parse(new TextDecoder().decode(plan.top.bytes)) as Record<string, unknown>;
    assert.equal(written.schemaVersion, 2);
    assert.equal(written.mediaType, MediaType.OciIndex);
    assert.deepEqual(written.manifests, multiEntries.slice(0, 2));
    // The new index must itself parse as an index.
    assert.equal(parseManifest(plan.top.bytes, undefined, 'filtered').kind, 'index');
    assert.deepEqual(digests(plan.manifests), [amd64.digest, arm64.digest]);
    // Shared base layer once; attestation blobs dropped.
    assert.deepEqual(digests(plan.blobs), [2, 4, 100, 3, 1].map(blobDigest));
    assert.equal(plan.totalBytes, 50_000 + 40_000 + 30_000 + 1_100 + 1_000);
    assert.equal(plan.warnings.length, 1);
    assert.match(plan.warnings[0]!, /copying linux\/amd64, linux\/arm64 only/);
    assert.ok(plan.warnings[0]!.includes(plan.top.digest));
  });

  test('a filtered Docker manifest list keeps its media type and top-level annotations', () => {
    const a = image({ n: 1, size: 1 }, [], MediaType.DockerManifest);
    const b = image({ n: 2, size: 1 }, [], MediaType.DockerManifest);
    const c = image({ n: 3, size: 1 }, [], MediaType.DockerManifest);
    const list = index(
      [
        { child: a, platform: { os: 'linux', architecture: 'amd64' } },
        { child: b, platform: { os: 'linux', architecture: 'arm64' } },
        { child: c, platform: { os: 'linux', architecture: 's390x' } },
      ],
      MediaType.DockerManifestList,
      { annotations: { 'org.opencontainers.image.ref.name': 'x' } },
    );
    const plan = planCopy(tree(list, [a, b, c]), { platforms: specs('linux/amd64', 'linux/s390x') });
    assert.equal(plan.top.mediaType, MediaType.DockerManifestList);
    const written = JSON.parse(new TextDecoder().decode(plan.top.bytes)) as Record<string, unknown>;
    assert.equal(written.mediaType, MediaType.DockerManifestList);
    assert.deepEqual(written.annotations, { 'org.opencontainers.image.ref.name': 'x' });
    assert.deepEqual(
      (written.manifests as { digest: string }[]).map((m) => m.digest),
      [a.digest, c.digest],
    );
  });

  test('every platform selected → the original index, digest preserved, no warning', () => {
    const plan = planCopy(multiTree, { platforms: specs('linux/amd64', 'linux/arm64', 'unknown/unknown') });
    assert.equal(plan.top.digest, multi.digest);
    assert.deepEqual(plan.top.bytes, multi.bytes);
    assert.equal(plan.digestChanged, false);
    assert.deepEqual(plan.warnings, []);
    assert.deepEqual(digests(plan.manifests), [amd64.digest, arm64.digest, attestation.digest]);
  });

  test('no match → FERRY_E_NO_MATCHING_PLATFORM listing what is available', () => {
    throwsFerry(
      () => planCopy(multiTree, { platforms: specs('linux/amd64', 'linux/s390x') }),
      'FERRY_E_NO_MATCHING_PLATFORM',
      /linux\/s390x/,
      new RegExp(multi.digest),
      /available: linux\/amd64, linux\/arm64, unknown\/unknown/,
    );
  });

  test('an entry without a platform is listed as unknown', () => {
    const idx = index([
      { child: amd64 },
      { child: arm64, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    ]);
    throwsFerry(
      () => planCopy(tree(idx, [amd64, arm64]), { platforms: specs('linux/amd64') }),
      'FERRY_E_NO_MATCHING_PLATFORM',
      /available: unknown, linux\/arm\/v7\)/,
    );
  });

  test('linux/arm64/v8 selects an arm64 entry that omits the variant; v9 does not', () => {
    const plan = planCopy(multiTree, { platforms: specs('linux/arm64/v8') });
    assert.equal(plan.top.digest, arm64.digest);
    assert.equal(planCopy(multiTree, { platforms: specs('linux/aarch64') }).top.digest, arm64.digest);
    throwsFerry(
      () => planCopy(multiTree, { platforms: specs('linux/arm64/v9') }),
      'FERRY_E_NO_MATCHING_PLATFORM',
    );
  });

  test('one spec matching several entries (linux/arm → v6 and v7) yields a filtered index', () => {
    const v6 = image({ n: 10, size: 1 }, [{ n: 11, size: 5 }]);
    const v7 = image({ n: 12, size: 1 }, [{ n: 11, size: 5 }]);
    const idx = index([
      { child: amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { child: v6, platform: { os: 'linux', architecture: 'arm', variant: 'v6' } },
      { child: v7, platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
    ]);
    const plan = planCopy(tree(idx, [amd64, v6, v7]), { platforms: specs('linux/arm') });
    assert.equal(plan.digestChanged, true);
    assert.equal(plan.top.mediaType, MediaType.OciIndex);
    assert.deepEqual(digests(plan.manifests), [v6.digest, v7.digest]);
    assert.deepEqual(digests(plan.blobs), [11, 10, 12].map(blobDigest));
  });

  test('entries sharing one digest: selecting every platform keeps the original index', () => {
    const shared = index([
      { child: amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { child: amd64, platform: { os: 'linux', architecture: '386' } },
      { child: arm64, platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    const plan = planCopy(tree(shared, [amd64, arm64]), {
      platforms: specs('linux/amd64', 'linux/386', 'linux/arm64'),
    });
    assert.equal(plan.top.digest, shared.digest);
    assert.equal(plan.digestChanged, false);
  });

  test('a filtered index keeps its entries verbatim, including descriptor fields ferry does not model', () => {
    const idx = index([
      { child: amd64, platform: { os: 'linux', architecture: 'amd64', features: ['sse4'] } },
      { child: arm64, platform: { os: 'linux', architecture: 'arm64' }, extra: { data: 'e30=' } },
      { child: attestation, platform: { os: 'linux', architecture: 's390x' } },
    ]);
    const plan = planCopy(tree(idx, [amd64, arm64, attestation]), {
      platforms: specs('linux/amd64', 'linux/arm64'),
    });
    const written = JSON.parse(new TextDecoder().decode(plan.top.bytes)) as Record<string, unknown>;
    assert.deepEqual(written.manifests, (idx.json.manifests as unknown[]).slice(0, 2));
  });
});
