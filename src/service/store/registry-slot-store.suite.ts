/** Registry slots, run once per backend (registry-slot-store.pglite.test.ts; test/service/store-suites.postgres.test.ts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { insertPromotion } from './promotion-insert.ts';
import { acquireSlot, releaseSlot, renewSlot, slotsHeld } from './registry-slot-store.ts';
import { newPromotion } from './store.suite.ts';
import { MIGRATED, type TestBackend } from './test-backends.ts';

export function registrySlotSuite(backend: TestBackend): void {
  describe(`registry slots on ${backend.name}`, () => {
    test('at most `limit` per registry; renewals keep, releases and lapsed leases free a slot', async () => {
      const db = await backend.reusable(MIGRATED);
      const ids: string[] = [];
      for (const seed of ['s1', 's2', 's3', 's4'])
        ids.push((await insertPromotion(db, newPromotion({ seed }))).promotion.id);
      const [one, two, three, four] = ids as [string, string, string, string];
      const take = (promotionId: string, registry = 'reg.prod:5000', replica = 'a/1') =>
        acquireSlot(db, { registry, promotionId, replica, limit: 2, leaseSeconds: 30 });

      assert.equal(await take(one), true);
      assert.equal(await take(two, 'reg.prod:5000', 'b/2'), true);
      assert.equal(await take(three), false, 'a third promotion at a limit of 2');
      assert.equal(await take(four, 'other.registry'), true, 'another registry has its own slots');
      assert.equal(await take(one), true, 'a holder asking again keeps its slot');
      assert.deepEqual([...(await slotsHeld(db))].sort(), [
        ['other.registry', 1],
        ['reg.prod:5000', 2],
      ]);

      // Only the replica holding it gives a slot back.
      await releaseSlot(db, two, 'a/1');
      assert.equal(await take(three), false);
      await releaseSlot(db, two, 'b/2');
      assert.equal(await renewSlot(db, two), false);
      await releaseSlot(db, three, 'a/1');
      assert.equal(await take(three), true);

      // A holder whose heartbeat stopped (its replica died) loses the slot once the lease lapses.
      await db.query(
        "UPDATE registry_slots SET heartbeat_at = now() - interval '1 minute' WHERE promotion_id = $1",
        [one],
      );
      assert.equal(await renewSlot(db, three), true);
      assert.equal(await take(two), true);
      assert.equal((await slotsHeld(db)).get('reg.prod:5000'), 2);

      // Its own lapsed slot is taken again by a run that resumes, if there is room.
      await db.query(
        "UPDATE registry_slots SET heartbeat_at = now() - interval '1 minute' WHERE promotion_id = $1",
        [three],
      );
      assert.equal(await take(three, 'reg.prod:5000', 'c/3'), true);
      assert.equal((await slotsHeld(db)).get('reg.prod:5000'), 2);
      assert.equal(await take(one), false, 'the renewed slot counts');
    });

    test('promotions asking at once get no more than `limit` slots', async () => {
      const db = await backend.reusable(MIGRATED);
      const ids: string[] = [];
      for (const seed of ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'])
        ids.push((await insertPromotion(db, newPromotion({ seed }))).promotion.id);
      const taken = await Promise.all(
        ids.map((promotionId, i) =>
          acquireSlot(db, {
            registry: 'race.registry',
            promotionId,
            replica: `r/${i}`,
            limit: 2,
            leaseSeconds: 30,
          }),
        ),
      );
      assert.equal(taken.filter(Boolean).length, 2);
      assert.equal((await slotsHeld(db)).get('race.registry'), 2);
    });
  });
}
