import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readBoundedFile } from './read-bounded-file.ts';

const dir = await mkdtemp(join(tmpdir(), 'ferry-bounded-'));
after(() => rm(dir, { recursive: true, force: true }));

test('reads small and growing files exactly, and flags files over the limit without returning them', async () => {
  for (const size of [0, 40, 4096, 4097, 70_000]) {
    const content = Buffer.alloc(size, 'x');
    const path = join(dir, `f${size}`);
    await writeFile(path, content);
    const read = await readBoundedFile(path, 100_000);
    assert.equal(read.tooLarge, false);
    assert.ok(read.bytes.equals(content), `size ${size}`);
  }
  const big = join(dir, 'big');
  await writeFile(big, Buffer.alloc(10_001, 'y'));
  const refused = await readBoundedFile(big, 10_000);
  assert.equal(refused.tooLarge, true);
  assert.equal(refused.bytes.length, 0);
  const exact = await readBoundedFile(big, 10_001);
  assert.equal(exact.bytes.length, 10_001);
});
