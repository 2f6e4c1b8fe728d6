import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { verifyStandardWebhook } from '../../src/api/standard-webhooks.ts';
import type { NotifyTarget } from '../../src/service/config/schema.ts';
import { createMetrics } from '../../src/service/http/metrics.ts';
import { createNotifier } from '../../src/service/notify/notifier.ts';
import { observePromotions } from '../../src/service/observe-promotions.ts';
import type { Actor } from '../../src/service/promote/promotion-service.ts';
import { resolveRequest } from '../../src/service/promote/resolve-request.ts';
import { listNotifications } from '../../src/service/store/notification-store.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { rigConfig, sharedEngine, waitForStatus } from './service-harness.ts';

/*
 * The notifications `ferry serve` sends for a promotion's milestones, through the wiring main.ts uses
 * (observePromotions over the real engine, the real notifier, the real store): every configured event,
 * `requested` and `approved` included, is POSTed signed and every attempt is recorded.
 */

const SECRET = `whsec_${Buffer.from('notify-lifecycle-secret-0123456789').toString('base64')}`;

// Torn down in reverse: the engine stops before its database closes, the rig goes last.
const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const temp = await makeTempDir('promote-notify');
cleanup(() => temp.remove());

const rigSetup = await rigConfig({
  nonprod: rig.anonymous!,
  prod: rig.basicTls!,
  dir: temp.path,
  rules: [
    { name: 'team-a', from: 'nonprod:team-a/*', to: 'prod:team-a/*', tags: 'v[0-9]+' },
    {
      name: 'payments',
      from: 'nonprod:payments/*',
      to: 'prod:payments/*',
      tags: 'v[0-9]+',
      approvals: { required: 1, approvers: ['alice'] },
    },
  ],
});

interface Received {
  readonly type: string;
  readonly id: string;
  readonly webhookId: string;
}

const received: Received[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    verifyStandardWebhook({ headers: req.headers, rawBody: raw, secrets: [SECRET] });
    const body = JSON.parse(raw.toString('utf8')) as { type: string; data: { id: string } };
    received.push({ type: body.type, id: body.data.id, webhookId: String(req.headers['webhook-id']) });
    res.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
cleanup(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
const target: NotifyTarget = {
  name: 'receiver',
  url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
  secret: { env: 'FERRY_TEST_NOTIFY_SECRET' },
  events: ['requested', 'awaiting-approval', 'approved', 'rejected', 'succeeded', 'failed', 'cancelled'],
};

const { db, harness } = await sharedEngine(cleanup, rigSetup);
const notifier = createNotifier({
  config: { notify: [target] },
  db,
  env: { FERRY_TEST_NOTIFY_SECRET: SECRET },
  // One delivery at a time: the receiver then sees events in the order they were announced.
  concurrency: 1,
  backoff: { baseMs: 20, maxMs: 100, maxRetryAfterMs: 1000 },
});
cleanup(() => notifier.stop());
const metrics = createMetrics();
const unsubscribe = observePromotions({ engine: harness.engine, metrics, notifier });
cleanup(unsubscribe);

const ci: Actor = { name: 'ci', kind: 'token' };

async function typesFor(id: string, count: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (received.filter((r) => r.id === id).length < count && Date.now() < deadline) await sleep(20);
  await notifier.idle();
  return received.filter((r) => r.id === id).map((r) => r.type);
}

test('requested, awaiting-approval, approved and succeeded are sent signed and recorded', async () => {
  const image = await buildImage({ layers: [4_000], seed: 'notify-approved' });
  await pushImage(rig.anonymous!, 'payments/app', 'v1', image);
  const { promotion } = await harness.engine.accept(
    resolveRequest(rigSetup.config, {
      source: { environment: 'nonprod', repository: 'payments/app', tag: 'v1' },
      trigger: { kind: 'api', actor: 'ci' },
    }),
    ci,
  );
  assert.equal(promotion.status, 'awaiting_approval');
  assert.deepEqual(await typesFor(promotion.id, 2), ['promotion.requested', 'promotion.awaiting-approval']);

  await harness.engine.approve(promotion.id, { name: 'alice', kind: 'token' });
  await waitForStatus(harness.engine, promotion.id, 'succeeded');
  const types = await typesFor(promotion.id, 4);
  assert.deepEqual(types, [
    'promotion.requested',
    'promotion.awaiting-approval',
    'promotion.approved',
    'promotion.succeeded',
  ]);
  const ids = received.filter((r) => r.id === promotion.id).map((r) => r.webhookId);
  assert.equal(new Set(ids).size, 4, 'one webhook-id per event');

  const records = await listNotifications(db, promotion.id);
  assert.deepEqual(
    records.map((r) => [r.target, r.event, r.attempt, r.statusCode]),
    [
      ['receiver', 'requested', 1, 204],
      ['receiver', 'awaiting-approval', 1, 204],
      ['receiver', 'approved', 1, 204],
      ['receiver', 'succeeded', 1, 204],
    ],
  );
  assert.match((await metrics.expose()).body, /ferry_promotions_total\{outcome="succeeded"\} 1\n/);
});

test('a promotion without approvals announces requested then its outcome, never approved', async () => {
  const image = await buildImage({ layers: [4_000], seed: 'notify-direct' });
  await pushImage(rig.anonymous!, 'team-a/app', 'v1', image);
  const { promotion } = await harness.engine.accept(
    resolveRequest(rigSetup.config, {
      source: { environment: 'nonprod', repository: 'team-a/app', tag: 'v1' },
      trigger: { kind: 'api', actor: 'ci' },
    }),
    ci,
  );
  await waitForStatus(harness.engine, promotion.id, 'succeeded');
  assert.deepEqual(await typesFor(promotion.id, 2), ['promotion.requested', 'promotion.succeeded']);
  const records = await listNotifications(db, promotion.id);
  assert.deepEqual(
    records.map((r) => r.event),
    ['requested', 'succeeded'],
  );
});
