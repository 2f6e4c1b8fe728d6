import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forEachLimit } from './limit.ts';

/** A promise with its resolve/reject exposed. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachLimit', () => {
  test('processes every item once, never more than N in flight, and uses all N slots', async () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    let inFlight = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachLimit(items, 3, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      // Uneven durations so slots free up out of order.
      await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
      inFlight--;
      done.push(i);
    });
    assert.equal(peak, 3);
    assert.deepEqual(
      [...done].sort((a, b) => a - b),
      items,
    );
  });

  test('starts items in order', async () => {
    const started: string[] = [];
    await forEachLimit(['a', 'b', 'c', 'd', 'e'], 2, async (x) => {
      started.push(x);
      await tick();
    });
    assert.deepEqual(started, ['a', 'b', 'c', 'd', 'e']);
  });

  test('concurrency larger than the item count, zero, or an empty list', async () => {
    let peak = 0;
    let inFlight = 0;
    await forEachLimit([1, 2], 10, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick();
      inFlight--;
    });
    assert.equal(peak, 2);
    const seen: number[] = [];
    await forEachLimit([1, 2, 3], 0, async (x) => {
      seen.push(x);
    });
    assert.deepEqual(seen, [1, 2, 3], 'concurrency 0 still makes progress (one at a time)');
    let called = false;
    await forEachLimit([], 4, async () => {
      called = true;
    });
    assert.equal(called, false);
  });

  test('the first error is rethrown only after in-flight work settles; nothing new starts', async () => {
    const gates = new Map([0, 1, 2, 3, 4, 5].map((i) => [i, deferred()]));
    const started: number[] = [];
    const settled: number[] = [];
    const run = forEachLimit([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      try {
        await gates.get(i)!.promise;
      } finally {
        settled.push(i);
      }
    });
    let rejected: unknown;
    const outcome = run.then(
      () => 'resolved',
      (err: unknown) => {
        rejected = err;
        return 'rejected';
      },
    );
    await tick();
    assert.deepEqual(started, [0, 1]);

    const boom = new Error('item 0 failed');
    gates.get(0)!.reject(boom);
    await tick();
    await tick();
    assert.equal(rejected, undefined, 'must wait for item 1, still in flight');
    assert.deepEqual(started, [0, 1], 'no new work after the failure');

    // A second failure while settling must not replace the first.
    gates.get(1)!.reject(new Error('item 1 failed too'));
    assert.equal(await outcome, 'rejected');
    assert.equal(rejected, boom);
    assert.deepEqual(settled, [0, 1]);
    assert.deepEqual(started, [0, 1]);
  });

  test('synchronous throws and non-Error rejections are handled like failures', async () => {
    await assert.rejects(
      forEachLimit([1, 2, 3], 1, (x) => {
        if (x === 2) throw new RangeError('sync');
        return Promise.resolve();
      }),
      RangeError,
    );
    await assert.rejects(
      forEachLimit([1], 1, async () => {
        throw 'a string';
      }),
      (err: unknown) => err === 'a string',
    );
  });

  test('after a failure in one worker, the other workers stop pulling items', async () => {
    const started: number[] = [];
    await assert.rejects(
      forEachLimit(
        Array.from({ length: 10 }, (_, i) => i),
        2,
        async (i) => {
          started.push(i);
          if (i === 1) throw new Error('fail at 1');
          await tick();
        },
      ),
      /fail at 1/,
    );
    // 0 and 1 start together; 1 fails at once; 0 finishes and must not take item 2.
    assert.deepEqual(started, [0, 1]);
  });
});
