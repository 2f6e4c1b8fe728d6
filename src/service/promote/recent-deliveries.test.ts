import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecentDeliveries } from './recent-deliveries.ts';

test('remembers ids per trigger kind and forgets the oldest beyond capacity', () => {
  const recent = new RecentDeliveries(2);
  recent.add('standard', 'a');
  recent.add('github', 'a');
  assert.equal(recent.has('standard', 'a'), true);
  assert.equal(recent.has('rest', 'a'), false);
  recent.add('standard', 'b');
  assert.equal(recent.has('standard', 'a'), false, 'oldest evicted');
  assert.equal(recent.has('github', 'a'), true);
  assert.equal(recent.has('standard', 'b'), true);
});
