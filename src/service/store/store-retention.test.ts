import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { rememberDelivery } from './delivery-store.ts';
import type { PgliteDatabase } from './pglite-database.ts';
import { isSessionRevoked, revokeSession } from './session-revocation-store.ts';
import { createStorePruner, DELIVERY_RETENTION_MS } from './store-retention.ts';
import { MIGRATED, pgliteTestBackend } from './test-backends.ts';

let db: PgliteDatabase;
const backend = pgliteTestBackend();
// Inside a describe: the unit run loads every file into one process (scripts/test-unit.sh), where a
// file-level before hook runs at the start of the whole run, before the database template is built.
describe('store retention on PGlite', () => {
  before(async () => {
    db = await backend.open(MIGRATED);
  });
  after(() => backend.dispose());

  const HOUR = 3600 * 1000;

  /** Remembers `id` as received `ageMs` ago (by the database's clock). */
  async function receivedAgo(id: string, ageMs: number): Promise<void> {
    assert.equal(await rememberDelivery(db, 'trigger:test', id), true);
    await db.query(
      `UPDATE webhook_deliveries SET received_at = now() - make_interval(secs => $2::double precision)
      WHERE source = 'trigger:test' AND id = $1`,
      [id, ageMs / 1000],
    );
  }

  async function remembered(): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      "SELECT id FROM webhook_deliveries WHERE source = 'trigger:test' ORDER BY id",
    );
    return rows.map((r) => r.id);
  }

  test('the retention is well beyond the 5-minute replay window', () => {
    assert.ok(DELIVERY_RETENTION_MS >= 24 * HOUR);
  });

  test('pruneOnce forgets ids older than the retention, by the injected clock, and keeps the rest', async () => {
    await db.query("DELETE FROM webhook_deliveries WHERE source = 'trigger:test'");
    await receivedAgo('a-old', DELIVERY_RETENTION_MS + HOUR);
    await receivedAgo('b-recent', DELIVERY_RETENTION_MS - HOUR);
    await receivedAgo('c-new', 0);
    const pruned: number[] = [];
    const pruner = createStorePruner({ db, onPruned: (n) => pruned.push(n) });
    assert.equal(await pruner.pruneOnce(), 1);
    assert.deepEqual(await remembered(), ['b-recent', 'c-new']);
    // A forgotten id is new again; a remembered one is still a redelivery.
    assert.equal(await rememberDelivery(db, 'trigger:test', 'a-old'), true);
    assert.equal(await rememberDelivery(db, 'trigger:test', 'c-new'), false);

    // Two hours later by the clock, b-recent has aged out too.
    const later = createStorePruner({ db, now: () => Date.now() + 2 * HOUR });
    assert.equal(await later.pruneOnce(), 1);
    assert.deepEqual(await remembered(), ['a-old', 'c-new']);
    assert.deepEqual(pruned, [1]);
    await pruner.stop();
    await later.stop();
  });

  test('pruneOnce forgets the revocations of sessions that have expired, and keeps the live ones', async () => {
    await db.query("DELETE FROM webhook_deliveries WHERE source = 'trigger:test'");
    await revokeSession(db, 'expired', new Date(Date.now() - HOUR));
    await revokeSession(db, 'live', new Date(Date.now() + HOUR));
    await revokeSession(db, 'live', new Date(Date.now() + HOUR));
    assert.equal(await isSessionRevoked(db, 'expired'), true);
    assert.equal(await createStorePruner({ db }).pruneOnce(), 1);
    assert.equal(await isSessionRevoked(db, 'expired'), false);
    assert.equal(await isSessionRevoked(db, 'live'), true, 'kept until its cookie would have expired');
    assert.equal(await isSessionRevoked(db, 'never'), false);
    assert.equal(await createStorePruner({ db, now: () => Date.now() + 2 * HOUR }).pruneOnce(), 1);
    assert.equal(await isSessionRevoked(db, 'live'), false);
  });

  test('the timer prunes at start and every interval until stop(), which clears it', async () => {
    await db.query("DELETE FROM webhook_deliveries WHERE source = 'trigger:test'");
    let runs = 0;
    const pruner = createStorePruner({
      db,
      intervalMs: 20,
      // Every run reports through the clock it reads: a count of runs without touching the table.
      now: () => {
        runs++;
        return Date.now();
      },
    });
    pruner.start();
    await receivedAgo('x-old', DELIVERY_RETENTION_MS + HOUR);
    const deadline = Date.now() + 5_000;
    while ((await remembered()).includes('x-old') && Date.now() < deadline) await sleep(10);
    assert.deepEqual(await remembered(), [], 'the periodic run pruned the old id');
    await pruner.stop();
    const afterStop = runs;
    await sleep(100);
    assert.equal(runs, afterStop, 'no run after stop()');
    assert.ok(afterStop >= 2, `ran at start and on the timer (${afterStop} runs)`);
  });

  test('a failing run is reported and does not stop the timer', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const broken = {
      kind: 'pglite',
      query: async () => {
        calls++;
        throw new Error('database away');
      },
    } as unknown as PgliteDatabase;
    const pruner = createStorePruner({ db: broken, intervalMs: 10, onError: (err) => errors.push(err) });
    pruner.start();
    const deadline = Date.now() + 5_000;
    while (calls < 3 && Date.now() < deadline) await sleep(5);
    await pruner.stop();
    assert.ok(calls >= 3);
    assert.ok(errors.length >= 2);
  });
});
