import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFormat, readConversionOptions } from './conversion-flags.ts';

describe('readConversionOptions (skopeo flags → ConversionOptions)', () => {
  test('no conversion flag: no conversion at all (byte-for-byte copy), even with --preserve-digests', () => {
    assert.deepEqual(readConversionOptions({ preserveDigests: true }, 'docker'), {
      conversion: undefined,
      warnings: [],
    });
  });

  test('registries and oci: compress (containers/image DesiredLayerCompression), unless oci: accepts uncompressed layers', () => {
    assert.equal(readConversionOptions({ format: 'oci' }, 'docker').conversion?.layers, 'compress');
    assert.equal(readConversionOptions({ format: 'v2s2' }, 'oci-archive').conversion?.layers, 'compress');
    assert.equal(
      readConversionOptions({ format: 'oci', destOciAcceptUncompressedLayers: true }, 'oci').conversion
        ?.layers,
      'preserve',
    );
    assert.deepEqual(
      readConversionOptions(
        { destCompressFormat: 'zstd', destCompressLevel: '19', preserveDigests: true },
        'docker',
      ).conversion,
      {
        format: undefined,
        layers: 'compress',
        compressionFormat: 'zstd',
        compressionLevel: 19,
        preserveDigests: true,
      },
    );
  });

  test('--dest-decompress works on dir: only, as in skopeo; elsewhere a warning and no conversion', () => {
    assert.equal(readConversionOptions({ destDecompress: true }, 'dir').conversion?.layers, 'decompress');
    const registry = readConversionOptions({ destDecompress: true }, 'docker');
    assert.equal(registry.conversion, undefined);
    assert.match(registry.warnings[0] ?? '', /--dest-decompress has no effect on docker: destinations/);
    assert.equal(readConversionOptions({ destCompress: true }, 'dir').conversion?.layers, 'compress');
    assert.equal(
      readConversionOptions({ format: 'v2s2' }, 'docker-archive').conversion?.layers,
      'decompress',
    );
  });

  test('bad values exit 2 naming the value', () => {
    const usage = (fn: () => unknown, message: RegExp) =>
      assert.throws(fn, { code: 'FERRY_E_BAD_USAGE', message });
    usage(() => parseFormat('v2s1'), /--format v2s1 is not supported/);
    usage(() => parseFormat('docker'), /unknown format "docker"/);
    usage(
      () => readConversionOptions({ destCompressFormat: 'lz4' }, 'docker'),
      /cannot find compressor for "lz4"/,
    );
    usage(
      () => readConversionOptions({ destCompressFormat: 'zstd:chunked' }, 'docker'),
      /zstd:chunked is not supported/,
    );
    usage(
      () => readConversionOptions({ destCompressLevel: '10' }, 'docker'),
      /"10" is not a gzip level \(0 to 9\)/,
    );
    usage(
      () => readConversionOptions({ destCompressLevel: 'max', destCompressFormat: 'zstd' }, 'docker'),
      /"max"/,
    );
    usage(
      () => readConversionOptions({ destCompress: true, destDecompress: true }, 'dir'),
      /cannot be combined/,
    );
  });
});
