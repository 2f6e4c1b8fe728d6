import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDeliveryQueue } from './delivery-queue.ts';

test('runs at most `concurrency` attempts at once and drains', async () => {
  const queue = createDeliveryQueue({ concurrency: 2, maxQueued: 100 });
  let running = 0;
  let peak = 0;
  for (let i = 0; i < 6; i++) {
    assert.ok(
      queue.push({
        async run() {
          running++;
          peak = Math.max(peak, running);
          await sleep(10);
          running--;
          return undefined;
        },
      }),
    );
  }
  assert.equal(queue.pending, 6);
  await queue.idle();
  assert.equal(peak, 2);
  assert.equal(queue.pending, 0);
});

test('a parked retry does not hold a slot', async () => {
  const queue = createDeliveryQueue({ concurrency: 1, maxQueued: 100 });
  const order: string[] = [];
  let tries = 0;
  queue.push({
    async run() {
      tries++;
      order.push(`slow-${tries}`);
      return tries < 2 ? 50 : undefined;
    },
  });
  queue.push({
    async run() {
      order.push('fast');
      return undefined;
    },
  });
  await queue.idle();
  assert.deepEqual(order, ['slow-1', 'fast', 'slow-2']);
});

test('refuses tasks beyond maxQueued and after stop', async () => {
  const queue = createDeliveryQueue({ concurrency: 1, maxQueued: 2 });
  const task = { run: async () => undefined };
  assert.ok(queue.push({ run: () => sleep(20).then(() => undefined) }));
  assert.ok(queue.push(task));
  assert.equal(queue.push(task), false);
  assert.deepEqual(await queue.stop(1_000), { abandoned: 0 });
  assert.equal(queue.push(task), false);
});

test('stop waits for retries within the grace period, then abandons the rest', async () => {
  const queue = createDeliveryQueue({ concurrency: 2, maxQueued: 10 });
  let quickDone = false;
  let sawAbort = false;
  queue.push({
    async run() {
      await sleep(20);
      quickDone = true;
      return undefined;
    },
  });
  // Retries forever, every 30 ms.
  queue.push({ run: async () => 30 });
  // Hangs until aborted.
  queue.push({
    run: (signal) =>
      new Promise((resolve) => {
        signal.addEventListener('abort', () => {
          sawAbort = true;
          resolve(undefined);
        });
      }),
  });
  const started = Date.now();
  const { abandoned } = await queue.stop(150);
  const elapsed = Date.now() - started;
  assert.ok(quickDone);
  assert.ok(sawAbort);
  assert.equal(abandoned, 2);
  assert.ok(elapsed >= 140 && elapsed < 1_000, `stop took ${elapsed} ms`);
  assert.equal(queue.pending, 0);
});
