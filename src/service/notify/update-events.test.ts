import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PromotionUpdate } from '../promote/promotion-service.ts';
import type { Promotion, PromotionStatus } from '../store/promotion.ts';
import { eventsForUpdate } from './update-events.ts';

function status(to: PromotionStatus, previous?: PromotionStatus | null): PromotionUpdate {
  return { type: 'status', promotion: { id: 'p1', status: to } as Promotion, previous };
}

test('a created promotion announces requested, and awaiting-approval when it must wait', () => {
  assert.deepEqual(eventsForUpdate(status('queued', null)), ['requested']);
  assert.deepEqual(eventsForUpdate(status('awaiting_approval', null)), ['requested', 'awaiting-approval']);
});

test('the approval that queues a waiting promotion announces approved; a retry back to queued nothing', () => {
  assert.deepEqual(eventsForUpdate(status('queued', 'awaiting_approval')), ['approved']);
  assert.deepEqual(eventsForUpdate(status('queued', 'running')), []);
  assert.deepEqual(eventsForUpdate(status('queued')), []);
  assert.deepEqual(eventsForUpdate(status('running', 'queued')), []);
});

test('terminal statuses announce their outcome whatever they left; audit and progress nothing', () => {
  assert.deepEqual(eventsForUpdate(status('succeeded', 'running')), ['succeeded']);
  assert.deepEqual(eventsForUpdate(status('failed', 'running')), ['failed']);
  assert.deepEqual(eventsForUpdate(status('rejected', 'awaiting_approval')), ['rejected']);
  assert.deepEqual(eventsForUpdate(status('cancelled')), ['cancelled']);
  assert.deepEqual(
    eventsForUpdate({ type: 'progress', promotionId: 'p1', bytes: 1, totalBytes: 2, blobs: [] }),
    [],
  );
});
