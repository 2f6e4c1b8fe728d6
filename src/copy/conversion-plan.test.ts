import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LayerMediaType } from '../oci/layer-compression.ts';
import type { ImageManifest } from '../oci/manifest.ts';
import { MediaType } from '../oci/media-types.ts';
import {
  type ConversionOptions,
  layerTarget,
  planImageConversion,
  refuseDigestChange,
} from './conversion-plan.ts';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const manifest = (...types: string[]): ImageManifest => ({
  schemaVersion: 2,
  config: { mediaType: MediaType.DockerConfig, digest: d('a'), size: 1 },
  layers: types.map((mediaType, i) => ({ mediaType, digest: d(String(i)), size: 10 })),
});
const compress: ConversionOptions = { layers: 'compress' };

describe('layerTarget (containers/image blobPipelineCompressionStep)', () => {
  test('compress: uncompressed layers are compressed (gzip unless a format is given), others kept', () => {
    assert.equal(layerTarget(LayerMediaType.DockerTar, compress), 'gzip');
    assert.equal(layerTarget(LayerMediaType.OciTar, { ...compress, compressionFormat: 'zstd' }), 'zstd');
    assert.equal(layerTarget(LayerMediaType.OciTarGzip, compress), undefined);
    assert.equal(layerTarget(LayerMediaType.OciTarZstd, compress), undefined);
  });

  test('compress with a format: layers compressed otherwise are recompressed', () => {
    assert.equal(
      layerTarget(LayerMediaType.DockerTarGzip, { ...compress, compressionFormat: 'zstd' }),
      'zstd',
    );
    assert.equal(layerTarget(LayerMediaType.OciTarZstd, { ...compress, compressionFormat: 'gzip' }), 'gzip');
    assert.equal(
      layerTarget(LayerMediaType.OciTarGzip, { ...compress, compressionFormat: 'gzip' }),
      undefined,
    );
  });

  test('decompress and preserve; artifact layers are never touched', () => {
    assert.equal(layerTarget(LayerMediaType.OciTarZstd, { layers: 'decompress' }), 'none');
    assert.equal(layerTarget(LayerMediaType.OciTar, { layers: 'decompress' }), undefined);
    assert.equal(
      layerTarget(LayerMediaType.OciTar, { layers: 'preserve', compressionFormat: 'zstd' }),
      undefined,
    );
    assert.equal(
      layerTarget('application/vnd.in-toto+json', { ...compress, compressionFormat: 'zstd' }),
      undefined,
    );
  });
});

describe('planImageConversion', () => {
  test('--format oci on a Docker image converts the manifest, with no layer rewritten', () => {
    const plan = planImageConversion(
      MediaType.DockerManifest,
      manifest(LayerMediaType.DockerTarGzip),
      { ...compress, format: 'oci' },
      'x',
    );
    assert.deepEqual(plan, { from: 'docker', to: 'oci', layers: [undefined], changes: true });
  });

  test('an image already in the requested form needs no change', () => {
    const plan = planImageConversion(
      MediaType.OciManifest,
      manifest(LayerMediaType.OciTarGzip),
      { ...compress, format: 'oci' },
      'x',
    );
    assert.equal(plan.changes, false);
  });

  test('zstd on a Docker image switches to OCI, as skopeo falls back; forced v2s2 is refused', () => {
    const zstd = { ...compress, compressionFormat: 'zstd' as const };
    const plan = planImageConversion(
      MediaType.DockerManifest,
      manifest(LayerMediaType.DockerTarGzip),
      zstd,
      'x',
    );
    assert.deepEqual(plan, { from: 'docker', to: 'oci', layers: ['zstd'], changes: true });
    assert.throws(
      () =>
        planImageConversion(
          MediaType.DockerManifest,
          manifest(LayerMediaType.DockerTarGzip),
          { ...zstd, format: 'docker' },
          'x',
        ),
      { code: 'FERRY_E_BAD_USAGE', message: /--format v2s2/ },
    );
    assert.throws(
      () =>
        planImageConversion(
          MediaType.OciManifest,
          manifest(LayerMediaType.OciTarZstd),
          { ...compress, format: 'docker' },
          'img',
        ),
      { code: 'FERRY_E_UNSUPPORTED_CONVERSION', message: /img has zstd-compressed layers/ },
    );
  });

  test('foreign layers (with urls) are left alone', () => {
    const m = manifest(LayerMediaType.DockerForeignTar);
    m.layers[0] = { ...m.layers[0]!, urls: ['https://example.invalid/layer'] };
    assert.deepEqual(planImageConversion(MediaType.DockerManifest, m, compress, 'x').layers, [undefined]);
  });

  test('refuseDigestChange names what would change', () => {
    const plan = planImageConversion(
      MediaType.DockerManifest,
      manifest(LayerMediaType.DockerTar, LayerMediaType.DockerTarGzip),
      { ...compress, format: 'oci' },
      'x',
    );
    assert.throws(() => refuseDigestChange(plan, 'reg/app:v1'), {
      code: 'FERRY_E_BAD_USAGE',
      message:
        '--preserve-digests: copying reg/app:v1 would need converting Docker schema 2 (v2s2) to OCI and re-encoding 1 layer, which changes its digest',
    });
  });
});
