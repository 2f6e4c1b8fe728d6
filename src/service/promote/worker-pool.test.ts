import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkerPool } from './worker-pool.ts';

test('idle slots poll as one: a claim per interval, not one per slot; a found job wakes the others', async (t) => {
  let claims = 0;
  let queued = 0;
  const ran: number[] = [];
  const pool = new WorkerPool<{ n: number }>({
    concurrency: 4,
    pollIntervalMs: 20,
    claim: async () => {
      claims++;
      if (queued === 0) return undefined;
      queued--;
      return { id: `j${claims}`, kind: 'k', payload: { n: claims }, attempt: 1, retryLimit: 0, claim: 0 };
    },
    run: async (job) => {
      ran.push(job.payload.n);
      await sleep(5);
    },
    keyOf: (job) => job.id,
    onError: (err) => assert.fail(String(err)),
  });
  pool.start();
  t.after(() => pool.stop());
  const started = performance.now();
  await sleep(300);
  const elapsed = performance.now() - started;
  // 4 first claims, then one per 20 ms at most (timers only fire late, never early).
  assert.ok(claims <= 4 + Math.ceil(elapsed / 20) + 1, `${claims} claims in ${elapsed.toFixed(0)} ms`);
  // Three jobs appear where only polling finds them: the poller takes one and wakes the rest.
  queued = 3;
  const deadline = Date.now() + 5000;
  while (ran.length < 3 && Date.now() < deadline) await sleep(5);
  assert.equal(ran.length, 3);
});
