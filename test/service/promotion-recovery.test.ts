import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditKind } from '../../src/service/promote/audit-kinds.ts';
import type { PromotionLogger } from '../../src/service/promote/engine-context.ts';
import { PROMOTE_JOB, type PromoteJobPayload } from '../../src/service/promote/promote-job.ts';
import { type ResolvedRequest, resolveRequest } from '../../src/service/promote/resolve-request.ts';
import { transition } from '../../src/service/store/promotion-transition.ts';
import { pgliteTestBackend } from '../../src/service/store/test-backends.ts';
import type { FaultProxy } from '../rig/fault-proxy.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { openEngine, PROD_PASSWORD_ENV, rigConfig, timelineKinds, waitForStatus } from './service-harness.ts';

/*
 * What happens when things go wrong: registry errors that pass (retry with backoff) or do not (retries
 * run out), a cancel during the copy, ferry stopping mid-copy and a process that died mid-copy — the
 * last two must resume on the next start from the same data directory.
 *
 * `flaky` and `slow` are prod seen through fault proxies (plain HTTP in front of the TLS registry).
 */

// Torn down in reverse: engines stop before their databases close, the rig goes last.
const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const nonprod = rig.anonymous!;
const prod = rig.basicTls!;
const temp = await makeTempDir('promote-recovery');
cleanup(() => temp.remove());
const flaky = await rig.startFaultProxy(prod.url, { caPem: prod.caPem });
const slow = await rig.startFaultProxy(prod.url, { caPem: prod.caPem });

const config = await rigConfig({
  nonprod,
  prod,
  dir: temp.path,
  proxies: { flaky: flaky.host, slow: slow.host },
  rules: [
    { name: 'flaky', from: 'nonprod:flaky/*', to: 'flaky:flaky/*', tags: 'v[0-9]+' },
    { name: 'slow', from: 'nonprod:slow/*', to: 'slow:slow/*', tags: 'v[0-9]+' },
  ],
});

const backend = pgliteTestBackend();
cleanup(() => backend.dispose());

const ci = { name: 'ci', kind: 'token' } as const;

function request(repository: string, tag = 'v1'): ResolvedRequest {
  const asked = {
    source: { environment: 'nonprod', repository, tag },
    trigger: { kind: 'api' as const, actor: 'ci' },
  };
  return resolveRequest(config.config, asked);
}

async function pushSource(repository: string, seed: string, layers = [30_000, 10_000]) {
  const image = await buildImage({ layers, seed });
  await pushImage(nonprod, repository, 'v1', image);
  return image;
}

async function prodDigest(repository: string): Promise<string | undefined> {
  const found = await rigGetManifest(prod, repository, 'v1');
  return found.status === 200 ? found.digest : undefined;
}

/** Blob requests through `proxy` hang for a while: a copy that is still running when we act. */
function slowBlobs(proxy: FaultProxy) {
  return proxy.addFault({
    path: /\/blobs\//,
    kind: 'delay',
    delayMs: 10_000,
    times: Number.POSITIVE_INFINITY,
  });
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('promotion recovery on real registries', () => {
  test('a temporary registry failure is retried with backoff until the promotion succeeds', async (t) => {
    const step = teardown((hook) => t.after(hook));
    const { db } = await backend.fresh();
    step(() => db.close());
    const harness = await openEngine(db, config);
    step(() => harness.close());
    const image = await pushSource('flaky/app', 'recovery-flaky');
    // More 503s than the transport retries in one attempt (1 + 2 tries): the job itself must retry.
    const fault = flaky.addFault({
      method: 'PUT',
      path: /\/v2\/flaky\/app\/manifests\//,
      kind: 'status',
      status: 503,
      times: 4,
    });

    const { promotion } = await harness.engine.accept(request('flaky/app'), ci);
    const done = await waitForStatus(harness.engine, promotion.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(fault.hits, 4);
    assert.ok(done.attempts >= 2, `attempts: ${done.attempts}`);
    assert.equal(await prodDigest('flaky/app'), image.manifestDigest);
    const timeline = (await harness.engine.get(promotion.id))!.timeline;
    const retries = timeline.filter((e) => e.kind === AuditKind.RetryScheduled);
    assert.equal(retries.length, done.attempts - 1);
    assert.match(String(retries[0]!.detail['reason']), /503/);
    assert.equal(retries[0]!.outcome, 'retry');
    assert.equal(timeline.filter((e) => e.kind === AuditKind.Started).length, done.attempts);
    assert.equal(timeline.at(-1)!.kind, AuditKind.Succeeded);
  });

  test('when the retries run out the promotion fails with the last reason', async (t) => {
    const step = teardown((hook) => t.after(hook));
    const { db } = await backend.fresh();
    step(() => db.close());
    const harness = await openEngine(db, config);
    step(() => harness.close());
    await pushSource('flaky/down', 'recovery-down');
    const fault = flaky.addFault({
      method: 'PUT',
      path: /\/v2\/flaky\/down\/manifests\//,
      kind: 'status',
      status: 503,
      times: Number.POSITIVE_INFINITY,
    });
    step(() => {
      fault.remaining = 0;
    });
    const { promotion } = await harness.engine.accept(request('flaky/down'), ci);
    const done = await waitForStatus(harness.engine, promotion.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'failed');
    // The harness's job kind allows 3 retries: 4 attempts.
    assert.equal(done.attempts, 4);
    assert.match(done.reason ?? '', /503 .*\(gave up after 4 attempts\)/);
    const kinds = await timelineKinds(harness.engine, promotion.id);
    assert.equal(kinds.filter((k) => k === AuditKind.RetryScheduled).length, 3);
    assert.equal(kinds.at(-1), AuditKind.Failed);
  });

  test('cancel during the copy aborts it; the tag is never written', async (t) => {
    const step = teardown((hook) => t.after(hook));
    const { db } = await backend.fresh();
    step(() => db.close());
    const harness = await openEngine(db, config);
    step(() => harness.close());
    await pushSource('slow/cancel', 'recovery-cancel');
    const fault = slowBlobs(slow);
    step(() => {
      fault.remaining = 0;
    });
    const { promotion } = await harness.engine.accept(request('slow/cancel'), ci);
    await waitForStatus(harness.engine, promotion.id, 'running');
    await until(() => fault.hits > 0, 'the copy to reach the slow registry');

    const started = Date.now();
    const cancelled = await harness.engine.cancel(promotion.id, { name: 'alice', kind: 'token' });
    assert.ok(Date.now() - started < 5_000, 'the copy was aborted, not waited for');
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.reason, 'cancelled by alice');
    const timeline = (await harness.engine.get(promotion.id))!.timeline;
    assert.deepEqual(
      timeline.map((e) => `${e.kind}:${e.actor}`),
      ['accepted:ci', 'started:ferry', 'cancelled:alice'],
    );
    assert.equal(await prodDigest('slow/cancel'), undefined);
    const depth = (await harness.queue.depth()).find((d) => d.kind === PROMOTE_JOB);
    assert.deepEqual(depth, { kind: PROMOTE_JOB, queued: 0, active: 0, failed: 0 });
  });

  test('stopping ferry mid-copy re-queues the promotion; the next start on the same data dir completes it', async (t) => {
    const step = teardown((hook) => t.after(hook));
    const { db, reopen } = await backend.fresh();
    let current = db;
    step(() => current.close());
    const image = await pushSource('slow/restart', 'recovery-restart', [200_000, 10_000]);
    const fault = slowBlobs(slow);
    step(() => {
      fault.remaining = 0;
    });
    const first = await openEngine(db, config);
    const { promotion } = await first.engine.accept(request('slow/restart'), ci);
    await waitForStatus(first.engine, promotion.id, 'running');
    await until(() => fault.hits > 0, 'the copy to reach the slow registry');

    await first.close({ graceMs: 0 });
    const interrupted = (await first.engine.get(promotion.id))!;
    assert.equal(interrupted.promotion.status, 'queued');
    assert.match(interrupted.promotion.reason ?? '', /interrupted/);
    assert.equal(interrupted.timeline.at(-1)?.kind, AuditKind.Interrupted);
    await db.close();

    fault.remaining = 0;
    current = await reopen();
    const second = await openEngine(current, config);
    step(() => second.close());
    const done = await waitForStatus(second.engine, promotion.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(done.attempts, 2);
    assert.equal(await prodDigest('slow/restart'), image.manifestDigest);
    assert.deepEqual(await timelineKinds(second.engine, promotion.id), [
      AuditKind.Accepted,
      AuditKind.Started,
      AuditKind.Interrupted,
      AuditKind.Started,
      AuditKind.Copied,
      AuditKind.Succeeded,
    ]);
  });

  test('stopping with a grace period lets a running copy finish', async (t) => {
    const step = teardown((hook) => t.after(hook));
    const { db } = await backend.fresh();
    step(() => db.close());
    const harness = await openEngine(db, config);
    step(() => harness.close());
    const image = await pushSource('slow/graceful', 'recovery-graceful');
    const fault = slow.addFault({
      path: /\/v2\/slow\/graceful\/blobs\//,
      kind: 'delay',
      delayMs: 600,
      times: 2,
    });
    const { promotion } = await harness.engine.accept(request('slow/graceful'), ci);
    await waitForStatus(harness.engine, promotion.id, 'running');
    await until(() => fault.hits > 0, 'the copy to reach the slow registry');
    await harness.engine.stop({ graceMs: 20_000 });
    const finished = (await harness.engine.get(promotion.id))!.promotion;
    assert.equal(finished.status, 'succeeded', finished.reason ?? '');
    assert.equal(finished.attempts, 1);
    assert.equal(await prodDigest('slow/graceful'), image.manifestDigest);
  });

  test('a promotion left running by a process that died is taken over at the next start', async (t) => {
    const step = teardown((hook) => t.after(hook));
    const { db, reopen } = await backend.fresh();
    let current = db;
    step(() => current.close());
    const image = await pushSource('flaky/crash', 'recovery-crash');

    // The "dead" process: accepted, its job claimed and the promotion moved to running, then nothing
    // settled — exactly what a kill -9 during the copy leaves behind.
    const dead = await openEngine(db, config, { concurrency: 1 });
    await dead.engine.stop();
    const { promotion } = await dead.engine.accept(request('flaky/crash'), ci);
    const job = await dead.queue.claim<PromoteJobPayload>([PROMOTE_JOB]);
    assert.equal(job?.payload.promotionId, promotion.id);
    await transition(db, promotion.id, ['queued'], 'running', { incrementAttempts: true });
    await dead.queue.stop();
    await dead.registries.destroy();
    await db.close();

    current = await reopen();
    const logs: string[] = [];
    const logger: PromotionLogger = {
      info: (fields, message) => logs.push(`${message} ${JSON.stringify(fields)}`),
      warn: (fields, message) => logs.push(`${message} ${JSON.stringify(fields)}`),
      error: (fields, message) => logs.push(`${message} ${JSON.stringify(fields)}`),
    };
    const next = await openEngine(current, config, { logger });
    step(() => next.close());
    const done = await waitForStatus(next.engine, promotion.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(await prodDigest('flaky/crash'), image.manifestDigest);
    const kinds = await timelineKinds(next.engine, promotion.id);
    assert.deepEqual(kinds, [
      AuditKind.Accepted,
      AuditKind.Resumed,
      AuditKind.Started,
      AuditKind.Copied,
      AuditKind.Succeeded,
    ]);
    assert.ok(logs.some((line) => line.startsWith('interrupted promotion jobs given back')));
    // The prod password (resolved from an env: / file: reference at use time) never reaches a log line.
    assert.ok(!logs.join('\n').includes(config.env[PROD_PASSWORD_ENV]!));
  });
});
