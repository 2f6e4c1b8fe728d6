import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { RetryBudget, RetryLaterError, withRetry } from './retry.ts';

const fast = { baseMs: 1, maxMs: 4 };
const temporary = () => new FerryError(ErrorCode.Network, 'reset', { temporary: true });

describe('withRetry', () => {
  test('retries temporary failures and returns the first success', async () => {
    let calls = 0;
    const result = await withRetry({ times: 3, backoff: fast }, async () => {
      calls++;
      if (calls < 3) throw temporary();
      return 'done';
    });
    assert.equal(result, 'done');
    assert.equal(calls, 3);
  });

  test('gives up after policy.times retries with the last error; the last attempt knows it is last', async () => {
    const seen: Array<{ attempt: number; last: boolean }> = [];
    await assert.rejects(
      withRetry({ times: 2, backoff: fast }, async (a) => {
        seen.push(a);
        throw temporary();
      }),
      /reset/,
    );
    assert.deepEqual(seen, [
      { attempt: 0, last: false },
      { attempt: 1, last: false },
      { attempt: 2, last: true },
    ]);
  });

  test('a permanent failure is thrown at once', async () => {
    let calls = 0;
    await assert.rejects(
      withRetry({ times: 5, backoff: fast }, async () => {
        calls++;
        throw new FerryError(ErrorCode.Auth, 'denied');
      }),
      /denied/,
    );
    assert.equal(calls, 1);
  });

  test('a custom retryable decides; onRetry hears each wait with the configured backoff', async () => {
    const notices: number[] = [];
    let calls = 0;
    await withRetry(
      { times: 3, backoff: { baseMs: 8, maxMs: 100 } },
      async () => {
        calls++;
        if (calls < 4) throw new Error('plain');
        return undefined;
      },
      { retryable: () => true, random: () => 1, onRetry: (n) => notices.push(n.delayMs) },
    );
    assert.deepEqual(notices, [8, 16, 32]);
  });

  test("a RetryLaterError's Retry-After wins over the computed delay", async () => {
    const delays: number[] = [];
    let calls = 0;
    await withRetry(
      { times: 1, backoff: { baseMs: 5000, maxMs: 5000, maxRetryAfterMs: 10 } },
      async () => {
        if (calls++ === 0) throw new RetryLaterError('status 429', '1');
        return undefined;
      },
      { onRetry: (n) => delays.push(n.delayMs) },
    );
    // 1 s asked for, capped by maxRetryAfterMs: the server's hint, not the 5 s backoff.
    assert.deepEqual(delays, [10]);
  });

  test('an aborted signal stops retrying', async () => {
    const controller = new AbortController();
    let calls = 0;
    await assert.rejects(
      withRetry(
        { times: 5, backoff: fast },
        async () => {
          calls++;
          controller.abort();
          throw temporary();
        },
        { signal: controller.signal },
      ),
      /reset/,
    );
    assert.equal(calls, 1);
  });
});

describe('RetryBudget', () => {
  test('counts what is used and rethrows once exhausted', async () => {
    const budget = new RetryBudget({ times: 1, backoff: fast });
    assert.equal(budget.exhausted, false);
    await budget.backOff(temporary());
    assert.equal(budget.used, 1);
    assert.equal(budget.exhausted, true);
    const err = temporary();
    await assert.rejects(budget.backOff(err), (e) => e === err);
  });
});
