import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GoTime } from './go-time.ts';

test('RFC 3339 times render like Go MarshalJSON and String()', () => {
  const utc = GoTime.parse('2024-01-01T00:00:00.500000000Z')!;
  assert.equal(utc.toJSON(), '2024-01-01T00:00:00.5Z');
  assert.equal(utc.toString(), '2024-01-01 00:00:00.5 +0000 UTC');
  const offset = GoTime.parse('2023-06-01T10:20:30+02:00')!;
  assert.equal(offset.toJSON(), '2023-06-01T10:20:30+02:00');
  assert.equal(offset.toString(), '2023-06-01 10:20:30 +0200 +0200');
  assert.equal(GoTime.parse('yesterday'), undefined);
});
