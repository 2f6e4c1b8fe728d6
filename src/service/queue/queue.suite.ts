import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasCode } from '../../errors/index.ts';
import { migrate } from '../store/migrate.ts';
import { StoreErrorCode } from '../store/store-error.ts';
import { MIGRATED, type Template, type TestBackend, type TestDatabase } from '../store/test-backends.ts';
import type { Job, JobKindConfig, JobQueue } from './job-queue.ts';
import { openPgBossJobQueue } from './pg-boss-job-queue.ts';

/** The job queue's behaviour, run once per backend (queue.pglite.test.ts; on PostgreSQL in test/service/store-suites.postgres.test.ts). */

const KINDS: Record<string, JobKindConfig> = {
  // Immediate fixed retries keep the tests fast; production kinds use exponential backoff.
  promote: { retryLimit: 2, retryDelaySeconds: 0, exponentialBackoff: false, maxRunSeconds: 600 },
  notify: { retryLimit: 5, retryDelaySeconds: 0, exponentialBackoff: false, maxRunSeconds: 600 },
  // One-second attempts: the smallest lease pg-boss allows, for the expiry tests.
  short: { retryLimit: 3, retryDelaySeconds: 0, exponentialBackoff: false, maxRunSeconds: 1 },
};

interface Payload {
  n: number;
}

/**
 * ferry's migrations and pg-boss's schema, as a started ferry leaves them. On PGlite built from a copy of
 * MIGRATED (`migrate` then finds nothing to do); on PostgreSQL `prepare` runs on an empty database.
 */
export const WITH_QUEUE: Template = {
  name: 'ferry-and-queue',
  inputs: KINDS,
  base: MIGRATED,
  async prepare(db) {
    await migrate(db);
    const queue = await openPgBossJobQueue({ database: db, kinds: KINDS, supervise: false });
    await queue.stop();
  },
};

export function queueSuite(backend: TestBackend): void {
  async function open(db: TestDatabase, t: TestContext): Promise<JobQueue> {
    const queue = await openPgBossJobQueue({ database: db, kinds: KINDS, supervise: false });
    t.after(() => queue.stop());
    return queue;
  }

  async function fresh(t: TestContext): Promise<{ db: TestDatabase; queue: JobQueue }> {
    const db = await backend.reusable(WITH_QUEUE);
    return { db, queue: await open(db, t) };
  }

  const depthOf = async (queue: JobQueue, kind: string) => (await queue.depth()).find((d) => d.kind === kind);

  describe(`job queue on ${backend.name}`, () => {
    test('enqueue, claim, complete', async (t) => {
      const { queue } = await fresh(t);
      const { id, created } = await queue.enqueue<Payload>('promote', { n: 1 });
      assert.equal(created, true);
      assert.deepEqual(await depthOf(queue, 'promote'), { kind: 'promote', queued: 1, active: 0, failed: 0 });
      const job = await queue.claim<Payload>(['promote']);
      assert.ok(job);
      assert.equal(job.id, id);
      assert.deepEqual(job.payload, { n: 1 });
      assert.equal(job.attempt, 1);
      assert.equal(job.retryLimit, 2);
      assert.deepEqual(await depthOf(queue, 'promote'), { kind: 'promote', queued: 0, active: 1, failed: 0 });
      assert.equal(await queue.claim(['promote']), undefined);
      assert.equal(await queue.heartbeat(job), true);
      assert.equal(await queue.complete(job), true);
      assert.equal(await queue.complete(job), false);
      assert.deepEqual(await depthOf(queue, 'promote'), { kind: 'promote', queued: 0, active: 0, failed: 0 });
    });

    test('isRunning is true from start until stop (readiness)', async (t) => {
      const { queue } = await fresh(t);
      assert.equal(queue.isRunning(), true);
      await queue.stop();
      assert.equal(queue.isRunning(), false);
    });

    test('claim prefers kinds in the order given and skips empty ones', async (t) => {
      const { queue } = await fresh(t);
      await queue.enqueue('notify', { n: 1 });
      await queue.enqueue('promote', { n: 2 });
      assert.equal((await queue.claim(['promote', 'notify']))?.kind, 'promote');
      assert.equal((await queue.claim(['promote', 'notify']))?.kind, 'notify');
      await assert.rejects(queue.claim(['nope']), (err) => hasCode(err, StoreErrorCode.Queue));
      await assert.rejects(queue.enqueue('nope', {}), (err) => hasCode(err, StoreErrorCode.Queue));
    });

    test('concurrent workers never claim the same job twice', async (t) => {
      const { db, queue } = await fresh(t);
      const total = 30;
      for (let n = 0; n < total; n++) await queue.enqueue<Payload>('promote', { n });
      // On PostgreSQL a second queue instance stands for a second replica with its own connections.
      const other = backend.name === 'postgres' ? await open(db, t) : queue;
      const claimed: Job<Payload>[] = [];
      const worker = async (q: JobQueue) => {
        for (;;) {
          const job = await q.claim<Payload>(['promote']);
          if (!job) return;
          claimed.push(job);
          await q.complete(job);
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, i) => worker(i % 2 ? other : queue)));
      assert.equal(claimed.length, total);
      assert.equal(new Set(claimed.map((j) => j.id)).size, total);
      assert.deepEqual(
        claimed.map((j) => j.payload.n).sort((a, b) => a - b),
        Array.from({ length: total }, (_, n) => n),
      );
    });

    test('dedupeKey: one queued-or-running job per key', async (t) => {
      const { queue } = await fresh(t);
      const first = await queue.enqueue('promote', { n: 1 }, { dedupeKey: 'promotion-1' });
      const second = await queue.enqueue('promote', { n: 2 }, { dedupeKey: 'promotion-1' });
      assert.deepEqual(second, { id: first.id, created: false });
      const job = await queue.claim(['promote']);
      assert.equal(job?.id, first.id);
      const whileRunning = await queue.enqueue('promote', { n: 3 }, { dedupeKey: 'promotion-1' });
      assert.deepEqual(whileRunning, { id: first.id, created: false });
      assert.equal(await queue.complete(job!), true);
      const afterwards = await queue.enqueue('promote', { n: 4 }, { dedupeKey: 'promotion-1' });
      assert.equal(afterwards.created, true);
      assert.notEqual(afterwards.id, first.id);
      // Keys are per kind; jobs without a key never collide.
      assert.equal((await queue.enqueue('notify', { n: 5 }, { dedupeKey: 'promotion-1' })).created, true);
      assert.equal((await queue.enqueue('notify', { n: 6 })).created, true);
      assert.equal((await queue.enqueue('notify', { n: 6 })).created, true);
    });

    test('enqueue joins the caller’s transaction', async (t) => {
      const { db, queue } = await fresh(t);
      await assert.rejects(
        db.transaction(async (tx) => {
          await queue.enqueue('promote', { n: 1 }, { tx });
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.equal(await queue.claim(['promote']), undefined);
      const committed = await db.transaction(async (tx) => {
        const a = await queue.enqueue('promote', { n: 2 }, { tx, dedupeKey: 'k' });
        const b = await queue.enqueue('promote', { n: 3 }, { tx, dedupeKey: 'k' });
        assert.deepEqual(b, { id: a.id, created: false });
        return a;
      });
      const job = await queue.claim(['promote']);
      assert.equal(job?.id, committed.id);
      await db.transaction(async (tx) => {
        assert.equal(await queue.complete(job!, { tx }), true);
      });
      assert.deepEqual(await depthOf(queue, 'promote'), { kind: 'promote', queued: 0, active: 0, failed: 0 });
    });

    test('enqueueMany: one call, results in order, keys as in enqueue, inside the transaction', async (t) => {
      const { db, queue } = await fresh(t);
      const held = await queue.enqueue<Payload>('promote', { n: 0 }, { dedupeKey: 'held' });
      const results = await db.transaction((tx) =>
        queue.enqueueMany<Payload>(
          'promote',
          [
            { payload: { n: 1 }, dedupeKey: 'a' },
            { payload: { n: 2 }, dedupeKey: 'held' },
            { payload: { n: 3 }, dedupeKey: 'a' },
            { payload: { n: 4 } },
            { payload: { n: 5 }, runAfter: 60_000 },
          ],
          { tx },
        ),
      );
      assert.deepEqual(
        results.map((r) => r.created),
        [true, false, false, true, true],
      );
      assert.equal(results[1]!.id, held.id);
      assert.equal(results[2]!.id, results[0]!.id);
      assert.equal(new Set(results.map((r) => r.id)).size, 4);
      const claimed: number[] = [];
      for (
        let job = await queue.claim<Payload>(['promote']);
        job;
        job = await queue.claim<Payload>(['promote'])
      ) {
        claimed.push(job.payload.n);
      }
      assert.deepEqual(claimed.sort(), [0, 1, 4]);
      assert.equal((await depthOf(queue, 'promote'))?.queued, 1);
      assert.deepEqual(await queue.enqueueMany('promote', []), []);
    });

    test('runAfter defers a job', async (t) => {
      const { queue } = await fresh(t);
      await queue.enqueue('promote', { n: 1 }, { runAfter: 60_000 });
      await queue.enqueue('promote', { n: 2 }, { runAfter: new Date(Date.now() + 60_000) });
      assert.equal(await queue.claim(['promote']), undefined);
      assert.equal((await depthOf(queue, 'promote'))?.queued, 2);
    });

    test('retryable failures retry until the limit, then fail for good', async (t) => {
      const { queue } = await fresh(t);
      await queue.enqueue<Payload>('promote', { n: 1 });
      for (let attempt = 1; attempt <= 3; attempt++) {
        const job = await queue.claim<Payload>(['promote']);
        assert.equal(job?.attempt, attempt);
        const outcome = await queue.fail(job!, new Error(`registry 503 (${attempt})`), { retryable: true });
        assert.equal(outcome, attempt <= 2 ? 'retry' : 'failed');
      }
      assert.equal(await queue.claim(['promote']), undefined);
      assert.deepEqual(await depthOf(queue, 'promote'), { kind: 'promote', queued: 0, active: 0, failed: 1 });
    });

    test('a permanent failure is not retried', async (t) => {
      const { queue } = await fresh(t);
      await queue.enqueue('promote', { n: 1 });
      const job = await queue.claim(['promote']);
      assert.equal(await queue.fail(job!, new Error('manifest unknown'), { retryable: false }), 'failed');
      assert.equal(await queue.claim(['promote']), undefined);
      assert.deepEqual(await depthOf(queue, 'promote'), { kind: 'promote', queued: 0, active: 0, failed: 1 });
      assert.equal(await queue.fail(job!, new Error('again'), { retryable: true }), 'lost');
    });

    test('fail joins the caller’s transaction', async (t) => {
      const { db, queue } = await fresh(t);
      await queue.enqueue('promote', { n: 1 });
      const job = await queue.claim(['promote']);
      await assert.rejects(
        db.transaction(async (tx) => {
          assert.equal(await queue.fail(job!, new Error('permanent'), { retryable: false, tx }), 'failed');
          throw new Error('rolled back');
        }),
        /rolled back/,
      );
      assert.equal((await depthOf(queue, 'promote'))?.active, 1, 'the rollback undid the failure');
      const outcome = await db.transaction((tx) =>
        queue.fail(job!, new Error('transient'), { retryable: true, tx }),
      );
      assert.equal(outcome, 'retry');
      assert.equal((await queue.claim(['promote']))?.attempt, 2);
    });

    test('backoffMs defers the retry', async (t) => {
      const { queue } = await fresh(t);
      await queue.enqueue('promote', { n: 1 });
      const job = await queue.claim(['promote']);
      assert.equal(await queue.fail(job!, new Error('429'), { retryable: true, backoffMs: 1000 }), 'retry');
      assert.equal(await queue.claim(['promote']), undefined, 'not before the backoff');
      assert.equal((await depthOf(queue, 'promote'))?.queued, 1);
      await sleep(1100);
      const retried = await queue.claim(['promote']);
      assert.equal(retried?.id, job?.id);
      assert.equal(retried?.attempt, 2);
    });

    test('an expired lease is recovered and the stale worker can no longer settle', async (t) => {
      const { queue } = await fresh(t);
      await queue.enqueue<Payload>('short', { n: 1 });
      const stale = await queue.claim<Payload>(['short']);
      assert.ok(stale);
      await sleep(1200);
      await queue.recoverExpired();
      const again = await queue.claim<Payload>(['short']);
      assert.equal(again?.id, stale.id);
      assert.equal(again?.attempt, 2);
      assert.equal(await queue.heartbeat(stale), false);
      assert.equal(await queue.complete(stale), false);
      assert.equal(await queue.fail(stale, new Error('late'), { retryable: true }), 'lost');
      assert.equal(await queue.complete(again!), true);
    });

    test('a restart finds queued jobs; interrupted ones come back', async (t) => {
      const { db, reopen } = await backend.fresh(WITH_QUEUE);
      const first = await openPgBossJobQueue({ database: db, kinds: KINDS, supervise: false });
      const a = await first.enqueue<Payload>('short', { n: 1 });
      const b = await first.enqueue<Payload>('short', { n: 2 });
      const running = await first.claim<Payload>(['short']);
      assert.ok(running);
      // The process "dies": nothing is settled.
      await first.stop();
      await db.close();

      const db2 = await reopen();
      assert.deepEqual((await migrate(db2)).applied, []);
      const second = await open(db2, t);
      t.after(() => db2.close());
      assert.deepEqual(await depthOf(second, 'short'), { kind: 'short', queued: 1, active: 1, failed: 0 });
      if (backend.name === 'pglite') {
        // Embedded: this process owns the data dir, so whatever is still claimed was interrupted.
        assert.equal(await second.requeueInterrupted(), 1);
      } else {
        // Server: another replica might still hold it, so only the lease can give it back.
        await assert.rejects(second.requeueInterrupted(), (err) => hasCode(err, StoreErrorCode.Queue));
        await sleep(1200);
        await second.recoverExpired();
      }
      const resumed: Job<Payload>[] = [];
      for (
        let job = await second.claim<Payload>(['short']);
        job;
        job = await second.claim<Payload>(['short'])
      ) {
        resumed.push(job);
        await second.complete(job);
      }
      assert.deepEqual(resumed.map((j) => j.id).sort(), [a.id, b.id].sort());
      for (const job of resumed) assert.equal(job.attempt, job.id === running.id ? 2 : 1);
    });

    test('a bad kind config is refused at open', async () => {
      const db = await backend.reusable(WITH_QUEUE);
      await assert.rejects(
        openPgBossJobQueue({
          database: db,
          kinds: { bad: { retryLimit: 1, retryDelaySeconds: 0.5, maxRunSeconds: 60, leaseSeconds: 3 } },
          supervise: false,
        }),
        (err) =>
          hasCode(err, StoreErrorCode.Queue) &&
          /retryDelaySeconds/.test(String(err)) &&
          /leaseSeconds/.test(String(err)),
      );
    });
  });
}
