import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactTime, relativeTime } from './relative-time.ts';

const now = Date.parse('2026-12-07T12:00:00Z');

test('relative times in the largest whole unit', () => {
  assert.equal(relativeTime('2026-12-07T11:59:55Z', now), 'just now');
  assert.equal(relativeTime('2026-12-07T11:59:30Z', now), '30 sec. ago');
  assert.equal(relativeTime('2026-12-07T11:57:00Z', now), '3 min. ago');
  assert.equal(relativeTime('2026-12-07T09:00:00Z', now), '3 hr. ago');
  assert.equal(relativeTime('2026-12-06T12:00:00Z', now), 'yesterday');
  assert.equal(relativeTime('2026-11-07T12:00:00Z', now), 'last mo.');
});

test('the exact time is UTC to the second; garbage passes through', () => {
  assert.equal(exactTime('2026-12-07T11:38:33.123Z'), '2026-12-07 11:38:33 UTC');
  assert.equal(exactTime('not a time'), 'not a time');
  assert.equal(relativeTime('not a time', now), 'not a time');
});
