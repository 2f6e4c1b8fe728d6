import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { hasCode } from '../errors/ferry-error.ts';
import { decompressed, decompressorFor, detectCompression } from './layer-compression.ts';
import { LayoutErrorCode } from './layout-error.ts';

test('detectCompression recognises gzip, zstd, bzip2 and xz by magic and calls the rest uncompressed', () => {
  assert.equal(detectCompression(gzipSync(Buffer.from('x'))), 'gzip');
  assert.equal(detectCompression(zstdCompressSync(Buffer.from('x'))), 'zstd');
  assert.equal(detectCompression(Buffer.from('BZh91AY')), 'bzip2');
  assert.equal(detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), 'xz');
  assert.equal(detectCompression(Buffer.from('ustar-ish tar header')), 'none');
  assert.equal(detectCompression(Buffer.alloc(0)), 'none');
});

test('decompressorFor refuses formats ferry cannot read, naming the layer', () => {
  assert.equal(decompressorFor('none', 'layer x'), undefined);
  assert.ok(decompressorFor('gzip', 'layer x'));
  assert.throws(
    () => decompressorFor('bzip2', 'layer x'),
    (e: unknown) =>
      hasCode(e, LayoutErrorCode.UnsupportedCompression) && /layer x is bzip2-compressed/.test(String(e)),
  );
});

test('xz streams decompress (skopeo reads `docker save | xz` archives)', async () => {
  // printf 'hello xz layer\n' | xz -c | base64
  const xz = Buffer.from(
    '/Td6WFoAAATm1rRGAgAhARYAAAB0L+WjAQAOaGVsbG8geHogbGF5ZXIKAADGF1EoANlLhwABJw/fGvxqH7bzfQEAAAAABFla',
    'base64',
  );
  assert.equal(detectCompression(xz), 'xz');
  const out = await new Response(
    Readable.toWeb(
      decompressed(Readable.from([xz.subarray(0, 10), xz.subarray(10)]), 'xz', 'layer x'),
    ) as ReadableStream,
  ).text();
  assert.equal(out, 'hello xz layer\n');
  await assert.rejects(
    new Response(
      Readable.toWeb(decompressed(Readable.from([xz.subarray(0, 30)]), 'xz', 'layer x')) as ReadableStream,
    ).text(),
  );
});
