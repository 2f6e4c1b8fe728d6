import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { MIGRATED, pgliteTestBackend } from '../store/test-backends.ts';
import { openPgBossJobQueue } from './pg-boss-job-queue.ts';
import { queueGauges } from './queue-gauges.ts';

test('waiting counts queued jobs only; running counts claimed ones; other kinds count for neither', async () => {
  const backend = pgliteTestBackend();
  const db = await backend.open(MIGRATED);
  const kind = { retryLimit: 1, retryDelaySeconds: 0, maxRunSeconds: 60 };
  const queue = await openPgBossJobQueue({
    database: db,
    kinds: { promote: kind, other: kind },
    supervise: false,
  });
  after(async () => {
    await queue.stop();
    // After the queue: it must stop before its database closes.
    await backend.dispose();
  });
  const gauges = queueGauges(queue, 'promote', { maxAgeMs: 0 });
  for (let n = 0; n < 3; n++) await queue.enqueue('promote', { n });
  await queue.enqueue('other', {});
  assert.deepEqual([await gauges.waiting(), await gauges.running()], [3, 0]);
  const job = await queue.claim(['promote']);
  assert.ok(job);
  assert.deepEqual([await gauges.waiting(), await gauges.running()], [2, 1]);
  await queue.complete(job);
  assert.deepEqual([await gauges.waiting(), await gauges.running()], [2, 0]);
});

test('one count serves both gauges and every read within maxAgeMs; a failed count is asked again', async () => {
  let clock = 0;
  let calls = 0;
  let fail = false;
  const queue = {
    async depth() {
      calls++;
      if (fail) throw new Error('database away');
      return [{ kind: 'promote', queued: calls, active: 1, failed: 0 }];
    },
  };
  const gauges = queueGauges(queue, 'promote', { maxAgeMs: 1000, now: () => clock });
  assert.deepEqual(await Promise.all([gauges.waiting(), gauges.running()]), [1, 1]);
  clock = 1000;
  assert.equal(await gauges.waiting(), 1);
  assert.equal(calls, 1);
  clock = 1001;
  fail = true;
  await assert.rejects(gauges.waiting(), /database away/);
  fail = false;
  assert.equal(await gauges.waiting(), 3);
  assert.equal(calls, 3);
});
