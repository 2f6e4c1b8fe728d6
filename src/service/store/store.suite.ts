import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, type TestContext, test } from 'node:test';
import { hasCode } from '../../errors/index.ts';
import { listApprovals, recordApproval } from './approval-store.ts';
import { appendAudit, appendAudits, listAudit } from './audit-store.ts';
import type { Database } from './database.ts';
import { forgetDeliveriesBefore, rememberDeliveries, rememberDelivery } from './delivery-store.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations/migration-list.ts';
import { listNotifications, recordNotification } from './notification-store.ts';
import type { NewPromotion } from './promotion.ts';
import { insertPromotion, insertPromotions } from './promotion-insert.ts';
import { getPromotion, listPromotions } from './promotion-query.ts';
import { transition } from './promotion-transition.ts';
import { StoreErrorCode } from './store-error.ts';
import { MIGRATED, type TestBackend } from './test-backends.ts';

/** The store's behaviour, run once per backend (store.pglite.test.ts; test/service/store-suites.postgres.test.ts). */

export function digestOf(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

export function newPromotion(
  overrides: Partial<NewPromotion> & { seed?: string; tag?: string } = {},
): NewPromotion {
  const { seed = 'a', tag = 'v1', ...rest } = overrides;
  return {
    rule: 'to-prod',
    source: {
      environment: 'nonprod',
      registry: 'reg.nonprod:5000',
      repository: 'team/app',
      tag,
      digest: digestOf(seed),
    },
    destination: { environment: 'prod', registry: 'reg.prod:5000', repository: 'team/app', tag },
    requestedBy: 'ci-token',
    triggerKind: 'api',
    ...rest,
  };
}

/** Every migration this build knows, and the schema version they lead to. */
const ALL_VERSIONS = MIGRATIONS.map((m) => m.version);
const LATEST = Math.max(...ALL_VERSIONS);

const DEST = { registry: 'reg.prod:5000', repository: 'team/app', tag: 'v1' };

export function storeSuite(backend: TestBackend): void {
  /** A migrated database without rows (shared by the tests that are not about opening or migrating). */
  async function fresh(_t: TestContext): Promise<Database> {
    return backend.reusable(MIGRATED);
  }

  describe(`store on ${backend.name}`, () => {
    test('migrations apply once; running them again is a no-op', async (t) => {
      const { db } = await backend.fresh();
      t.after(() => db.close());
      const first = await migrate(db);
      assert.deepEqual(first, { applied: ALL_VERSIONS, version: LATEST });
      const second = await migrate(db);
      assert.deepEqual(second, { applied: [], version: LATEST });
      const { rows } = await db.query<{ version: number; name: string }>(
        'SELECT version, name FROM schema_migrations ORDER BY version',
      );
      assert.deepEqual(
        rows,
        MIGRATIONS.map(({ version, name }) => ({ version, name })),
      );
      assert.deepEqual(rows.slice(0, 3), [
        { version: 1, name: 'initial' },
        { version: 2, name: 'releases' },
        { version: 3, name: 'list-filters' },
      ]);
    });

    test('replicas migrating at once apply each migration exactly once', async (t) => {
      const { db, reopen } = await backend.fresh();
      t.after(() => db.close());
      // PGlite is one engine per data dir, so "replicas" share the handle there; on PostgreSQL each
      // has its own pool and the advisory lock does the work.
      const others = backend.name === 'postgres' ? [await reopen(), await reopen()] : [db, db];
      t.after(() => Promise.all(others.filter((o) => o !== db).map((o) => o.close())));
      const results = await Promise.all([db, ...others].map((d) => migrate(d)));
      assert.deepEqual(
        results.flatMap((r) => r.applied).sort((x, y) => x - y),
        ALL_VERSIONS,
      );
    });

    test('an edited migration or a newer schema stops start-up', async (t) => {
      const db = await fresh(t);
      const edited = MIGRATIONS.map((m) => ({ ...m, sql: `${m.sql}\n-- edited` }));
      await assert.rejects(migrate(db, edited), (err) => hasCode(err, StoreErrorCode.Migration));
      await db.query("INSERT INTO schema_migrations (version, name, checksum) VALUES (99, 'future', 'x')");
      await assert.rejects(
        migrate(db),
        (err) => hasCode(err, StoreErrorCode.Migration) && /newer/.test(String(err)),
      );
    });

    test('insertPromotion is idempotent on (source digest, destination tag) while in flight', async (t) => {
      const db = await fresh(t);
      const first = await insertPromotion(db, newPromotion({ deliveryId: 'd-1', labels: { build: '42' } }));
      assert.equal(first.created, true);
      assert.equal(first.promotion.status, 'queued');
      assert.equal(first.promotion.source.digest, digestOf('a'));
      assert.deepEqual(first.promotion.labels, { build: '42' });
      assert.deepEqual(first.promotion.bytes, { copied: 0, mounted: 0, skipped: 0 });
      assert.ok(first.promotion.createdAt instanceof Date);
      assert.match(
        first.promotion.id,
        /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );

      const again = await insertPromotion(db, newPromotion({ requestedBy: 'someone-else' }));
      assert.equal(again.created, false);
      assert.equal(again.promotion.id, first.promotion.id);
      assert.equal(again.promotion.requestedBy, 'ci-token');

      const otherTag = await insertPromotion(db, newPromotion({ tag: 'v2' }));
      assert.equal(otherTag.created, true);
      const otherDigest = await insertPromotion(db, newPromotion({ seed: 'b' }));
      assert.equal(otherDigest.created, true);
    });

    test('concurrent acceptances of the same promotion create exactly one row', async (t) => {
      const db = await fresh(t);
      const results = await Promise.all(Array.from({ length: 8 }, () => insertPromotion(db, newPromotion())));
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(new Set(results.map((r) => r.promotion.id)).size, 1);
    });

    test('insertPromotions records a batch as if one after the other', async (t) => {
      const db = await fresh(t);
      const before = await insertPromotion(db, newPromotion({ seed: 'held' }));
      const results = await insertPromotions(db, [
        { input: newPromotion({ seed: 'x', labels: { n: '1' }, gitCommit: 'abc' }) },
        { input: newPromotion({ seed: 'held', requestedBy: 'second' }) },
        { input: newPromotion({ seed: 'x', requestedBy: 'third' }) },
        { input: newPromotion({ seed: 'y', status: 'awaiting_approval', approvalsRequired: 2 }) },
      ]);
      assert.deepEqual(
        results.map((r) => r.created),
        [true, false, false, true],
      );
      // The in-batch duplicate is answered with the batch's first row, the held slot with its holder.
      assert.equal(results[2]!.promotion.id, results[0]!.promotion.id);
      assert.equal(results[1]!.promotion.id, before.promotion.id);
      assert.equal(results[1]!.promotion.requestedBy, 'ci-token');
      assert.deepEqual(results[0]!.promotion.labels, { n: '1' });
      assert.equal(results[0]!.promotion.gitCommit, 'abc');
      assert.equal(results[3]!.promotion.status, 'awaiting_approval');
      assert.equal(results[3]!.promotion.approvalsRequired, 2);
      assert.deepEqual(await getPromotion(db, results[3]!.promotion.id), results[3]!.promotion);
      assert.equal((await listPromotions(db)).promotions.length, 3);
    });

    test('the current succeeded promotion holds the slot; a superseded one does not (rollback)', async (t) => {
      const db = await fresh(t);
      const a = (await insertPromotion(db, newPromotion({ seed: 'a' }))).promotion;
      await transition(db, a.id, ['queued'], 'running', { incrementAttempts: true });
      const done = await transition(db, a.id, ['running'], 'succeeded', {
        resultDigest: digestOf('a'),
        bytes: { copied: 5_000_000_000, mounted: 2, skipped: 3 },
      });
      assert.deepEqual(done.bytes, { copied: 5_000_000_000, mounted: 2, skipped: 3 });
      assert.ok(done.finishedAt instanceof Date);

      // Same digest again while it is the tag's current content: idempotent.
      assert.equal((await insertPromotion(db, newPromotion({ seed: 'a' }))).created, false);

      const b = (await insertPromotion(db, newPromotion({ seed: 'b' }))).promotion;
      await transition(db, b.id, ['queued'], 'running');
      await transition(db, b.id, ['running'], 'succeeded', { resultDigest: digestOf('b') });
      assert.equal((await getPromotion(db, a.id))?.supersededBy, b.id);

      const history = await listPromotions(db, { tag: DEST.tag, status: 'succeeded' });
      assert.deepEqual(
        history.promotions.map((h) => [h.id, h.resultDigest]),
        [
          [b.id, digestOf('b')],
          [a.id, digestOf('a')],
        ],
      );
      // Rolling back to a's digest is a new promotion now that b replaced it.
      const rollback = await insertPromotion(
        db,
        newPromotion({ seed: 'a', rollbackOf: b.id, triggerKind: 'api' }),
      );
      assert.equal(rollback.created, true);
      assert.equal(rollback.promotion.rollbackOf, b.id);
    });

    test('a failed promotion frees the slot: a rerun is a new promotion', async (t) => {
      const db = await fresh(t);
      const first = (await insertPromotion(db, newPromotion())).promotion;
      await transition(db, first.id, ['queued'], 'running', { incrementAttempts: true });
      const failed = await transition(db, first.id, ['running'], 'failed', { reason: 'manifest unknown' });
      assert.equal(failed.reason, 'manifest unknown');
      assert.equal(failed.attempts, 1);
      const rerun = await insertPromotion(db, newPromotion({ rerunOf: first.id }));
      assert.equal(rerun.created, true);
      assert.equal(rerun.promotion.rerunOf, first.id);
      assert.notEqual(rerun.promotion.id, first.id);
    });

    test('transition is a compare-and-set over the lifecycle', async (t) => {
      const db = await fresh(t);
      const p = (
        await insertPromotion(db, newPromotion({ status: 'awaiting_approval', approvalsRequired: 2 }))
      ).promotion;
      assert.equal(p.status, 'awaiting_approval');
      assert.equal(p.approvalsRequired, 2);
      await assert.rejects(
        transition(db, p.id, ['queued'], 'running'),
        (err) => hasCode(err, StoreErrorCode.Conflict) && /awaiting_approval/.test(String(err)),
      );
      await assert.rejects(transition(db, 'no-such-id', ['queued'], 'running'), (err) =>
        hasCode(err, StoreErrorCode.NotFound),
      );
      const queued = await transition(db, p.id, ['awaiting_approval'], 'queued');
      assert.equal(queued.startedAt, null);
      const running = await transition(db, p.id, ['queued'], 'running', { incrementAttempts: true });
      assert.ok(running.startedAt instanceof Date);
      assert.equal(running.attempts, 1);
      // A transient failure waits queued for its retry, keeping its reason; then runs again.
      const waiting = await transition(db, p.id, ['running'], 'queued', { reason: 'registry 503, retrying' });
      assert.equal(waiting.reason, 'registry 503, retrying');
      const again = await transition(db, p.id, ['queued'], 'running', {
        incrementAttempts: true,
        reason: null,
      });
      assert.equal(again.attempts, 2);
      assert.equal(again.reason, null);
      assert.equal(again.startedAt?.getTime(), running.startedAt?.getTime());
      const cancelled = await transition(db, p.id, ['queued', 'running'], 'cancelled', {
        reason: 'by alice',
      });
      assert.ok(cancelled.finishedAt instanceof Date);
      // Terminal states stay terminal, whatever `from` says.
      await assert.rejects(transition(db, p.id, ['cancelled'], 'running'), (err) =>
        hasCode(err, StoreErrorCode.Conflict),
      );
    });

    test('two promotions to one tag succeeding at once leave exactly one current', async (t) => {
      const db = await fresh(t);
      const ids: string[] = [];
      for (const seed of ['x', 'y', 'z']) {
        const { promotion } = await insertPromotion(db, newPromotion({ seed }));
        await transition(db, promotion.id, ['queued'], 'running');
        ids.push(promotion.id);
      }
      await Promise.all(ids.map((id) => transition(db, id, ['running'], 'succeeded')));
      const rows = await Promise.all(ids.map((id) => getPromotion(db, id)));
      assert.equal(rows.filter((p) => p?.supersededBy === null).length, 1);
      assert.equal((await listPromotions(db, { status: 'succeeded' })).promotions.length, 3);
    });

    test('racing transitions: exactly one wins', async (t) => {
      const db = await fresh(t);
      const p = (await insertPromotion(db, newPromotion())).promotion;
      const results = await Promise.allSettled([
        transition(db, p.id, ['queued'], 'running'),
        transition(db, p.id, ['queued'], 'cancelled'),
        transition(db, p.id, ['queued'], 'running'),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(hasCode(r.reason, StoreErrorCode.Conflict), String(r.reason));
      }
    });

    test('the database enforces the status list and digest syntax', async (t) => {
      const db = await fresh(t);
      const p = (await insertPromotion(db, newPromotion())).promotion;
      await assert.rejects(
        db.query("UPDATE promotions SET status = 'exploded' WHERE id = $1", [p.id]),
        (err) => hasCode(err, StoreErrorCode.Query),
      );
      await assert.rejects(
        insertPromotion(db, newPromotion({ source: { ...newPromotion().source, digest: 'latest' } })),
      );
    });

    test('appendAudits stores a batch in order and returns what the database assigned', async (t) => {
      const db = await fresh(t);
      const p = (await insertPromotion(db, newPromotion())).promotion;
      const at = new Date('2026-01-02T03:04:05.678Z');
      const appended = await appendAudits(db, [
        { promotionId: p.id, actor: 'a', kind: 'k1', detail: { n: 1, nested: { list: [1, 'two'] } } },
        { promotionId: p.id, actor: 'b', kind: 'k2', bytes: 7, at, outcome: 'ok', digest: p.source.digest },
        { actor: 'c', kind: 'k3' },
      ]);
      assert.deepEqual(
        appended.map((e) => [e.actor, e.kind]),
        [
          ['a', 'k1'],
          ['b', 'k2'],
          ['c', 'k3'],
        ],
      );
      assert.ok(appended[0]!.id < appended[1]!.id && appended[1]!.id < appended[2]!.id);
      assert.equal(appended[1]!.at.toISOString(), at.toISOString());
      const stored = await listAudit(db, p.id);
      assert.deepEqual(stored, appended.slice(0, 2));
      assert.deepEqual(await appendAudits(db, []), []);
    });

    test('audit events are append-only in the database', async (t) => {
      const db = await fresh(t);
      const p = (await insertPromotion(db, newPromotion())).promotion;
      const accepted = await appendAudit(db, {
        promotionId: p.id,
        actor: 'ci-token',
        kind: 'accepted',
        digest: p.source.digest,
        outcome: 'ok',
        detail: { rule: 'to-prod' },
      });
      const copied = await appendAudit(db, {
        promotionId: p.id,
        actor: 'ferry',
        kind: 'copied',
        outcome: 'ok',
        bytes: 6_000_000_000,
      });
      await appendAudit(db, { actor: 'webhook:github', kind: 'rejected-delivery', outcome: 'bad-signature' });
      assert.ok(copied.id > accepted.id);
      assert.ok(accepted.at instanceof Date);
      const events = await listAudit(db, p.id);
      assert.deepEqual(
        events.map((e) => [e.kind, e.bytes, e.detail]),
        [
          ['accepted', null, { rule: 'to-prod' }],
          ['copied', 6_000_000_000, {}],
        ],
      );

      const appendOnly = (err: unknown) =>
        hasCode(err, StoreErrorCode.Query) && /append-only/.test(String(err)) && /FA001/.test(String(err));
      await assert.rejects(
        db.query("UPDATE audit_events SET outcome = 'error' WHERE id = $1", [accepted.id]),
        appendOnly,
      );
      await assert.rejects(db.query('DELETE FROM audit_events WHERE id = $1', [accepted.id]), appendOnly);
      await assert.rejects(db.query('TRUNCATE audit_events'), appendOnly);
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('DELETE FROM audit_events');
        }),
        appendOnly,
      );
      assert.equal((await listAudit(db, p.id)).length, 2);
    });

    test('approvals count distinct approvers; the first decision stands', async (t) => {
      const db = await fresh(t);
      const p = (
        await insertPromotion(db, newPromotion({ status: 'awaiting_approval', approvalsRequired: 2 }))
      ).promotion;
      assert.deepEqual(
        await recordApproval(db, { promotionId: p.id, approver: 'alice', decision: 'approve' }),
        {
          recorded: true,
          approvals: 1,
          rejections: 0,
        },
      );
      assert.deepEqual(
        await recordApproval(db, { promotionId: p.id, approver: 'alice', decision: 'approve' }),
        {
          recorded: false,
          approvals: 1,
          rejections: 0,
        },
      );
      assert.deepEqual(
        await recordApproval(db, { promotionId: p.id, approver: 'alice', decision: 'reject' }),
        {
          recorded: false,
          approvals: 1,
          rejections: 0,
        },
      );
      assert.deepEqual(
        await recordApproval(db, {
          promotionId: p.id,
          approver: 'bob',
          decision: 'reject',
          comment: 'not today',
        }),
        { recorded: true, approvals: 1, rejections: 1 },
      );
      const parallel = await Promise.all(
        ['carol', 'dave', 'carol'].map((approver) =>
          recordApproval(db, { promotionId: p.id, approver, decision: 'approve' }),
        ),
      );
      assert.equal(parallel.filter((r) => r.recorded).length, 2);
      const { rows } = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM approvals WHERE promotion_id = $1',
        [p.id],
      );
      assert.equal(rows[0]?.n, 4);
    });

    test('rememberDeliveries answers a batch in order, a repeated id being new only once', async (t) => {
      const db = await fresh(t);
      assert.equal(await rememberDelivery(db, 'github', 'old'), true);
      assert.deepEqual(
        await rememberDeliveries(db, [
          { source: 'github', id: 'a' },
          { source: 'github', id: 'old' },
          { source: 'harbor', id: 'a' },
          { source: 'github', id: 'a' },
        ]),
        [true, false, true, false],
      );
      assert.deepEqual(await rememberDeliveries(db, []), []);
    });

    test('webhook delivery ids are remembered per source, and can be pruned', async (t) => {
      const db = await fresh(t);
      assert.equal(await rememberDelivery(db, 'github', 'msg_1'), true);
      assert.equal(await rememberDelivery(db, 'github', 'msg_1'), false);
      assert.equal(await rememberDelivery(db, 'harbor', 'msg_1'), true);
      const racing = await Promise.all([1, 2, 3, 4].map(() => rememberDelivery(db, 'github', 'msg_2')));
      assert.equal(racing.filter(Boolean).length, 1);
      assert.equal(await forgetDeliveriesBefore(db, new Date(Date.now() - 60_000)), 0);
      assert.equal(await forgetDeliveriesBefore(db, new Date(Date.now() + 60_000)), 3);
      assert.equal(await rememberDelivery(db, 'github', 'msg_1'), true);
    });

    test('notification attempts are recorded', async (t) => {
      const db = await fresh(t);
      const p = (await insertPromotion(db, newPromotion())).promotion;
      await recordNotification(db, {
        promotionId: p.id,
        target: 'slack',
        event: 'promotion.succeeded',
        attempt: 1,
        statusCode: 503,
        durationMs: 12.6,
      });
      await recordNotification(db, {
        promotionId: p.id,
        target: 'slack',
        event: 'promotion.succeeded',
        attempt: 2,
        statusCode: 200,
      });
      await recordNotification(db, { target: 'hook', event: 'test', attempt: 1, error: 'ECONNREFUSED' });
      const list = await listNotifications(db, p.id);
      assert.deepEqual(
        list.map((n) => [n.attempt, n.statusCode, n.error, n.durationMs]),
        [
          [1, 503, null, 13],
          [2, 200, null, null],
        ],
      );
    });

    test('listPromotions filters and pages newest first', async (t) => {
      const db = await fresh(t);
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const { promotion } = await insertPromotion(
          db,
          newPromotion({
            seed: `s${i}`,
            tag: `v${i}`,
            ...(i % 2
              ? { destination: { ...DEST, tag: `v${i}`, repository: 'team/other', environment: 'staging' } }
              : {}),
          }),
        );
        ids.push(promotion.id);
      }
      await transition(db, ids[0]!, ['queued'], 'running');
      const newestFirst = [...ids].reverse();

      const page1 = await listPromotions(db, { limit: 3 });
      assert.deepEqual(
        page1.promotions.map((p) => p.id),
        newestFirst.slice(0, 3),
      );
      assert.ok(page1.nextCursor);
      const page2 = await listPromotions(db, { limit: 3, cursor: page1.nextCursor });
      assert.deepEqual(
        page2.promotions.map((p) => p.id),
        newestFirst.slice(3, 6),
      );
      const page3 = await listPromotions(db, { limit: 3, cursor: page2.nextCursor });
      assert.deepEqual(
        page3.promotions.map((p) => p.id),
        newestFirst.slice(6),
      );
      assert.equal(page3.nextCursor, undefined);

      assert.equal((await listPromotions(db, { repository: 'team/other' })).promotions.length, 3);
      assert.equal((await listPromotions(db, { repository: 'team/app' })).promotions.length, 7);
      assert.equal((await listPromotions(db, { environment: 'staging' })).promotions.length, 3);
      assert.equal((await listPromotions(db, { environment: 'nonprod' })).promotions.length, 7);
      assert.deepEqual(
        (await listPromotions(db, { status: 'running' })).promotions.map((p) => p.id),
        [ids[0]],
      );
      assert.equal((await listPromotions(db, { status: ['queued', 'running'] })).promotions.length, 7);
      assert.deepEqual(
        (await listPromotions(db, { digest: digestOf('s3') })).promotions.map((p) => p.id),
        [ids[3]],
      );
      await assert.rejects(listPromotions(db, { cursor: 'garbage' }), (err) =>
        hasCode(err, StoreErrorCode.Query),
      );
    });

    test('listPromotions filters by tag, rule, requester and creation time, all combined', async (t) => {
      const db = await fresh(t);
      const insert = async (overrides: Parameters<typeof newPromotion>[0]) =>
        (await insertPromotion(db, newPromotion(overrides))).promotion.id;
      const early = await insert({ seed: 'f0', tag: 'v1', rule: 'to-prod', requestedBy: 'jenkins' });
      await new Promise((resolve) => setTimeout(resolve, 30));
      const between = new Date();
      await new Promise((resolve) => setTimeout(resolve, 30));
      const late = await insert({ seed: 'f1', tag: 'v2', rule: 'to-prod', requestedBy: 'github' });
      // Source tag and destination tag differ: a tag filter matches either.
      const renamed = await insert({
        seed: 'f2',
        tag: 'rc1',
        rule: 'to-staging',
        requestedBy: 'jenkins',
        destination: { ...DEST, tag: 'v1' },
      });
      const ids = async (filter: Parameters<typeof listPromotions>[1]) =>
        (await listPromotions(db, filter)).promotions.map((p) => p.id);

      assert.deepEqual(await ids({ tag: 'v1' }), [renamed, early]);
      assert.deepEqual(await ids({ tag: 'rc1' }), [renamed]);
      assert.deepEqual(await ids({ tag: 'nope' }), []);
      assert.deepEqual(await ids({ rule: 'to-prod' }), [late, early]);
      assert.deepEqual(await ids({ requestedBy: 'jenkins' }), [renamed, early]);
      assert.deepEqual(await ids({ createdAfter: between }), [renamed, late]);
      assert.deepEqual(await ids({ createdBefore: between }), [early]);
      assert.deepEqual(await ids({ tag: 'v1', requestedBy: 'jenkins', createdAfter: between }), [renamed]);
      assert.deepEqual(await ids({ rule: 'to-prod', requestedBy: 'github', tag: 'v1' }), []);
      // Filters and the cursor combine: page through one rule's promotions.
      const first = await listPromotions(db, { rule: 'to-prod', limit: 1 });
      assert.deepEqual(
        first.promotions.map((p) => p.id),
        [late],
      );
      assert.deepEqual(await ids({ rule: 'to-prod', limit: 1, cursor: first.nextCursor }), [early]);
    });

    test('approvals count distinct identities (approverKey), whatever name they are shown with', async (t) => {
      const db = await fresh(t);
      const p = (
        await insertPromotion(db, newPromotion({ status: 'awaiting_approval', approvalsRequired: 2 }))
      ).promotion;
      const alice = { promotionId: p.id, approverKey: 'oidc:u-alice', decision: 'approve' } as const;
      assert.equal(
        (await recordApproval(db, { ...alice, approver: 'alice@example.com (oidc)' })).recorded,
        true,
      );
      const renamed = await recordApproval(db, { ...alice, approver: 'alice@new.example.com (oidc)' });
      assert.deepEqual(
        renamed,
        { recorded: false, approvals: 1, rejections: 0 },
        'same subject, new address',
      );
      const namesake = await recordApproval(db, {
        promotionId: p.id,
        approver: 'alice@example.com (oidc)',
        approverKey: 'oidc:u-other',
        decision: 'approve',
      });
      assert.deepEqual(namesake, { recorded: true, approvals: 2, rejections: 0 }, 'another subject counts');
      const listed = (await listApprovals(db, [p.id])).get(p.id) ?? [];
      assert.deepEqual(listed.map((a) => a.approverKey).sort(), ['oidc:u-alice', 'oidc:u-other']);
    });

    test('listApprovals returns each promotion’s decisions, oldest first', async (t) => {
      const db = await fresh(t);
      const waiting = newPromotion({ status: 'awaiting_approval', approvalsRequired: 2 });
      const a = (await insertPromotion(db, waiting)).promotion;
      const b = (
        await insertPromotion(db, {
          ...waiting,
          source: { ...waiting.source, digest: digestOf('b') },
          destination: { ...DEST, tag: 'v9' },
        })
      ).promotion;
      const none = (await insertPromotion(db, newPromotion({ seed: 'c', tag: 'v8' }))).promotion;
      await recordApproval(db, { promotionId: a.id, approver: 'alice', decision: 'approve', comment: 'ok' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await recordApproval(db, { promotionId: a.id, approver: 'bob', decision: 'approve' });
      await recordApproval(db, { promotionId: b.id, approver: 'carol', decision: 'reject', comment: 'no' });
      const byPromotion = await listApprovals(db, [a.id, b.id, none.id, a.id]);
      assert.deepEqual(
        byPromotion.get(a.id)?.map((x) => [x.approver, x.decision, x.comment]),
        [
          ['alice', 'approve', 'ok'],
          ['bob', 'approve', null],
        ],
      );
      assert.ok(byPromotion.get(a.id)?.every((x) => x.at instanceof Date && x.promotionId === a.id));
      assert.deepEqual(
        byPromotion.get(b.id)?.map((x) => [x.approver, x.decision, x.comment]),
        [['carol', 'reject', 'no']],
      );
      assert.equal(byPromotion.has(none.id), false);
      assert.equal((await listApprovals(db, [])).size, 0);
    });

    test('transactions commit together or not at all; nested ones are savepoints', async (t) => {
      const db = await fresh(t);
      await assert.rejects(
        db.transaction(async (tx) => {
          await insertPromotion(tx, newPromotion({ seed: 'rolled-back' }));
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal((await listPromotions(db)).promotions.length, 0);

      await db.transaction(async (tx) => {
        await insertPromotion(tx, newPromotion({ seed: 'kept' }));
        await assert.rejects(
          tx.transaction(async (inner) => {
            await insertPromotion(inner, newPromotion({ seed: 'inner' }));
            throw new Error('inner boom');
          }),
          /inner boom/,
        );
        // A failed statement inside a savepoint does not poison the outer transaction.
        await assert.rejects(
          tx.transaction((inner) => inner.query('SELECT 1/0')),
          (err) => hasCode(err, StoreErrorCode.Query),
        );
        await insertPromotion(tx, newPromotion({ seed: 'kept-too' }));
      });
      const digests = (await listPromotions(db)).promotions.map((p) => p.source.digest).sort();
      assert.deepEqual(digests, [digestOf('kept'), digestOf('kept-too')].sort());
    });

    test('a transaction whose first statement fails rolls back; an empty one is harmless', async (t) => {
      const db = await fresh(t);
      await assert.rejects(
        db.transaction((tx) => tx.query('SELECT 1/0')),
        (err) => hasCode(err, StoreErrorCode.Query),
      );
      assert.equal(await db.transaction(async () => 'nothing done'), 'nothing done');
      await assert.rejects(
        db.transaction(async () => {
          throw new Error('before any statement');
        }),
        /before any statement/,
      );
      // The connection is usable and not left inside a transaction: this commits on its own.
      await insertPromotion(db, newPromotion({ seed: 'after' }));
      await assert.rejects(
        db.transaction(async (tx) => {
          await insertPromotion(tx, newPromotion({ seed: 'undone' }));
          throw new Error('undo');
        }),
        /undo/,
      );
      const digests = (await listPromotions(db)).promotions.map((p) => p.source.digest);
      assert.deepEqual(digests, [digestOf('after')]);
    });

    test('listen gets every NOTIFY on its channel, at commit, until unlistened', async (t) => {
      const { db } = await backend.fresh();
      t.after(() => db.close());
      const got: string[] = [];
      const unlisten = await db.listen('ferry_test_channel', (payload) => got.push(payload));
      await db.query('SELECT pg_notify($1, $2)', ['ferry_test_channel', 'one']);
      await db.query('SELECT pg_notify($1, $2)', ['ferry_other_channel', 'ignored']);
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_notify($1, $2)', ['ferry_test_channel', 'two']);
        // Not delivered before the commit.
        await new Promise((resolve) => setTimeout(resolve, 50));
        assert.deepEqual(got, ['one']);
      });
      await db
        .transaction(async (tx) => {
          await tx.query('SELECT pg_notify($1, $2)', ['ferry_test_channel', 'rolled back']);
          throw new Error('roll back');
        })
        .catch(() => undefined);
      const deadline = Date.now() + 5_000;
      while (got.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.deepEqual(got, ['one', 'two']);
      await unlisten();
      await db.query('SELECT pg_notify($1, $2)', ['ferry_test_channel', 'after']);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(got, ['one', 'two']);
    });

    test('data survives closing and reopening the database', async (t) => {
      const { db, reopen } = await backend.fresh();
      await migrate(db);
      const { promotion } = await insertPromotion(db, newPromotion());
      await db.close();
      const again = await reopen();
      t.after(() => again.close());
      assert.deepEqual(await migrate(again), { applied: [], version: LATEST });
      assert.equal((await getPromotion(again, promotion.id))?.id, promotion.id);
    });
  });
}
