import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { PgliteDatabase } from '../store/pglite-database.ts';
import { MIGRATED, pgliteTestBackend } from '../store/test-backends.ts';
import { openPgBossJobQueue } from './pg-boss-job-queue.ts';
import { queueGauges } from './queue-gauges.ts';

test('waiting counts queued jobs only; running counts claimed ones; other kinds count for neither', async () => {
  const backend = pgliteTestBackend();
  const db = await PgliteDatabase.open({ dataDir: await backend.dataDir(MIGRATED) });
  // Hooks run in the order registered: the queue must stop before its database closes.
  const closeDb = async () => {
    await db.close();
    await backend.dispose();
  };
  const kind = { retryLimit: 1, retryDelaySeconds: 0, maxRunSeconds: 60 };
  const queue = await openPgBossJobQueue({
    database: db,
    kinds: { promote: kind, other: kind },
    supervise: false,
  });
  after(async () => {
    await queue.stop();
    await closeDb();
  });
  const gauges = queueGauges(queue, 'promote');
  for (let n = 0; n < 3; n++) await queue.enqueue('promote', { n });
  await queue.enqueue('other', {});
  assert.deepEqual([await gauges.waiting(), await gauges.running()], [3, 0]);
  const job = await queue.claim(['promote']);
  assert.ok(job);
  assert.deepEqual([await gauges.waiting(), await gauges.running()], [2, 1]);
  await queue.complete(job);
  assert.deepEqual([await gauges.waiting(), await gauges.running()], [2, 0]);
});
