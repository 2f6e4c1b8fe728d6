import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GroupCommit } from './group-commit.ts';

/** A write whose batches the test releases by hand, recording what each batch held. */
function manualWrite() {
  const batches: number[][] = [];
  const releases: (() => void)[] = [];
  const write = async (items: readonly number[]) => {
    batches.push([...items]);
    await new Promise<void>((resolve) => releases.push(resolve));
    return items.map((n) => n * 10);
  };
  return { batches, releases, write };
}

test('a lone request is written at once; requests arriving meanwhile share the next batch', async () => {
  const { batches, releases, write } = manualWrite();
  const group = new GroupCommit<number, number>({ write });
  const first = group.submit(1);
  assert.deepEqual(batches, [[1]]);
  const more = [2, 3, 4].map((n) => group.submit(n));
  assert.deepEqual(batches, [[1]]);
  releases.shift()!();
  assert.equal(await first, 10);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [[1], [2, 3, 4]]);
  releases.shift()!();
  assert.deepEqual(await Promise.all(more), [20, 30, 40]);
});

test('maxBatch splits a backlog; concurrency allows several batches at once', async () => {
  const { batches, releases, write } = manualWrite();
  const group = new GroupCommit<number, number>({ write, maxBatch: 2, concurrency: 2 });
  const all = [1, 2, 3, 4, 5].map((n) => group.submit(n));
  assert.deepEqual(batches, [[1], [2]]);
  releases.shift()!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [[1], [2], [3, 4]]);
  releases.shift()!();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(batches, [[1], [2], [3, 4], [5]]);
  for (const release of releases.splice(0)) release();
  assert.deepEqual(await Promise.all(all), [10, 20, 30, 40, 50]);
});

test('a failed batch is retried one request at a time, so only the bad request fails', async () => {
  const batches: number[][] = [];
  let hold: (() => void) | undefined;
  const group = new GroupCommit<number, number>({
    write: async (items) => {
      batches.push([...items]);
      if (items.length === 1 && items[0] === 0) await new Promise<void>((resolve) => (hold = resolve));
      if (items.includes(13)) throw new Error('bad value 13');
      return items.map((n) => n + 1);
    },
  });
  const blocker = group.submit(0);
  const outcomes = Promise.allSettled([12, 13, 14].map((n) => group.submit(n)));
  hold!();
  await blocker;
  const settled = await outcomes;
  assert.deepEqual(
    settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
    [13, 'bad value 13', 15],
  );
  assert.deepEqual(batches, [[0], [12, 13, 14], [12], [13], [14]]);
});

test('a write returning the wrong number of outcomes fails its requests', async () => {
  const group = new GroupCommit<number, number>({ write: async () => [] });
  await assert.rejects(group.submit(1), /0 outcomes for 1 items/);
});
