import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { afterPrefix, fixedChunks, readAhead, UploadPrefixMismatchError } from './upload-chunks.ts';

async function* pieces(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

async function collect(items: AsyncIterable<Buffer>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of items) out.push(item.toString());
  return out;
}

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

describe('fixedChunks', () => {
  test('cuts across the pieces it is given; the last chunk is the rest', async () => {
    assert.deepEqual(await collect(fixedChunks(pieces('ab', 'cdefg', 'h'), 3)), ['abc', 'def', 'gh']);
    assert.deepEqual(await collect(fixedChunks(pieces('abcdef'), 3)), ['abc', 'def']);
    assert.deepEqual(await collect(fixedChunks(pieces(), 3)), []);
  });
});

describe('readAhead', () => {
  test('asks for the next item while the consumer holds the current one', async () => {
    const asked: number[] = [];
    async function* numbered(): AsyncGenerator<number> {
      for (let i = 0; i < 3; i++) {
        asked.push(i);
        yield i;
      }
    }
    const seen: Array<[number, number[]]> = [];
    for await (const n of readAhead(numbered())) {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push([n, [...asked]]);
    }
    assert.deepEqual(seen, [
      [0, [0, 1]],
      [1, [0, 1, 2]],
      [2, [0, 1, 2]],
    ]);
  });

  test('an error of the item read ahead reaches the consumer when it gets there, not before', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'one';
      throw new Error('source broke');
    }
    const got: string[] = [];
    await assert.rejects(async () => {
      for await (const item of readAhead(failing())) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        got.push(item);
      }
    }, /source broke/);
    assert.deepEqual(got, ['one']);
  });

  test('a consumer stopping early closes the source once the pending read settles', async () => {
    let closed = false;
    async function* endless(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const n of readAhead(endless())) if (n === 1) break;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(closed, true);
  });
});

describe('afterPrefix', () => {
  test('passes on what follows the prefix, once the prefix hashes to what was sent before', async () => {
    const hash = createHash('sha256');
    const rest = await collect(afterPrefix(pieces('ab', 'cd', 'efg'), 3, sha256('abc'), hash));
    assert.deepEqual(rest, ['d', 'efg']);
    // The hash goes on from the prefix: updated with the rest, it is the whole blob's.
    hash.update('defg');
    assert.equal(`sha256:${hash.digest('hex')}`, sha256('abcdefg'));
  });

  test('a prefix ending on a piece boundary, and a prefix that is the whole body', async () => {
    assert.deepEqual(
      await collect(afterPrefix(pieces('abc', 'de'), 3, sha256('abc'), createHash('sha256'))),
      ['de'],
    );
    assert.deepEqual(
      await collect(afterPrefix(pieces('ab', 'c'), 3, sha256('abc'), createHash('sha256'))),
      [],
    );
  });

  test('other bytes than were sent before: refused before anything after them is passed on', async () => {
    const passed: string[] = [];
    await assert.rejects(
      async () => {
        for await (const piece of afterPrefix(pieces('abX', 'def'), 3, sha256('abc'), createHash('sha256')))
          passed.push(piece.toString());
      },
      (err: unknown) => err instanceof UploadPrefixMismatchError && err.temporary,
    );
    assert.deepEqual(passed, []);
  });

  test('a body shorter than the prefix is an error, not an empty upload', async () => {
    await assert.rejects(
      collect(afterPrefix(pieces('ab'), 3, sha256('abc'), createHash('sha256'))),
      /ended 1 bytes before/,
    );
  });
});
