/**
 * The store's reads behind the dashboard (issue 14), run once per backend (dashboard-reads.pglite.test.ts;
 * test/service/store-suites.postgres.test.ts): the audit trail searched across promotions, per-blob
 * progress.
 */
import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { appendAudits, searchAudit } from './audit-store.ts';
import type { Database } from './database.ts';
import type { NewPromotion } from './promotion.ts';
import { listBlobProgress, saveBlobProgress } from './promotion-blob-store.ts';
import { insertPromotion } from './promotion-insert.ts';
import { listPromotions } from './promotion-query.ts';
import { transition } from './promotion-transition.ts';
import { newPromotion } from './store.suite.ts';
import { MIGRATED, type TestBackend } from './test-backends.ts';

export function dashboardReadsSuite(backend: TestBackend): void {
  /** The file's shared database, emptied (store tests whose subject is not opening or migrating). */
  async function fresh(_t: TestContext): Promise<Database> {
    return backend.reusable(MIGRATED);
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
      assert.deepEqual(await kinds({ q: two.id.toUpperCase() }), ['failed:ferry', 'accepted:jenkins']);
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

    test('a text search examines a bounded window per call, and the cursor goes on below it', async (t) => {
      const db = await fresh(t);
      const { promotion } = await insertPromotion(db, newPromotion({ seed: 'window' }));
      await appendAudits(
        db,
        ['needle 1', 'hay', 'hay', 'hay', 'needle 2', 'needle 3', 'hay'].map((comment, i) => ({
          promotionId: i === 6 ? null : promotion.id,
          actor: 'ferry',
          kind: 'note',
          detail: { comment },
        })),
      );
      const calls: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await searchAudit(db, { q: 'NEEDLE', limit: 1, cursor }, { textWindow: 2 });
        calls.push(page.events.map((e) => String(e.detail.comment)));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      // Newest first, two events looked at per call: [hay, needle 3] [needle 2, hay] [hay, hay] [needle 1].
      assert.deepEqual(calls, [['needle 3'], ['needle 2'], [], ['needle 1']]);
      // More matches than the page takes: the cursor follows the page, as without q.
      const two = await searchAudit(db, { q: 'needle', limit: 1 }, { textWindow: 5 });
      assert.deepEqual(
        two.events.map((e) => e.detail.comment),
        ['needle 3'],
      );
      const rest = await searchAudit(db, { q: 'needle', cursor: two.nextCursor }, { textWindow: 5 });
      assert.deepEqual(
        rest.events.map((e) => e.detail.comment),
        ['needle 2', 'needle 1'],
      );
      // Other filters narrow what the window holds (only this promotion's six events).
      const narrowed = await searchAudit(db, { q: 'needle', promotionId: promotion.id }, { textWindow: 7 });
      assert.equal(narrowed.events.length, 3);
      assert.equal(narrowed.nextCursor, undefined, 'the window was not full: nothing older');
    });

    test('promotions are filtered by several statuses, trigger, kind, requester text and tag/digest text', async (t) => {
      const db = await fresh(t);
      const add = async (seed: string, tag: string, changes: Partial<NewPromotion> = {}) =>
        (await insertPromotion(db, { ...newPromotion({ seed, tag }), ...changes })).promotion;
      const a = await add('a', 'v1.2.0', { requestedBy: 'alice@example.com (oidc)' });
      const b = await add('b', '3f786850e387', {
        triggerKind: 'standard-webhook',
        requestedBy: 'standard-webhooks#1',
      });
      const c = await add('c', 'V1.3.0-RC1', { triggerKind: 'harbor', requestedBy: 'robot$ci' });
      const d = await add('d', 'v2', { kind: 'rerun', rerunOf: a.id, requestedBy: 'Alice' });
      await transition(db, a.id, ['queued'], 'cancelled');
      await transition(db, c.id, ['queued'], 'running');
      await transition(db, c.id, ['running'], 'failed', { reason: 'boom' });
      const ids = async (filter: Parameters<typeof listPromotions>[1]) => {
        const names = new Map([a, b, c, d].map((p, i) => [p.id, 'abcd'[i]]));
        return (await listPromotions(db, filter)).promotions.map((p) => names.get(p.id)).join('');
      };
      assert.equal(await ids({}), 'dcba');
      assert.equal(await ids({ status: ['failed', 'cancelled'] }), 'ca');
      assert.equal(await ids({ status: ['queued'] }), 'db');
      assert.equal(await ids({ trigger: 'standard-webhook' }), 'b');
      assert.equal(await ids({ trigger: 'harbor', status: ['failed'] }), 'c');
      assert.equal(await ids({ kind: 'rerun' }), 'd');
      assert.equal(await ids({ requester: 'ALICE' }), 'da');
      assert.equal(await ids({ requester: '$ci' }), 'c');
      // Tag text, case-insensitively, in the source or destination tag …
      assert.equal(await ids({ q: 'v1.' }), 'ca');
      assert.equal(await ids({ q: 'rc1' }), 'c');
      // … or the start of a digest, with or without its algorithm; not the middle of one.
      const digest = b.source.digest;
      assert.equal(await ids({ q: digest.slice(0, 20) }), 'b');
      assert.equal(await ids({ q: digest.slice(7, 19).toUpperCase() }), 'b');
      assert.equal(await ids({ q: digest.slice(30, 45) }), '');
      // A git SHA finds the tag that is one.
      assert.equal(await ids({ q: '3f7868' }), 'b');
      assert.equal(await ids({ q: '%' }), '', '% is text, not a wildcard');
      const page = await listPromotions(db, { requester: 'a', limit: 1 });
      assert.equal(page.promotions.length, 1);
      assert.equal(await ids({ requester: 'a' }), 'dba');
      assert.equal(await ids({ requester: 'a', cursor: page.nextCursor }), 'ba', 'the next page goes on');
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
