import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration } from '../../src/cli/trigger/duration.ts';
import { hasCode } from '../../src/errors/ferry-error.ts';

test('parses Go-style durations', () => {
  assert.equal(parseDuration('90s', '--timeout'), 90_000);
  assert.equal(parseDuration('15m', '--timeout'), 900_000);
  assert.equal(parseDuration('1h', '--timeout'), 3_600_000);
  assert.equal(parseDuration('1h30m', '--timeout'), 5_400_000);
  assert.equal(parseDuration('250ms', '--timeout'), 250);
  assert.equal(parseDuration('1.5s', '--timeout'), 1_500);
  assert.equal(parseDuration(' 2m ', '--timeout'), 120_000);
});

test('refuses bare numbers, unknown units, zero and absurd values, naming the flag', () => {
  for (const bad of ['15', '15 m', '1d', '-1s', '0s', 'm', '', '200h']) {
    assert.throws(
      () => parseDuration(bad, '--timeout'),
      (err) => hasCode(err, 'FERRY_E_BAD_USAGE') && /^--timeout /.test((err as Error).message),
      bad,
    );
  }
});

test('formats the shortest exact rendering', () => {
  assert.equal(formatDuration(250), '250ms');
  assert.equal(formatDuration(90_000), '1m30s');
  assert.equal(formatDuration(900_000), '15m');
  assert.equal(formatDuration(5_400_000), '1h30m');
  assert.equal(formatDuration(1_500), '1.5s');
});
