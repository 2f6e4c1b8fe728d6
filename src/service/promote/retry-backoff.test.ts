import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RETRY_BACKOFF, retryDelayMs } from './retry-backoff.ts';

test('retry delays double per attempt, are capped, and keep at least half of the step', () => {
  const top = () => 1;
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => retryDelayMs(n, DEFAULT_RETRY_BACKOFF, top)),
    [5_000, 10_000, 20_000, 40_000],
  );
  assert.equal(retryDelayMs(30, DEFAULT_RETRY_BACKOFF, top), 300_000);
  assert.equal(
    retryDelayMs(1, DEFAULT_RETRY_BACKOFF, () => 0),
    2_500,
  );
  assert.equal(retryDelayMs(1, { baseMs: 0, maxMs: 0 }), 0);
});
