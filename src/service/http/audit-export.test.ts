import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditEventView } from '../../api/audit-event.ts';
import { csvHeader, csvLines, exportFileName, ndjsonLines } from './audit-export.ts';

const event = (changes: Partial<AuditEventView>): AuditEventView => ({
  id: 7,
  promotionId: '0190f0a0-0000-7000-8000-000000000001',
  at: '2026-12-07T10:00:00.000Z',
  actor: 'jenkins',
  kind: 'accepted',
  digest: `sha256:${'a'.repeat(64)}`,
  outcome: 'ok',
  bytes: null,
  detail: {},
  ...changes,
});

/** A minimal RFC 4180 reader, to check what a spreadsheet would read back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  assert.equal(cell + row.join(''), '', 'the text ends with CRLF');
  return rows;
}

test('the header names the contract’s columns, lines end with CRLF', () => {
  assert.equal(csvHeader(), 'id,at,promotionId,actor,kind,digest,outcome,bytes,detail\r\n');
  assert.equal(
    csvLines([event({ bytes: 1024 })]),
    `7,2026-12-07T10:00:00.000Z,0190f0a0-0000-7000-8000-000000000001,jenkins,accepted,sha256:${'a'.repeat(64)},ok,1024,{}\r\n`,
  );
  assert.equal(csvLines([]), '');
});

test('commas, quotes, CR and LF are quoted per RFC 4180 and read back unchanged', () => {
  const tricky = event({
    actor: 'a "quoted", name',
    detail: { comment: 'line one\nline two\r\nthree', tag: 'x,y' },
    promotionId: null,
    digest: null,
    outcome: null,
  });
  const rows = parseCsv(csvHeader() + csvLines([tricky]));
  assert.equal(rows.length, 2);
  const [header, row] = rows as [string[], string[]];
  const cell = (name: string) => row[header.indexOf(name)];
  assert.equal(cell('actor'), 'a "quoted", name');
  assert.deepEqual(JSON.parse(cell('detail') ?? ''), tricky.detail);
  assert.equal(cell('promotionId'), '');
  assert.equal(cell('digest'), '');
});

test('cells a spreadsheet would run as a formula get a leading apostrophe', () => {
  for (const actor of ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx']) {
    const rows = parseCsv(csvLines([event({ actor })]));
    assert.equal(rows[0]?.[3], `'${actor}`, JSON.stringify(actor));
  }
  // Not at the start: nothing to neutralise.
  assert.equal(parseCsv(csvLines([event({ actor: 'a=b' })]))[0]?.[3], 'a=b');
});

test('NDJSON is one JSON event per line', () => {
  const events = [event({ id: 2 }), event({ id: 1, detail: { comment: 'two\nlines' } })];
  const text = ndjsonLines(events);
  assert.equal(text.split('\n').length, 3);
  assert.deepEqual(
    text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line)),
    events,
  );
});

test('file names carry the time of the export', () => {
  assert.equal(
    exportFileName('csv', new Date('2026-12-07T11:42:00.123Z')),
    'ferry-audit-20261207T114200Z.csv',
  );
  assert.equal(
    exportFileName('ndjson', new Date('2026-12-07T11:42:00Z')),
    'ferry-audit-20261207T114200Z.ndjson',
  );
});
