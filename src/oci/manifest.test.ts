import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FerryError } from '../errors/ferry-error.ts';
import { imageBlobs, parseManifest } from './manifest.ts';
import { MediaType } from './media-types.ts';

const d = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const enc = (v: unknown): Uint8Array =>
  new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

function ociImage(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, digest: d(1), size: 100 },
    layers: [
      { mediaType: LAYER, digest: d(2), size: 2000 },
      { mediaType: LAYER, digest: d(3), size: 300 },
    ],
    ...extra,
  };
}

function ociIndex(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    manifests: [
      {
        mediaType: MediaType.OciManifest,
        digest: d(10),
        size: 500,
        platform: { os: 'linux', architecture: 'amd64' },
      },
      {
        mediaType: MediaType.OciManifest,
        digest: d(11),
        size: 501,
        platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      },
    ],
    ...extra,
  };
}

/** Asserts `fn` throws a FerryError with `code` whose message matches every pattern. */
function throwsFerry(fn: () => unknown, code: string, ...patterns: RegExp[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof FerryError, `expected FerryError, got ${String(err)}`);
    assert.equal(err.code, code);
    for (const p of patterns) assert.match(err.message, p);
    return true;
  });
}

describe('parseManifest', () => {
  test('Docker v2 schema 2 image', () => {
    const json = {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: { mediaType: MediaType.DockerConfig, digest: d(1), size: 1469 },
      layers: [{ mediaType: DOCKER_LAYER, digest: d(2), size: 2807 }],
    };
    const bytes = enc(json);
    const parsed = parseManifest(bytes, MediaType.DockerManifest, 'alpine:3');
    assert.equal(parsed.kind, 'image');
    assert.equal(parsed.mediaType, MediaType.DockerManifest);
    assert.equal(parsed.bytes, bytes, 'the exact bytes are kept (digests are over them)');
    assert.ok(parsed.kind === 'image');
    assert.equal(parsed.manifest.config.digest, d(1));
    assert.equal(parsed.manifest.config.size, 1469);
    assert.deepEqual(parsed.manifest.layers, [{ mediaType: DOCKER_LAYER, digest: d(2), size: 2807 }]);
  });

  test('OCI image manifest with subject, annotations and artifactType', () => {
    const json = ociImage({
      artifactType: 'application/vnd.example+json',
      subject: { mediaType: MediaType.OciManifest, digest: d(9), size: 7 },
      annotations: { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' },
    });
    const parsed = parseManifest(enc(json), undefined, 'x');
    assert.ok(parsed.kind === 'image');
    assert.equal(parsed.mediaType, MediaType.OciManifest);
    assert.equal(parsed.manifest.subject?.digest, d(9));
    assert.equal(parsed.manifest.artifactType, 'application/vnd.example+json');
    assert.deepEqual(parsed.manifest.annotations, {
      'org.opencontainers.image.created': '2024-01-01T00:00:00Z',
    });
    assert.deepEqual(
      parsed.manifest.layers.map((l) => [l.digest, l.size]),
      [
        [d(2), 2000],
        [d(3), 300],
      ],
    );
  });

  test('OCI index', () => {
    const parsed = parseManifest(enc(ociIndex()), MediaType.OciIndex, 'x');
    assert.ok(parsed.kind === 'index');
    assert.equal(parsed.mediaType, MediaType.OciIndex);
    assert.deepEqual(
      parsed.manifest.manifests.map((m) => m.platform),
      [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
      ],
    );
  });

  test('Docker manifest list', () => {
    const json = ociIndex({ mediaType: MediaType.DockerManifestList });
    const parsed = parseManifest(enc(json), 'application/json', 'x');
    assert.equal(parsed.kind, 'index');
    assert.equal(parsed.mediaType, MediaType.DockerManifestList);
  });

  test('the body mediaType wins over Content-Type', () => {
    const parsed = parseManifest(enc(ociImage()), MediaType.DockerManifest, 'x');
    assert.equal(parsed.mediaType, MediaType.OciManifest);
  });

  test('missing mediaType: taken from Content-Type (parameters ignored)', () => {
    const { mediaType: _, ...image } = ociImage();
    const parsed = parseManifest(enc(image), `${MediaType.DockerManifest}; charset=utf-8`, 'x');
    assert.equal(parsed.kind, 'image');
    assert.equal(parsed.mediaType, MediaType.DockerManifest);

    const { mediaType: __, ...index } = ociIndex();
    const list = parseManifest(enc(index), ` ${MediaType.DockerManifestList} `, 'x');
    assert.equal(list.kind, 'index');
    assert.equal(list.mediaType, MediaType.DockerManifestList);
  });

  test('missing mediaType and no useful Content-Type: inferred from shape', () => {
    const { mediaType: _, ...image } = ociImage();
    const { mediaType: __, ...index } = ociIndex();
    for (const ct of [undefined, '', 'application/json', 'application/octet-stream']) {
      const i = parseManifest(enc(image), ct, 'x');
      assert.equal(i.kind, 'image', String(ct));
      assert.equal(i.mediaType, MediaType.OciManifest);
      const x = parseManifest(enc(index), ct, 'x');
      assert.equal(x.kind, 'index', String(ct));
      assert.equal(x.mediaType, MediaType.OciIndex);
    }
  });

  test('neither a known media type nor a recognisable shape → FERRY_E_UNSUPPORTED_MANIFEST', () => {
    throwsFerry(
      () => parseManifest(enc({ schemaVersion: 2, blobs: [] }), 'application/vnd.example+json', 'repo:tag'),
      'FERRY_E_UNSUPPORTED_MANIFEST',
      /repo:tag/,
      /application\/vnd\.example\+json/,
    );
  });

  test('schema1 is refused, by schemaVersion or by media type', () => {
    const schema1 = { schemaVersion: 1, name: 'library/x', tag: 'latest', fsLayers: [], history: [] };
    throwsFerry(
      () => parseManifest(enc(schema1), undefined, 'old:1'),
      'FERRY_E_UNSUPPORTED_MANIFEST',
      /old:1/,
      /schema1/,
    );
    throwsFerry(
      () => parseManifest(enc(schema1), MediaType.DockerSchema1Signed, 'old:2'),
      'FERRY_E_UNSUPPORTED_MANIFEST',
      /old:2/,
    );
    // Media type alone, even with a schemaVersion 2-looking body.
    throwsFerry(
      () => parseManifest(enc({ ...ociImage(), mediaType: MediaType.DockerSchema1 }), undefined, 'old:3'),
      'FERRY_E_UNSUPPORTED_MANIFEST',
    );
    const { mediaType: _, ...noType } = ociImage();
    throwsFerry(
      () => parseManifest(enc(noType), MediaType.DockerSchema1, 'old:4'),
      'FERRY_E_UNSUPPORTED_MANIFEST',
    );
  });

  test('malformed: bad digest names the path', () => {
    const json = ociImage();
    (json.config as Record<string, unknown>).digest = 'sha256:xyz';
    throwsFerry(
      () => parseManifest(enc(json), undefined, 'app:1'),
      'FERRY_E_BAD_MANIFEST',
      /app:1/,
      /config\.digest/,
    );
  });

  test('malformed: negative layer size names the path', () => {
    const json = ociImage();
    (json.layers as Record<string, unknown>[])[1]!.size = -1;
    throwsFerry(
      () => parseManifest(enc(json), undefined, 'app:1'),
      'FERRY_E_BAD_MANIFEST',
      /layers\.1\.size/,
    );
  });

  test('malformed: non-integer size', () => {
    const json = ociImage();
    (json.layers as Record<string, unknown>[])[0]!.size = 1.5;
    throwsFerry(
      () => parseManifest(enc(json), undefined, 'app:1'),
      'FERRY_E_BAD_MANIFEST',
      /layers\.0\.size/,
    );
  });

  test('malformed: missing layers', () => {
    const { layers: _, ...json } = ociImage();
    throwsFerry(() => parseManifest(enc(json), undefined, 'app:1'), 'FERRY_E_BAD_MANIFEST', /\(layers: /);
  });

  test('malformed: index entry with a bad digest', () => {
    const json = ociIndex();
    (json.manifests as Record<string, unknown>[])[1]!.digest = 'sha256:ABC';
    throwsFerry(
      () => parseManifest(enc(json), undefined, 'idx'),
      'FERRY_E_BAD_MANIFEST',
      /manifests\.1\.digest/,
    );
  });

  test('malformed: wrong schemaVersion', () => {
    throwsFerry(
      () => parseManifest(enc(ociImage({ schemaVersion: 3 })), undefined, 'v3'),
      'FERRY_E_BAD_MANIFEST',
      /schemaVersion/,
    );
  });

  test('malformed: a JSON value that is not an object, with an image media type', () => {
    throwsFerry(
      () => parseManifest(enc('null'), MediaType.OciManifest, 'n'),
      'FERRY_E_BAD_MANIFEST',
      /\(root\)/,
    );
  });

  test('invalid JSON → FERRY_E_BAD_MANIFEST with the cause kept', () => {
    assert.throws(
      () => parseManifest(enc('{"schemaVersion": 2,'), MediaType.OciManifest, 'broken:1'),
      (err: unknown) =>
        err instanceof FerryError &&
        err.code === 'FERRY_E_BAD_MANIFEST' &&
        /broken:1 is not valid JSON/.test(err.message) &&
        err.cause instanceof SyntaxError,
    );
  });

  test('reads only the view it was given (subarray of a larger buffer)', () => {
    const inner = enc(ociImage());
    const big = new Uint8Array(inner.length + 20).fill(0x20);
    big.set(inner, 10);
    const view = big.subarray(10, 10 + inner.length);
    const parsed = parseManifest(view, undefined, 'x');
    assert.equal(parsed.kind, 'image');
  });
});

describe('imageBlobs', () => {
  test('config first, then layers in order, foreign (urls) layers skipped', () => {
    const parsed = parseManifest(
      enc(
        ociImage({
          layers: [
            { mediaType: LAYER, digest: d(2), size: 1 },
            {
              mediaType: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
              digest: d(3),
              size: 5,
              urls: ['https://mcr.microsoft.com/v2/windows/blobs/x'],
            },
            { mediaType: LAYER, digest: d(4), size: 2, urls: [] },
          ],
        }),
      ),
      undefined,
      'x',
    );
    assert.ok(parsed.kind === 'image');
    assert.deepEqual(
      imageBlobs(parsed.manifest).map((b) => b.digest),
      [d(1), d(2), d(4)],
    );
  });
});
