import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, describe, test } from 'node:test';
import { hasCode } from '../../src/errors/ferry-error.ts';
import { AuditKind } from '../../src/service/promote/audit-kinds.ts';
import { PromotionError, PromotionErrorCode } from '../../src/service/promote/promotion-error.ts';
import type { PromotionRequest } from '../../src/service/promote/promotion-request.ts';
import type { Actor, PromotionUpdate } from '../../src/service/promote/promotion-service.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { rigConfig, sharedEngine, timelineKinds, waitForStatus } from './service-harness.ts';

/*
 * The promotion lifecycle end to end: real registries from the rig, the embedded database, the pg-boss
 * queue and the engine's own worker. Each test uses its own repositories, so they share one engine.
 */

// Torn down in reverse: the engine stops before its database closes, the rig goes last.
const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const nonprod = rig.anonymous!;
const prod = rig.basicTls!;
const temp = await makeTempDir('promote-lifecycle');
cleanup(() => temp.remove());

const config = await rigConfig({
  nonprod,
  prod,
  dir: temp.path,
  rules: [
    { name: 'team-a', from: 'nonprod:team-a/*', to: 'prod:team-a/*', tags: 'v[0-9]+|[0-9a-f]{7,40}' },
    {
      name: 'payments',
      from: 'nonprod:payments/*',
      to: 'prod:payments/*',
      tags: 'v[0-9]+',
      approvals: { required: 2, approvers: ['alice', 'bob', 'carol'] },
    },
    {
      name: 'mutable',
      from: 'nonprod:mutable/*',
      to: 'prod:mutable/*',
      tags: 'v[0-9]+',
      immutableTags: false,
    },
  ],
});

const { db, harness } = await sharedEngine(cleanup, config);
const { engine } = harness;

const ci: Actor = { name: 'ci', kind: 'token' };
const person = (name: string): Actor => ({ name, kind: 'token' });

function request(repository: string, tag: string, extra: Partial<PromotionRequest> = {}): PromotionRequest {
  return {
    source: { environment: 'nonprod', repository, tag },
    trigger: { kind: 'api', actor: 'ci' },
    ...extra,
  };
}

async function pushSource(repository: string, tag: string, seed: string) {
  const image = await buildImage({ layers: [20_000, 5_000], seed });
  await pushImage(nonprod, repository, tag, image);
  return image;
}

async function prodDigest(repository: string, tag: string): Promise<string | undefined> {
  const found = await rigGetManifest(prod, repository, tag);
  return found.status === 200 ? found.digest : undefined;
}

function rejectsWith(code: string, status: number) {
  return (err: unknown) => {
    assert.ok(err instanceof PromotionError, `expected a PromotionError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.status, status);
    return true;
  };
}

describe('promotion lifecycle on real registries', () => {
  test('accept pins the digest; the worker copies it and the destination serves the same digest', async () => {
    const image = await pushSource('team-a/app', 'v1', 'lifecycle-app');
    const updates: PromotionUpdate[] = [];
    const unsubscribe = engine.subscribe(undefined, (u) => updates.push(u));
    after(unsubscribe);

    const { promotion, created } = await engine.accept(
      request('team-a/app', 'v1', { gitCommit: 'abc1234' }),
      ci,
    );
    assert.equal(created, true);
    assert.equal(promotion.source.digest, image.manifestDigest);
    assert.equal(promotion.rule, 'team-a');
    assert.deepEqual(
      { ...promotion.destination },
      { environment: 'prod', registry: prod.host, repository: 'team-a/app', tag: 'v1' },
    );
    const done = await waitForStatus(engine, promotion.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(done.resultDigest, image.manifestDigest);
    assert.equal(done.attempts, 1);
    assert.equal(
      done.bytes.copied,
      image.blobs.reduce((sum, blob) => sum + blob.size, 0),
    );
    assert.equal(await prodDigest('team-a/app', 'v1'), image.manifestDigest);

    const timeline = (await engine.get(promotion.id))!.timeline;
    assert.deepEqual(
      timeline.map((e) => e.kind),
      [AuditKind.Accepted, AuditKind.Started, AuditKind.Copied, AuditKind.Succeeded],
    );
    // The attempt names the replica that ran it (host name, the pod name in Kubernetes, and pid).
    assert.equal(timeline[1]!.detail.replica, `${hostname()}/${process.pid}`);
    const accepted = timeline[0]!;
    assert.equal(accepted.actor, 'ci');
    assert.equal(accepted.digest, image.manifestDigest);
    assert.equal(timeline[3]!.bytes, done.bytes.copied);
    assert.ok(timeline.slice(1).every((e) => e.actor === 'ferry'));

    const mine = updates.filter((u) => u.type !== 'audit' || u.event.promotionId === promotion.id);
    const statuses = mine.flatMap((u) =>
      u.type === 'status' && u.promotion.id === promotion.id ? [u.promotion.status] : [],
    );
    assert.deepEqual(statuses, ['queued', 'running', 'succeeded']);
    const progress = mine.filter((u) => u.type === 'progress' && u.promotionId === promotion.id);
    const last = progress.at(-1);
    assert.ok(
      last?.type === 'progress' && last.bytes === last.totalBytes && last.bytes > 0,
      'final progress is complete',
    );
  });

  test('accepting the same digest and tag again returns the existing promotion', async () => {
    await pushSource('team-a/twice', 'v1', 'lifecycle-twice');
    const first = await engine.accept(request('team-a/twice', 'v1'), ci);
    const second = await engine.accept(request('team-a/twice', 'v1'), person('someone-else'));
    assert.equal(second.created, false);
    assert.equal(second.promotion.id, first.promotion.id);
    await waitForStatus(engine, first.promotion.id, 'succeeded');
    // Also once it has succeeded: it is the tag's current promotion.
    const third = await engine.accept(request('team-a/twice', 'v1'), ci);
    assert.equal(third.created, false);
    assert.equal(third.promotion.id, first.promotion.id);
    const kinds = await timelineKinds(engine, first.promotion.id);
    assert.equal(kinds.filter((k) => k === AuditKind.DuplicateRequest).length, 2);
    assert.equal(kinds.filter((k) => k === AuditKind.Started).length, 1, 'copied once');
  });

  test('refusals create nothing: tag not allowed (422), no rule (404), unknown source tag (422), bad request (422)', async () => {
    await pushSource('team-a/refused', 'latest', 'lifecycle-refused');
    const before = (await engine.list({ limit: 500 })).promotions.length;
    await assert.rejects(
      engine.accept(request('team-a/refused', 'latest'), ci),
      rejectsWith(PromotionErrorCode.TagNotAllowed, 422),
    );
    await assert.rejects(
      engine.accept(request('team-b/app', 'v1'), ci),
      rejectsWith(PromotionErrorCode.NoRule, 404),
    );
    await assert.rejects(
      engine.accept(request('team-a/refused', 'v9'), ci),
      rejectsWith(PromotionErrorCode.SourceNotFound, 422),
    );
    await assert.rejects(
      engine.accept(
        {
          source: { environment: 'nonprod', repository: 'team-a/refused' },
          trigger: { kind: 'api', actor: 'ci' },
        },
        ci,
      ),
      rejectsWith(PromotionErrorCode.InvalidRequest, 422),
    );
    await assert.rejects(
      engine.accept(request('team-a/refused', 'v1', { destination: { tag: 'v2' } }), ci),
      rejectsWith(PromotionErrorCode.InvalidRequest, 422),
    );
    assert.equal((await engine.list({ limit: 500 })).promotions.length, before);
  });

  test('approval flow: two distinct approvers; the requester, a repeat and an unlisted approver do not count', async () => {
    const image = await pushSource('payments/api', 'v2', 'lifecycle-payments');
    const { promotion } = await engine.accept(request('payments/api', 'v2'), ci);
    assert.equal(promotion.status, 'awaiting_approval');
    assert.equal(promotion.approvalsRequired, 2);

    await assert.rejects(engine.approve(promotion.id, ci), rejectsWith(PromotionErrorCode.Forbidden, 403));
    await assert.rejects(
      engine.approve(promotion.id, person('mallory')),
      rejectsWith(PromotionErrorCode.Forbidden, 403),
    );
    assert.equal(
      (await engine.approve(promotion.id, person('alice'), 'looks good')).status,
      'awaiting_approval',
    );
    // alice twice is one approval: the second is refused with its own code (and logged as ignored).
    await assert.rejects(
      engine.approve(promotion.id, person('alice')),
      rejectsWith(PromotionErrorCode.AlreadyDecided, 409),
    );
    assert.equal((await engine.get(promotion.id))!.promotion.status, 'awaiting_approval');
    const queued = await engine.approve(promotion.id, person('bob'));
    assert.equal(queued.status, 'queued');
    await assert.rejects(
      engine.approve(promotion.id, person('carol')),
      rejectsWith(PromotionErrorCode.Conflict, 409),
    );
    // bob retrying the approval that queued it learns that his decision was taken, not "queued".
    await assert.rejects(
      engine.approve(promotion.id, person('bob')),
      rejectsWith(PromotionErrorCode.AlreadyDecided, 409),
    );
    const decisions = (await engine.approvals([promotion.id])).get(promotion.id) ?? [];
    assert.deepEqual(
      decisions.map((d) => `${d.decision}:${d.approver}:${d.comment}`),
      ['approve:alice:looks good', 'approve:bob:null'],
    );

    const done = await waitForStatus(engine, promotion.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(await prodDigest('payments/api', 'v2'), image.manifestDigest);
    const timeline = (await engine.get(promotion.id))!.timeline;
    assert.deepEqual(
      timeline.map((e) => `${e.kind}:${e.actor}`),
      [
        'accepted:ci',
        'awaiting_approval:ci',
        'approval_refused:ci',
        'approval_refused:mallory',
        'approved:alice',
        'approval_ignored:alice',
        'approved:bob',
        'started:ferry',
        'copied:ferry',
        'succeeded:ferry',
      ],
    );
    assert.deepEqual(timeline[4]!.detail, { approvals: 1, required: 2, comment: 'looks good' });
  });

  test('reject ends a promotion; rerun makes a new one that needs approvals again; cancel ends that', async () => {
    await pushSource('payments/web', 'v3', 'lifecycle-reject');
    const { promotion } = await engine.accept(request('payments/web', 'v3'), ci);
    const rejected = await engine.reject(promotion.id, person('carol'), 'not this week');
    assert.equal(rejected.status, 'rejected');
    assert.equal(rejected.reason, 'rejected by carol: not this week');
    await assert.rejects(
      engine.approve(promotion.id, person('alice')),
      rejectsWith(PromotionErrorCode.Conflict, 409),
    );
    await assert.rejects(engine.cancel(promotion.id, ci), rejectsWith(PromotionErrorCode.Conflict, 409));

    const rerun = await engine.rerun(promotion.id, person('carol'));
    assert.equal(rerun.created, true);
    assert.notEqual(rerun.promotion.id, promotion.id);
    assert.equal(rerun.promotion.rerunOf, promotion.id);
    assert.equal(rerun.promotion.source.digest, promotion.source.digest);
    assert.equal(rerun.promotion.status, 'awaiting_approval');
    assert.equal(rerun.promotion.requestedBy, 'carol');
    await assert.rejects(engine.rerun(rerun.promotion.id, ci), rejectsWith(PromotionErrorCode.Conflict, 409));

    const cancelled = await engine.cancel(rerun.promotion.id, person('carol'));
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.reason, 'cancelled by carol');
    await assert.rejects(
      engine.cancel(rerun.promotion.id, ci),
      rejectsWith(PromotionErrorCode.Conflict, 409),
    );
    assert.deepEqual(await timelineKinds(engine, rerun.promotion.id), [
      AuditKind.Accepted,
      AuditKind.AwaitingApproval,
      AuditKind.Cancelled,
    ]);
    await assert.rejects(
      engine.approve('no-such-id', person('alice')),
      rejectsWith(PromotionErrorCode.NotFound, 404),
    );
  });

  test('rollback points the mutable tag back at the digest of the promotion named', async () => {
    const first = await pushSource('mutable/app', 'v1', 'lifecycle-rollback-1');
    const one = await engine.accept(request('mutable/app', 'v1'), ci);
    await waitForStatus(engine, one.promotion.id, 'succeeded');
    // The tag already points there: nothing to roll back.
    await assert.rejects(
      engine.rollback(one.promotion.id, ci),
      rejectsWith(PromotionErrorCode.AlreadyCurrent, 409),
    );

    const second = await pushSource('mutable/app', 'v1', 'lifecycle-rollback-2');
    const two = await engine.accept(request('mutable/app', 'v1'), ci);
    assert.equal(two.created, true);
    await waitForStatus(engine, two.promotion.id, 'succeeded');
    assert.equal(await prodDigest('mutable/app', 'v1'), second.manifestDigest);

    const back = await engine.rollback(one.promotion.id, person('alice'));
    assert.equal(back.created, true);
    assert.equal(back.promotion.kind, 'rollback');
    assert.equal(back.promotion.rollbackOf, one.promotion.id);
    assert.equal(back.promotion.source.digest, first.manifestDigest);
    // Taken from production, not from non-prod.
    assert.equal(back.promotion.source.registry, prod.host);
    const done = await waitForStatus(engine, back.promotion.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(await prodDigest('mutable/app', 'v1'), first.manifestDigest);
    // Rolling back to the second promotion goes forward to its digest.
    const forward = await engine.rollback(two.promotion.id, ci);
    assert.equal(forward.promotion.source.digest, second.manifestDigest);
    await waitForStatus(engine, forward.promotion.id, 'succeeded');
    assert.equal(await prodDigest('mutable/app', 'v1'), second.manifestDigest);

    // Immutable tags without a release tag never move: refused up front.
    await pushSource('team-a/fixed', 'v1', 'lifecycle-rollback-fixed');
    const fixed = await engine.accept(request('team-a/fixed', 'v1'), ci);
    await waitForStatus(engine, fixed.promotion.id, 'succeeded');
    await assert.rejects(
      engine.rollback(fixed.promotion.id, ci),
      rejectsWith(PromotionErrorCode.NotRollbackable, 409),
    );
  });

  test('a redelivered webhook gets the first delivery’s promotion and creates nothing', async () => {
    await pushSource('team-a/hook', 'v1', 'lifecycle-hook');
    const hook = (deliveryId: string): PromotionRequest =>
      request('team-a/hook', 'v1', { trigger: { kind: 'standard-webhook', actor: 'ci-hook', deliveryId } });
    const actor: Actor = { name: 'ci-hook', kind: 'webhook' };
    const first = await engine.accept(hook('msg_1'), actor);
    assert.equal(first.created, true);
    assert.equal(first.promotion.deliveryId, 'msg_1');
    const replay = await engine.accept(hook('msg_1'), actor);
    assert.deepEqual([replay.created, replay.promotion.id], [false, first.promotion.id]);
    // A different delivery of an equal request finds the same promotion; its own replay does too.
    const other = await engine.accept(hook('msg_2'), actor);
    assert.deepEqual([other.created, other.promotion.id], [false, first.promotion.id]);
    await waitForStatus(engine, first.promotion.id, 'succeeded');
    const otherReplay = await engine.accept(hook('msg_2'), actor);
    assert.deepEqual([otherReplay.created, otherReplay.promotion.id], [false, first.promotion.id]);
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM promotions WHERE source_repository = 'team-a/hook'",
    );
    assert.equal(rows[0]!.n, 1);
  });

  test('list filters by repository, status and digest; a bad cursor is the caller’s mistake', async () => {
    const page = await engine.list({ repository: 'team-a/app', status: 'succeeded' });
    assert.equal(page.promotions.length, 1);
    const digest = page.promotions[0]!.source.digest;
    assert.equal((await engine.list({ digest })).promotions[0]?.id, page.promotions[0]!.id);
    await assert.rejects(engine.list({ cursor: 'garbage' }), (err) =>
      hasCode(err, PromotionErrorCode.InvalidRequest),
    );
  });
});
