import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { convertIndex } from './convert-index.ts';
import { convertImageManifest } from './convert-manifest.ts';
import { sha256Digest } from './digest.ts';
import { MediaType } from './media-types.ts';

const d = (c: string) => `sha256:${c.repeat(64)}`;
// The source image of a skopeo 1.9.3 run, pretty-printed as a hand-written manifest would be.
const CONFIG = {
  digest: 'sha256:3f02667a4be90a4310cf8149b85d08662cc931e41ea3435c0b7124df29aceb40',
  size: 709,
};
const RAW = 'sha256:c476c5277fc9e1c89dcde3a7598d4994d324e8fab3b0642f20e024c274627900';
const GZ = 'sha256:ce0989905efce70f59fb96aaf3d1f83a75e6df81cf302afabb159f53492970f2';
const COMPRESSED = {
  digest: 'sha256:c0eb208d67eccc8a4c79aa5a4202634ac160cf7fd943eeebbffe96cee580224f',
  size: 52,
};
const dockerSource = {
  mediaType: MediaType.DockerManifest,
  bytes: Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: MediaType.DockerManifest,
        config: { mediaType: MediaType.DockerConfig, size: CONFIG.size, digest: CONFIG.digest },
        layers: [
          { mediaType: 'application/vnd.docker.image.rootfs.diff.tar', size: 10240, digest: RAW },
          { mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 46, digest: GZ },
        ],
      },
      null,
      3,
    ),
  ),
};

describe('convertImageManifest', () => {
  test('Docker → OCI with the uncompressed layer gzipped: the bytes skopeo 1.9.3 wrote', () => {
    const out = convertImageManifest(dockerSource, {
      format: 'oci',
      config: {
        digest: 'sha256:b3e699f17337ee9ac6e8f6c4259819e65a4b5780b4cb58e5da03be9d24f0a5c6',
        size: 561,
      },
      layers: [{ ...COMPRESSED, compression: 'gzip' }, undefined],
    });
    assert.equal(
      Buffer.from(out.bytes).toString(),
      '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:b3e699f17337ee9ac6e8f6c4259819e65a4b5780b4cb58e5da03be9d24f0a5c6","size":561},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:c0eb208d67eccc8a4c79aa5a4202634ac160cf7fd943eeebbffe96cee580224f","size":52},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:ce0989905efce70f59fb96aaf3d1f83a75e6df81cf302afabb159f53492970f2","size":46}]}',
    );
    assert.equal(out.mediaType, MediaType.OciManifest);
    assert.equal(out.digest, sha256Digest(out.bytes));
  });

  test('Docker → Docker with a layer compressed: re-serialised in schema 2 field order (skopeo 1.9.3 bytes)', () => {
    const out = convertImageManifest(dockerSource, {
      format: 'docker',
      config: CONFIG,
      layers: [{ ...COMPRESSED, compression: 'gzip' }, undefined],
    });
    assert.equal(
      Buffer.from(out.bytes).toString(),
      '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":709,"digest":"sha256:3f02667a4be90a4310cf8149b85d08662cc931e41ea3435c0b7124df29aceb40"},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":52,"digest":"sha256:c0eb208d67eccc8a4c79aa5a4202634ac160cf7fd943eeebbffe96cee580224f"},{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":46,"digest":"sha256:ce0989905efce70f59fb96aaf3d1f83a75e6df81cf302afabb159f53492970f2"}]}',
    );
  });

  test('nothing to change keeps the exact source bytes (and digest)', () => {
    const out = convertImageManifest(dockerSource, {
      format: 'docker',
      config: CONFIG,
      layers: [undefined, undefined],
    });
    assert.equal(out.bytes, dockerSource.bytes);
  });

  test('OCI → Docker: same config blob, media types mapped, OCI-only fields dropped; zstd and artifacts refused', () => {
    const oci = (configType: string, layerType: string) => ({
      mediaType: MediaType.OciManifest,
      bytes: Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.OciManifest,
          config: { mediaType: configType, digest: d('a'), size: 3 },
          layers: [{ mediaType: layerType, digest: d('b'), size: 4, annotations: { x: 'y' } }],
          annotations: { 'org.opencontainers.image.created': 'now' },
        }),
      ),
    });
    const out = convertImageManifest(
      oci(MediaType.OciConfig, 'application/vnd.oci.image.layer.v1.tar+gzip'),
      {
        format: 'docker',
        config: { digest: d('a'), size: 3 },
        layers: [undefined],
      },
    );
    assert.deepEqual(JSON.parse(Buffer.from(out.bytes).toString()), {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: { mediaType: MediaType.DockerConfig, size: 3, digest: d('a') },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 4, digest: d('b') }],
    });
    assert.throws(
      () =>
        convertImageManifest(oci(MediaType.OciConfig, 'application/vnd.oci.image.layer.v1.tar+zstd'), {
          format: 'docker',
          config: { digest: d('a'), size: 3 },
          layers: [undefined],
        }),
      { code: 'FERRY_E_UNSUPPORTED_CONVERSION', message: /zstd-compressed.*Docker schema 2/ },
    );
    assert.throws(
      () =>
        convertImageManifest(
          oci('application/vnd.example.config+json', 'application/vnd.oci.image.layer.v1.tar'),
          {
            format: 'docker',
            config: { digest: d('a'), size: 3 },
            layers: [undefined],
          },
        ),
      { code: 'FERRY_E_UNSUPPORTED_CONVERSION', message: /OCI artifact/ },
    );
  });

  test('OCI → OCI with a recompressed layer: its annotations go, manifest annotations stay', () => {
    const source = {
      mediaType: MediaType.OciManifest,
      bytes: Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.OciManifest,
          config: { mediaType: MediaType.OciConfig, digest: d('a'), size: 3 },
          layers: [
            {
              mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
              digest: d('b'),
              size: 4,
              annotations: { x: 'y' },
            },
            {
              mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
              digest: d('c'),
              size: 5,
              annotations: { k: 'v' },
            },
          ],
          annotations: { b: '2', a: '1' },
        }),
      ),
    };
    const out = convertImageManifest(source, {
      format: 'oci',
      config: { digest: d('a'), size: 3 },
      layers: [{ digest: d('e'), size: 9, compression: 'zstd' }, undefined],
    });
    assert.equal(
      Buffer.from(out.bytes).toString(),
      `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"${d('a')}","size":3},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":"${d('e')}","size":9},{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"${d('c')}","size":5,"annotations":{"k":"v"}}],"annotations":{"a":"1","b":"2"}}`,
    );
  });
});

describe('convertIndex', () => {
  const list = {
    mediaType: MediaType.DockerManifestList,
    bytes: Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaType.DockerManifestList,
        manifests: [
          {
            mediaType: MediaType.DockerManifest,
            size: 10,
            digest: d('1'),
            platform: { architecture: 'amd64', os: 'linux' },
          },
          {
            mediaType: MediaType.DockerManifest,
            size: 11,
            digest: d('2'),
            platform: { architecture: 'arm', os: 'linux', variant: 'v7', features: ['sse4'] },
          },
        ],
      }),
    ),
  };
  const host = { os: 'linux', architecture: 'amd64' };

  test('a Docker list becomes an OCI index with the converted entries (ToOCI1Index: platform kept, features dropped)', () => {
    const updates = new Map([
      [d('1'), { digest: d('3'), size: 20, mediaType: MediaType.OciManifest }],
      [d('2'), { digest: d('4'), size: 21, mediaType: MediaType.OciManifest }],
    ]);
    const out = convertIndex(list, 'oci', updates, host);
    assert.equal(out.mediaType, MediaType.OciIndex);
    assert.equal(
      Buffer.from(out.bytes).toString(),
      `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${d('3')}","size":20,"platform":{"architecture":"amd64","os":"linux"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"${d('4')}","size":21,"platform":{"architecture":"arm","os":"linux","variant":"v7"}}]}`,
    );
  });

  test('no updates and the same list type keep the source bytes', () => {
    const out = convertIndex(list, 'docker', new Map(), host);
    assert.equal(out.bytes, list.bytes);
  });

  test('an OCI index entry without a platform gets the default one in a Docker list', () => {
    const index = {
      mediaType: MediaType.OciIndex,
      bytes: Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.OciIndex,
          manifests: [{ mediaType: MediaType.OciManifest, digest: d('1'), size: 10 }],
        }),
      ),
    };
    const out = convertIndex(
      index,
      'docker',
      new Map([[d('1'), { digest: d('5'), size: 12, mediaType: MediaType.DockerManifest }]]),
      host,
    );
    assert.equal(
      Buffer.from(out.bytes).toString(),
      `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{"mediaType":"application/vnd.docker.distribution.manifest.v2+json","size":12,"digest":"${d('5')}","platform":{"architecture":"amd64","os":"linux"}}]}`,
    );
  });
});
