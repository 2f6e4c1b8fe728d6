import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTIFY_EVENTS, notificationSchema } from '../../api/notification.ts';
import type { NotifyTarget } from '../config/schema.ts';
import type { Promotion } from '../store/promotion.ts';
import { buildNotificationBody, eventForStatus } from './notification-event.ts';
import { scrub, urlSecrets } from './scrub.ts';
import { targetsFor } from './target-filter.ts';
import { notificationWebhookId } from './webhook-id.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;

function samplePromotion(overrides: Partial<Promotion> = {}): Promotion {
  const at = new Date('2025-01-02T03:04:05Z');
  return {
    id: '0194-promo',
    kind: 'promotion',
    requesterKey: null,
    releaseTag: null,
    rule: 'team-a-to-prod',
    source: {
      environment: 'nonprod',
      registry: 'reg.nonprod',
      repository: 'team-a/app',
      tag: 'abc123',
      digest: DIGEST,
    },
    destination: { environment: 'prod', registry: 'reg.prod', repository: 'team-a/app', tag: 'abc123' },
    status: 'succeeded',
    reason: null,
    requestedBy: 'ci',
    triggerKind: 'standard-webhook',
    deliveryId: 'msg_private',
    approvalsRequired: 0,
    attempts: 1,
    resultDigest: DIGEST,
    bytes: { copied: 10, mounted: 20, skipped: 30 },
    rollbackOf: null,
    rerunOf: null,
    supersededBy: null,
    gitCommit: 'abc123',
    labels: { 'ci/url': 'https://ci.internal/job/1' },
    createdAt: at,
    updatedAt: at,
    startedAt: at,
    finishedAt: at,
    ...overrides,
  };
}

test('each terminal status announces its own event; running announces none', () => {
  assert.equal(eventForStatus('succeeded'), 'succeeded');
  assert.equal(eventForStatus('failed'), 'failed');
  assert.equal(eventForStatus('rejected'), 'rejected');
  assert.equal(eventForStatus('cancelled'), 'cancelled');
  assert.equal(eventForStatus('awaiting_approval'), 'awaiting-approval');
  assert.equal(eventForStatus('queued'), 'requested');
  assert.equal(eventForStatus('running'), undefined);
});

test('the body is the envelope with the promotion’s public fields only', () => {
  const body = buildNotificationBody(samplePromotion(), 'succeeded', {
    at: new Date('2025-01-02T03:04:06Z'),
    url: 'https://ferry.example/promotions/0194-promo',
  });
  assert.deepEqual(body, {
    type: 'promotion.succeeded',
    timestamp: '2025-01-02T03:04:06.000Z',
    data: {
      id: '0194-promo',
      rule: 'team-a-to-prod',
      status: 'succeeded',
      reason: null,
      source: {
        environment: 'nonprod',
        registry: 'reg.nonprod',
        repository: 'team-a/app',
        tag: 'abc123',
        digest: DIGEST,
      },
      destination: { environment: 'prod', registry: 'reg.prod', repository: 'team-a/app', tag: 'abc123' },
      resultDigest: DIGEST,
      requestedBy: 'ci',
      bytes: { copied: 10, mounted: 20, skipped: 30 },
      url: 'https://ferry.example/promotions/0194-promo',
    },
  });
  // Labels and delivery ids stay inside ferry.
  assert.doesNotMatch(JSON.stringify(body), /ci\.internal|msg_private/);
  assert.equal('url' in buildNotificationBody(samplePromotion(), 'failed', { at: new Date() }).data, false);
});

test('every event’s body follows the contract the OpenAPI document publishes (webhooks.promotionEvent)', () => {
  for (const event of NOTIFY_EVENTS) {
    for (const url of [undefined, 'https://ferry.example/api/v1/promotions/0194-promo']) {
      const body = JSON.parse(
        JSON.stringify(buildNotificationBody(samplePromotion(), event, { at: new Date(), url })),
      );
      const parsed = notificationSchema.safeParse(body);
      assert.ok(parsed.success, `${event}: ${parsed.error?.message}`);
    }
  }
});

test('webhook ids are stable per (promotion, event, target) and differ otherwise', () => {
  const id = notificationWebhookId('p1', 'succeeded', 'slack');
  assert.match(id, /^msg_[A-Za-z0-9_-]{32}$/);
  assert.equal(notificationWebhookId('p1', 'succeeded', 'slack'), id);
  assert.notEqual(notificationWebhookId('p1', 'failed', 'slack'), id);
  assert.notEqual(notificationWebhookId('p1', 'succeeded', 'teams'), id);
  assert.notEqual(notificationWebhookId('p2', 'succeeded', 'slack'), id);
});

test('targets are filtered by event and by rule', () => {
  const target = (name: string, events: NotifyTarget['events'], promotions?: string[]): NotifyTarget => ({
    name,
    url: `https://hooks.example/${name}`,
    events,
    ...(promotions === undefined ? {} : { promotions }),
  });
  const targets = [
    target('all', ['succeeded', 'failed', 'rejected']),
    target('failures', ['failed']),
    target('other-rule', ['succeeded'], ['team-b-to-prod']),
    target('this-rule', ['succeeded'], ['team-a-to-prod']),
  ];
  assert.deepEqual(
    targetsFor(targets, 'team-a-to-prod', 'succeeded').map((t) => t.name),
    ['all', 'this-rule'],
  );
  assert.deepEqual(
    targetsFor(targets, 'team-a-to-prod', 'failed').map((t) => t.name),
    ['all', 'failures'],
  );
  // Not subscribable in ferry.yaml (yet): nobody gets it.
  assert.deepEqual(targetsFor(targets, 'team-a-to-prod', 'cancelled'), []);
});

test('scrub removes secrets and the URL (whole and its path) from error text', () => {
  const url = 'https://hooks.example/services/T000/B000/XXXXSECRET';
  const text = `POST ${url} failed; path /services/T000/B000/XXXXSECRET; key whsec_c2VjcmV0`;
  const out = scrub(text, ['whsec_c2VjcmV0', ...urlSecrets(url)]);
  assert.doesNotMatch(out, /XXXXSECRET|whsec_/);
  assert.equal(scrub('a b c', ['a', undefined]), 'a b c');
});
