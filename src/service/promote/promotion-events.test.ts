import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PromotionEvents } from './promotion-events.ts';
import type { PromotionUpdate } from './promotion-service.ts';

const progress = (promotionId: string): PromotionUpdate => ({
  type: 'progress',
  promotionId,
  bytes: 1,
  totalBytes: 2,
  blobs: [],
});

test('subscribers get their promotion’s updates (or all), a throwing listener does not stop the others', () => {
  const errors: unknown[] = [];
  const events = new PromotionEvents({ onListenerError: (err) => errors.push(err) });
  const one: PromotionUpdate[] = [];
  const all: PromotionUpdate[] = [];
  const offOne = events.subscribe('p1', (u) => one.push(u));
  events.subscribe('p1', () => {
    throw new Error('listener bug');
  });
  const offAll = events.subscribe(undefined, (u) => all.push(u));
  events.publish(progress('p1'));
  events.publish(progress('p2'));
  assert.equal(one.length, 1);
  assert.equal(all.length, 2);
  assert.equal(errors.length, 1);
  offOne();
  offOne();
  offAll();
  events.publish(progress('p1'));
  assert.equal(one.length, 1);
  assert.equal(events.listenerCount, 1);
});
