import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createCachedFileReader } from './cached-file-reader.ts';

test('reads once per max age, sees a replaced file after it, never caches a failure', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ferry-cached-'));
  try {
    const path = join(dir, 'secret');
    await writeFile(path, 'first');
    let clock = 0;
    let reads = 0;
    const reader = createCachedFileReader({
      maxAgeMs: 1000,
      now: () => clock,
      read: async (p) => {
        reads++;
        const { readFile } = await import('node:fs/promises');
        return readFile(p);
      },
    });
    const text = async () => Buffer.from(await reader(path)).toString();
    assert.equal(await text(), 'first');
    assert.equal(await text(), 'first');
    assert.equal(reads, 1, 'second call served from the cache');

    // Rotation the Kubernetes way: a new file renamed over the old one.
    await writeFile(join(dir, 'next'), 'second');
    await rename(join(dir, 'next'), path);
    assert.equal(await text(), 'first', 'within max age the cached value stands');
    clock = 1500;
    assert.equal(await text(), 'second');
    assert.equal(reads, 2);
    clock = 3000;
    assert.equal(await text(), 'second');
    assert.equal(reads, 2, 'unchanged file: stat only');

    await rm(path);
    clock = 5000;
    await assert.rejects(reader(path));
    await writeFile(path, 'third');
    assert.equal(await text(), 'third');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
