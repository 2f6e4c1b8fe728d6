import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { gunzipSync, gzipSync, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { createSpoolDir, transformLayer } from './transform-layer.ts';

const spool = await createSpoolDir();
after(() => spool.dispose());
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const tar = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 251));
async function* chunks(b: Buffer, size = 4096): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
let n = 0;
const next = () => join(spool.path, `t${n++}`);

describe('transformLayer', () => {
  test('gzip → zstd: same tar inside, digest and size of the written bytes', async () => {
    const out = await transformLayer(chunks(gzipSync(tar)), 'zstd', undefined, next());
    const written = await readFile(out.path);
    assert.equal(out.detected, 'gzip');
    assert.equal(out.digest, sha(written));
    assert.equal(out.size, written.length);
    assert.deepEqual(zstdDecompressSync(written), tar);
  });

  test('uncompressed → gzip at a level, zstd → uncompressed; detection is by content, in chunks of 1 byte too', async () => {
    const gz = await transformLayer(chunks(tar), 'gzip', 9, next());
    assert.deepEqual(gunzipSync(await readFile(gz.path)), tar);
    const plain = await transformLayer(chunks(zstdCompressSync(tar), 1), 'none', undefined, next());
    assert.equal(plain.detected, 'zstd');
    assert.equal(plain.digest, sha(tar));
  });

  test('the output depends on the content only, not on how the source was chunked (same digest twice)', async () => {
    const big = Buffer.concat([tar, tar, tar, tar, tar]);
    const one = await transformLayer(chunks(big, big.length), 'zstd', undefined, next());
    const many = await transformLayer(chunks(big, 1000), 'zstd', undefined, next());
    assert.equal(one.digest, many.digest);
    // Through a decompressor too, whose output is cut by its input.
    const gz = gzipSync(big);
    const a = await transformLayer(chunks(gz, 100), 'zstd', undefined, next());
    const b = await transformLayer(chunks(gz, gz.length), 'zstd', undefined, next());
    assert.equal(a.digest, b.digest);
    assert.equal(a.digest, one.digest);
  });

  test('a source that fails at its end (digest mismatch) leaves no spool file and rethrows', async () => {
    const before = (await readdir(spool.path)).length;
    async function* corrupt(): AsyncGenerator<Buffer> {
      yield* chunks(gzipSync(tar));
      throw new Error('digest mismatch');
    }
    await assert.rejects(transformLayer(corrupt(), 'zstd', undefined, next()), /digest mismatch/);
    assert.equal((await readdir(spool.path)).length, before);
  });

  test('bzip2 content is refused clearly', async () => {
    await assert.rejects(transformLayer(chunks(Buffer.from('BZh91AY&SY')), 'gzip', undefined, next()), {
      code: 'FERRY_E_UNSUPPORTED_CONVERSION',
      message: /bzip2/,
    });
  });
});
