import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { hasCode } from '../errors/ferry-error.ts';
import { decompressorFor, detectCompression } from './layer-compression.ts';
import { LayoutErrorCode } from './layout-error.ts';

test('detectCompression recognises gzip, zstd, bzip2 and xz by magic and calls the rest uncompressed', () => {
  assert.equal(detectCompression(gzipSync(Buffer.from('x'))), 'gzip');
  assert.equal(detectCompression(zstdCompressSync(Buffer.from('x'))), 'zstd');
  assert.equal(detectCompression(Buffer.from('BZh91AY')), 'bzip2');
  assert.equal(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), 'xz');
  assert.equal(detectCompression(Buffer.from('ustar-ish tar header')), 'none');
  assert.equal(detectCompression(Buffer.alloc(0)), 'none');
});

test('decompressorFor refuses formats node:zlib cannot read, naming the layer', () => {
  assert.equal(decompressorFor('none', 'layer x'), undefined);
  assert.ok(decompressorFor('gzip', 'layer x'));
  assert.throws(
    () => decompressorFor('xz', 'layer x'),
    (e: unknown) =>
      hasCode(e, LayoutErrorCode.UnsupportedCompression) && /layer x is xz-compressed/.test(String(e)),
  );
});
