/** The releases store, run once per backend (release-store.pglite.test.ts; test/service/store-suites.postgres.test.ts). */
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { recordApproval } from './approval-store.ts';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/migration-list.ts';
import { insertPromotion } from './promotion-insert.ts';
import { transition } from './promotion-transition.ts';
import { getRelease, listReleases, recordReleases, releaseHistory } from './release-store.ts';
import { digestOf, newPromotion } from './store.suite.ts';
import { FIRST_MIGRATION, MIGRATED, type Template, type TestBackend } from './test-backends.ts';

export function releaseStoreSuite(backend: TestBackend): void {
  async function fresh(_t: TestContext, template: Template = MIGRATED): Promise<Database> {
    return backend.reusable(template);
  }

  /** A promotion of `seed` to `repository:tag`, run to success (without releases recorded). */
  async function succeeded(db: Database, repository: string, tag: string, seed: string, releaseTag?: string) {
    const base = newPromotion({ seed, tag });
    const { promotion } = await insertPromotion(db, {
      ...base,
      destination: { ...base.destination, repository },
      releaseTag: releaseTag ?? null,
    });
    await transition(db, promotion.id, ['queued'], 'running');
    return transition(db, promotion.id, ['running'], 'succeeded', { resultDigest: digestOf(seed) });
  }

  describe(`releases on ${backend.name}`, () => {
    test('each move of a tag is recorded once, chained by previous digest; a no-op keeps who put it there', async (t) => {
      const db = await fresh(t);
      const one = await succeeded(db, 'shop/web', 'sha1', 'r1', 'prod');
      await recordApproval(db, { promotionId: one.id, approver: 'alice', decision: 'approve' });
      const ref = { registry: one.destination.registry, repository: 'shop/web' };
      const record = (id: string, tags: string[], seed: string) =>
        recordReleases(db, { promotionId: id, environment: 'prod', ...ref, tags, digest: digestOf(seed) });
      await record(one.id, ['sha1', 'prod'], 'r1');
      const two = await succeeded(db, 'shop/web', 'sha2', 'r2', 'prod');
      await record(two.id, ['sha2', 'prod'], 'r2');
      // Recorded again (a retried settle, a re-promotion of the same digest): nothing changes.
      const three = await succeeded(db, 'shop/web', 'sha2b', 'r2', 'prod');
      await record(three.id, ['prod'], 'r2');

      const prodRelease = await getRelease(db, 'prod', 'shop/web', 'prod');
      assert.equal(prodRelease?.digest, digestOf('r2'));
      assert.equal(prodRelease?.promotionId, two.id);
      assert.equal(prodRelease?.previousDigest, digestOf('r1'));
      assert.equal(prodRelease?.kind, 'promotion');
      assert.equal(prodRelease?.promotedBy, 'ci-token');
      const history = await releaseHistory(db, { ...ref, tag: 'prod' });
      assert.deepEqual(
        history.map((h) => [h.promotionId, h.digest, h.previousDigest]),
        [
          [two.id, digestOf('r2'), digestOf('r1')],
          [one.id, digestOf('r1'), null],
        ],
      );
      const sha1 = await getRelease(db, 'prod', 'shop/web', 'sha1');
      assert.deepEqual([sha1?.promotionId, sha1?.approvedBy], [one.id, ['alice']]);

      assert.deepEqual(
        (await listReleases(db, { repository: 'shop/web' })).map((r) => r.tag),
        ['prod', 'sha1', 'sha2'],
      );
      assert.deepEqual(await listReleases(db, { environment: 'staging' }), []);
      assert.equal((await listReleases(db, { rule: 'to-prod' })).length, 3);
      assert.equal(await getRelease(db, null, 'shop/web', 'prod'), undefined);
    });

    test('moving a release tag supersedes the promotion that wrote it, so its digest can be promoted to it again', async (t) => {
      const db = await fresh(t);
      // A rollback wrote `prod` (its destination tag) to r1 …
      const rollback = await succeeded(db, 'shop/api', 'prod', 'r1');
      const ref = { registry: rollback.destination.registry, repository: 'shop/api', environment: 'prod' };
      await recordReleases(db, { promotionId: rollback.id, ...ref, tags: ['prod'], digest: digestOf('r1') });
      // … then a promotion whose destination tag is `sha2` moved `prod` on.
      const next = await succeeded(db, 'shop/api', 'sha2', 'r2', 'prod');
      await recordReleases(db, {
        promotionId: next.id,
        ...ref,
        tags: ['sha2', 'prod'],
        digest: digestOf('r2'),
      });
      const { rows } = await db.query<{ superseded_by: string | null }>(
        'SELECT superseded_by FROM promotions WHERE id = $1',
        [rollback.id],
      );
      assert.equal(rows[0]?.superseded_by, next.id);
      // A second rollback to r1 is a new promotion, not the first one's duplicate.
      const base = newPromotion({ seed: 'r1', tag: 'prod' });
      const again = await insertPromotion(db, {
        ...base,
        destination: { ...base.destination, repository: 'shop/api' },
      });
      assert.equal(again.created, true);
    });

    test('the history is append-only in the database', async (t) => {
      const db = await fresh(t);
      const one = await succeeded(db, 'shop/audit', 'sha1', 'a1');
      await recordReleases(db, {
        promotionId: one.id,
        environment: 'prod',
        registry: one.destination.registry,
        repository: 'shop/audit',
        tags: ['sha1'],
        digest: digestOf('a1'),
      });
      await assert.rejects(db.query("UPDATE release_history SET digest = 'x'"), /append-only/);
      await assert.rejects(db.query('DELETE FROM release_history'), /append-only/);
    });

    test('migrating a store with succeeded promotions fills in their releases', async (t) => {
      const db = await fresh(t, FIRST_MIGRATION);
      const base = newPromotion({ seed: 'old', tag: 'v1' });
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO promotions (id, rule, source_registry, source_repository, source_digest,
           destination_environment, destination_registry, destination_repository, destination_tag,
           status, requested_by, trigger_kind, result_digest, finished_at)
         VALUES ('old-1', $1, $2, $3, $4, 'prod', $5, $6, 'v1', 'succeeded', 'ci', 'api', $4, now())
         RETURNING id`,
        [
          base.rule,
          base.source.registry,
          base.source.repository,
          base.source.digest,
          base.destination.registry,
          base.destination.repository,
        ],
      );
      assert.equal(rows.length, 1);
      assert.deepEqual(
        (await migrate(db)).applied,
        MIGRATIONS.slice(1).map((m) => m.version),
      );
      const release = await getRelease(db, 'prod', base.destination.repository, 'v1');
      assert.deepEqual(
        [release?.promotionId, release?.digest, release?.kind],
        ['old-1', digestOf('old'), 'promotion'],
      );
    });
  });
}
