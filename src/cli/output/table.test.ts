import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAge } from './age.ts';
import { renderTable } from './table.ts';

interface Row {
  readonly id: string;
  readonly rule: string;
  readonly note: string;
}

const columns = [
  { header: 'ID', cell: (r: Row) => r.id },
  { header: 'RULE', cell: (r: Row) => r.rule, shrink: true },
  { header: 'NOTE', cell: (r: Row) => r.note, shrink: true },
];

test('columns are aligned under their headers, two spaces apart, no trailing blanks', () => {
  const text = renderTable(
    [
      { id: 'a1', rule: 'team-a-to-prod', note: '' },
      { id: 'b22', rule: 'x', note: 'hello' },
    ],
    columns,
  );
  assert.equal(text, 'ID   RULE            NOTE\na1   team-a-to-prod\nb22  x               hello\n');
});

test('on a terminal the shrinkable columns give way, widest first, marked with …', () => {
  const rows = [{ id: 'abcdef12', rule: 'a-very-long-rule-name-indeed', note: 'short note' }];
  const text = renderTable(rows, columns, 40);
  for (const line of text.trimEnd().split('\n')) assert.ok(line.length <= 40, line);
  assert.match(text, /abcdef12 {2}a-very-long-rule-… {2}short note/);
  assert.match(text, /short note/);
});

test('control characters from the server are escaped, never written raw', () => {
  const text = renderTable([{ id: '1', rule: 'evil\u001b[2J', note: 'x' }], columns);
  assert.ok(!text.includes('\u001b'));
  assert.match(text, /evil\\u001b\[2J/);
});

test('ages: seconds, minutes, hours, days', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  assert.equal(formatAge('2026-12-07T09:59:15Z', now), '45s');
  assert.equal(formatAge('2026-12-07T09:48:00Z', now), '12m');
  assert.equal(formatAge('2026-12-07T07:00:00Z', now), '3h');
  assert.equal(formatAge('2026-12-01T10:00:00Z', now), '6d');
  assert.equal(formatAge('2026-12-07T10:00:05Z', now), '0s', 'a clock slightly ahead is not negative');
});
