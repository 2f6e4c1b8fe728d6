import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergePromotion } from './merge-promotion.ts';
import { testPromotion } from './promotion.testkit.ts';

const older = testPromotion({ id: 'a', createdAt: '2026-12-07T10:00:00.000Z' });
const newer = testPromotion({
  id: 'b',
  createdAt: '2026-12-07T10:05:00.000Z',
  updatedAt: '2026-12-07T10:05:00.000Z',
});
const data = { pages: [{ promotions: [newer, older], nextCursor: null }], pageParams: [null] };

test('a known promotion is replaced in place by a newer state', () => {
  const moved = { ...older, status: 'succeeded' as const, updatedAt: '2026-12-07T10:06:00.000Z' };
  const merged = mergePromotion(data, moved, { status: [] });
  assert.deepEqual(
    merged.pages[0]!.promotions.map((p) => [p.id, p.status]),
    [
      ['b', 'queued'],
      ['a', 'succeeded'],
    ],
  );
  assert.deepEqual(merged.pageParams, [null]);
});

test('an older state never replaces a newer one (events out of order across replicas)', () => {
  const stale = { ...newer, status: 'queued' as const, updatedAt: '2026-12-07T10:04:00.000Z' };
  const current = mergePromotion(
    data,
    { ...newer, status: 'running', updatedAt: '2026-12-07T10:06:00.000Z' },
    {
      status: [],
    },
  );
  assert.equal(mergePromotion(current, stale, { status: [] }).pages[0]!.promotions[0]!.status, 'running');
});

test('a new promotion goes on top when it matches the filters, and nowhere when it does not', () => {
  const fresh = testPromotion({ id: 'c', createdAt: '2026-12-07T10:10:00.000Z' });
  assert.deepEqual(
    mergePromotion(data, fresh, { status: [] }).pages[0]!.promotions.map((p) => p.id),
    ['c', 'b', 'a'],
  );
  assert.equal(mergePromotion(data, fresh, { status: ['failed'] }), data);
});

test('a promotion leaving the filtered statuses leaves the list', () => {
  const done = { ...newer, status: 'succeeded' as const, updatedAt: '2026-12-07T10:07:00.000Z' };
  const merged = mergePromotion(data, done, { status: ['queued'] });
  assert.deepEqual(
    merged.pages[0]!.promotions.map((p) => p.id),
    ['a'],
  );
});
