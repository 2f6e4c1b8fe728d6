import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { pgliteTestBackend } from '../store/test-backends.ts';
import { createReadinessCheck } from './readiness.ts';

const backend = pgliteTestBackend();
after(() => backend.dispose());

test('ready only while started, the queue runs and the database answers; a closed database is not', async () => {
  const db = await backend.open();
  let started = false;
  let queueRunning = true;
  const errors: unknown[] = [];
  const check = createReadinessCheck({
    started: () => started,
    db,
    queue: { isRunning: () => queueRunning },
    onDatabaseError: (err) => errors.push(err),
  });
  assert.deepEqual(await check(), { ready: false, reason: 'start-up has not finished or shutdown began' });
  started = true;
  assert.deepEqual(await check(), { ready: true });
  queueRunning = false;
  assert.deepEqual(await check(), { ready: false, reason: 'the job queue is not running' });
  queueRunning = true;
  await db.close();
  assert.deepEqual(await check(), { ready: false, reason: 'the database is not reachable' });
  assert.equal(errors.length, 1, 'the cause goes to the log hook');
});

test('a database that does not answer in time is not ready; concurrent probes share one query', async () => {
  let queries = 0;
  let release: () => void = () => {};
  const hanging = {
    query: () => {
      queries++;
      return new Promise<never>((_resolve, reject) => {
        release = () => reject(new Error('gone'));
      });
    },
  };
  const check = createReadinessCheck({
    started: () => true,
    db: hanging as never,
    queue: { isRunning: () => true },
    timeoutMs: 50,
  });
  const [a, b] = await Promise.all([check(), check()]);
  assert.deepEqual(a, { ready: false, reason: 'the database did not answer within 50 ms' });
  assert.deepEqual(b, a);
  assert.equal(queries, 1);
  release();
});
