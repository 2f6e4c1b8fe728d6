import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPath, MAX_QUOTED_LENGTH, quoteValue } from './quote-value.ts';

test('quoteValue quotes, escapes controls and non-ASCII, and truncates', () => {
  assert.equal(quoteValue('team-a/app'), '"team-a/app"');
  assert.equal(quoteValue('a\nb\u001b[31m'), '"a\\nb\\u001b[31m"');
  assert.equal(quoteValue('caf\u00e9\u009b'), '"caf\\\\u00e9\\\\u009b"');
  const long = quoteValue('x'.repeat(1000));
  assert.equal(long, `"${'x'.repeat(MAX_QUOTED_LENGTH)}…"`);
  assert.equal(quoteValue('abcdef', 3), '"abc…"');
});

test('quoteValue redacts a pasted password before truncating', () => {
  const shown = quoteValue('user:hunter2hunter2@registry.example.com/team/app:1.0');
  assert.doesNotMatch(shown, /hunter2/);
  assert.match(shown, /user:\*\*\*@registry/);
});

test('formatPath renders schema paths with untrusted keys quoted', () => {
  assert.equal(formatPath([]), '(body)');
  assert.equal(formatPath(['source', 'repository']), 'source.repository');
  assert.equal(formatPath(['env', 2, 'value']), 'env[2].value');
  assert.equal(formatPath(['labels', 'ci/url']), 'labels["ci/url"]');
  assert.equal(formatPath(['labels', 'a\nb']), 'labels["a\\nb"]');
  assert.equal(formatPath(['x', 'k'.repeat(100)]), `x["${'k'.repeat(40)}…"]`);
});
