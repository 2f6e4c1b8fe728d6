import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoDuration } from './go-duration.ts';

test('Go duration syntax: units, fractions, sums, sign and the bare zero', () => {
  assert.equal(parseGoDuration('300ms'), 300);
  assert.equal(parseGoDuration('2s'), 2000);
  assert.equal(parseGoDuration('1.5h'), 5_400_000);
  assert.equal(parseGoDuration('2h45m'), 9_900_000);
  assert.equal(parseGoDuration('1m0.5s'), 60_500);
  assert.equal(parseGoDuration('1500us'), 1.5);
  assert.equal(parseGoDuration('-1s'), -1000);
  assert.equal(parseGoDuration('0'), 0);
});

test('anything else is refused with Go wording, naming the value', () => {
  for (const bad of ['', '5', '10 s', 's', '1d', '1h-5m', '--1s', 'abc']) {
    assert.throws(() => parseGoDuration(bad), { message: `time: invalid duration ${JSON.stringify(bad)}` });
  }
});
