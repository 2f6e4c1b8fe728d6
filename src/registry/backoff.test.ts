import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffDelay, parseRetryAfter, retryDelay } from './backoff.ts';

const zero = () => 0;
const one = () => 1;

describe('backoffDelay', () => {
  test('bounds: half the ceiling with random 0, the full ceiling with random 1', () => {
    assert.equal(backoffDelay(0, {}, zero), 100);
    assert.equal(backoffDelay(0, {}, one), 200);
    assert.equal(
      backoffDelay(0, {}, () => 0.5),
      150,
    );
  });

  test('grows exponentially per attempt', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((a) => backoffDelay(a, {}, one)),
      [200, 400, 800, 1600, 3200],
    );
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((a) => backoffDelay(a, {}, zero)),
      [100, 200, 400, 800, 1600],
    );
  });

  test('is capped at maxMs (default 10 s), even for huge attempts', () => {
    assert.equal(backoffDelay(6, {}, one), 10_000); // 200 * 64 = 12 800 → capped
    assert.equal(backoffDelay(6, {}, zero), 5_000);
    assert.equal(backoffDelay(50, {}, one), 10_000);
    assert.equal(backoffDelay(5000, {}, one), 10_000);
    assert.equal(backoffDelay(5000, {}, zero), 5_000);
  });

  test('options override base and cap', () => {
    assert.equal(backoffDelay(0, { baseMs: 1000 }, one), 1000);
    assert.equal(backoffDelay(3, { baseMs: 10, maxMs: 50 }, one), 50);
    assert.equal(backoffDelay(3, { baseMs: 10, maxMs: 50 }, zero), 25);
    assert.equal(backoffDelay(2, { baseMs: 10, maxMs: 1000 }, one), 40);
  });

  test('every delay with real randomness lies within [ceiling/2, ceiling]', () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const ceiling = Math.min(10_000, 200 * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const ms = backoffDelay(attempt);
        assert.ok(ms >= ceiling / 2 && ms <= ceiling, `${attempt}: ${ms}`);
      }
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  test('delta-seconds', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 5 ', now), 5_000);
    assert.equal(parseRetryAfter('0', now), 0);
  });

  test('HTTP-date relative to the injected now; past dates give 0', () => {
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:30:00 GMT', now), 120_000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now), 0);
  });

  test('absent or garbage → undefined', () => {
    for (const v of [undefined, '', '   ', 'soon', 'in a minute', '10 seconds']) {
      assert.equal(parseRetryAfter(v, now), undefined, JSON.stringify(v));
    }
  });

  test('values that are neither delta-seconds nor an HTTP-date → undefined', () => {
    for (const v of ['1.5', '-1', '+5', 'abc 1']) {
      assert.equal(parseRetryAfter(v, now), undefined, JSON.stringify(v));
    }
  });
});

describe('retryDelay', () => {
  test('prefers Retry-After over backoff', () => {
    assert.equal(retryDelay(0, '3', {}, one), 3_000);
    assert.equal(retryDelay(5, '0', {}, one), 0);
  });

  test('caps Retry-After (default 60 s, configurable)', () => {
    assert.equal(retryDelay(0, '3600', {}, one), 60_000);
    assert.equal(retryDelay(0, '3600', { maxRetryAfterMs: 5_000 }, one), 5_000);
    assert.equal(retryDelay(0, 'Fri, 01 Jan 2999 00:00:00 GMT', {}, one), 60_000);
  });

  test('falls back to jittered backoff without (or with garbage) Retry-After', () => {
    assert.equal(retryDelay(2, undefined, {}, one), 800);
    assert.equal(retryDelay(2, undefined, {}, zero), 400);
    assert.equal(retryDelay(2, 'whenever', {}, zero), 400);
    assert.equal(retryDelay(10, undefined, { maxMs: 2_000 }, one), 2_000);
  });

  test('a malformed Retry-After does not short-circuit backoff', () => {
    assert.equal(retryDelay(2, '1.5', {}, zero), 400);
  });
});
