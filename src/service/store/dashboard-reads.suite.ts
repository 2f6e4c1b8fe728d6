/**
 * The store's reads behind the dashboard (issue 14), run once per backend (dashboard-reads.pglite.test.ts,
 * dashboard-reads.postgres.test.ts): the audit trail searched across promotions, per-blob progress.
 */
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { searchAudit } from './audit-search.ts';
import type { Database } from './database.ts';
import { listBlobProgress, saveBlobProgress } from './promotion-blobs.ts';
import { appendAudits, insertPromotion } from './promotion-store.ts';
import { newPromotion } from './store.suite.ts';
import { MIGRATED, type TestBackend } from './test-backends.ts';

export function dashboardReadsSuite(backend: TestBackend): void {
  async function fresh(t: TestContext): Promise<Database> {
    const { db } = await backend.fresh(MIGRATED);
    t.after(() => db.close());
    return db;
  }

  describe(`dashboard reads on ${backend.name}`, () => {
    test('the audit trail is searched newest first, by promotion, actor, kind, time and text, page by page', async (t) => {
      const db = await fresh(t);
      const { promotion: one } = await insertPromotion(db, newPromotion({ seed: 'one', tag: 'v1' }));
      const { promotion: two } = await insertPromotion(db, newPromotion({ seed: 'two', tag: 'v2' }));
      const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 10, minute));
      await appendAudits(db, [
        { promotionId: one.id, actor: 'jenkins', kind: 'accepted', at: at(0) },
        {
          promotionId: one.id,
          actor: 'alice',
          kind: 'approved',
          at: at(1),
          detail: { comment: 'LGTM 100%' },
        },
        { promotionId: two.id, actor: 'jenkins', kind: 'accepted', at: at(2) },
        { promotionId: two.id, actor: 'ferry', kind: 'failed', at: at(3), outcome: 'error' },
        { promotionId: null, actor: 'ferry', kind: 'config_reloaded', at: at(4) },
      ]);
      const kinds = async (search: Parameters<typeof searchAudit>[1]) =>
        (await searchAudit(db, search)).events.map((e) => `${e.kind}:${e.actor}`);

      assert.deepEqual(await kinds({}), [
        'config_reloaded:ferry',
        'failed:ferry',
        'accepted:jenkins',
        'approved:alice',
        'accepted:jenkins',
      ]);
      assert.deepEqual(await kinds({ promotionId: one.id }), ['approved:alice', 'accepted:jenkins']);
      assert.deepEqual(await kinds({ actor: 'jenkins' }), ['accepted:jenkins', 'accepted:jenkins']);
      assert.deepEqual(await kinds({ kind: 'failed' }), ['failed:ferry']);
      assert.deepEqual(await kinds({ since: at(1), until: at(3) }), ['accepted:jenkins', 'approved:alice']);
      // Case-insensitive, in the detail too, `%` taken literally (not a LIKE wildcard).
      assert.deepEqual(await kinds({ q: 'lgtm 100%' }), ['approved:alice']);
      assert.deepEqual(await kinds({ q: '0%' }), ['approved:alice']);
      assert.deepEqual(await kinds({ q: 'ERROR' }), ['failed:ferry']);
      assert.deepEqual(await kinds({ q: 'nothing like it' }), []);
      assert.deepEqual(await kinds({ actor: 'jenkins', promotionId: two.id }), ['accepted:jenkins']);

      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await searchAudit(db, { limit: 2, cursor });
        assert.ok(page.events.length <= 2);
        seen.push(...page.events.map((e) => e.kind));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      assert.deepEqual(seen, ['config_reloaded', 'failed', 'accepted', 'approved', 'accepted']);
      await assert.rejects(searchAudit(db, { cursor: 'bm9wZQ' }), /invalid cursor/);
      // A promotion list cursor is not an audit cursor.
      await assert.rejects(
        searchAudit(db, { cursor: Buffer.from('p:3').toString('base64url') }),
        /invalid cursor/,
      );
    });

    test('blob progress is saved whole, overwritten by later saves, and read back in plan order', async (t) => {
      const db = await fresh(t);
      const { promotion } = await insertPromotion(db, newPromotion({ seed: 'blobs' }));
      assert.deepEqual(await listBlobProgress(db, promotion.id), []);
      const layer = 'application/vnd.oci.image.layer.v1.tar+gzip';
      const big = { digest: `sha256:${'b'.repeat(64)}`, size: 5_000_000_000, mediaType: layer };
      const small = { digest: `sha256:${'a'.repeat(64)}`, size: 10, mediaType: null };
      await saveBlobProgress(db, promotion.id, [
        { ...big, state: 'copying', bytes: 1_000_000_000 },
        { ...small, state: 'pending', bytes: 0 },
      ]);
      await saveBlobProgress(db, promotion.id, [
        { ...big, state: 'copied', bytes: big.size },
        { ...small, state: 'mounted', bytes: 10 },
      ]);
      assert.deepEqual(await listBlobProgress(db, promotion.id), [
        { ...big, state: 'copied', bytes: big.size },
        { ...small, state: 'mounted', bytes: 10 },
      ]);
      await saveBlobProgress(db, promotion.id, []);
      assert.equal((await listBlobProgress(db, promotion.id)).length, 2, 'an empty save changes nothing');
    });
  });
}
