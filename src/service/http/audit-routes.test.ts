import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { auditPageSchema } from '../../api/audit-query.ts';
import type { AuditEvent } from '../store/audit-event.ts';
import { HttpErrorCode } from './errors.ts';
import { bearer, buildTestApp, type TestApp, TOKENS } from './http-fixture.ts';

let t: TestApp;
const PROMOTION = '0190f0a0-0000-7000-8000-000000000001';

/** `count` events, newest (highest id) first, as the store answers. */
function events(count: number): AuditEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const id = count - i;
    return {
      id,
      promotionId: id % 2 === 0 ? PROMOTION : null,
      at: new Date(Date.UTC(2026, 11, 7, 10, 0, 0, id)),
      actor: id === 3 ? '=HYPERLINK("http://evil.example")' : 'jenkins',
      kind: 'accepted',
      digest: null,
      outcome: 'ok',
      bytes: id,
      detail: { comment: `event ${id}, "quoted"\nsecond line` },
    };
  });
}

before(async () => {
  t = await buildTestApp();
  t.service.auditEvents = events(2500);
});

after(async () => {
  await t.app.close();
});

describe('GET /api/v1/audit', () => {
  test('one page newest first, filters reaching the service as typed values', async () => {
    const response = await t.app.inject({
      url: `/api/v1/audit?promotion=${PROMOTION}&actor=jenkins&kind=accepted&since=2026-12-07T00:00:00Z&until=2026-12-08T00:00:00%2B01:00&q=Event%201&limit=3`,
      headers: bearer(TOKENS.viewer),
    });
    assert.equal(response.statusCode, 200, response.body);
    const page = auditPageSchema.parse(response.json());
    assert.deepEqual(
      page.events.map((e) => e.id),
      [2500, 2498, 2496],
    );
    assert.equal(page.nextCursor, '2496');
    const [call] = t.service.callsTo('searchAudit').slice(-1);
    assert.deepEqual(call?.args[0], {
      promotionId: PROMOTION,
      actor: 'jenkins',
      kind: 'accepted',
      since: new Date('2026-12-07T00:00:00Z'),
      until: new Date('2026-12-07T23:00:00Z'),
      q: 'Event 1',
      limit: 3,
      cursor: undefined,
    });
    const next = await t.app.inject({
      url: `/api/v1/audit?promotion=${PROMOTION}&limit=3&cursor=${page.nextCursor}`,
      headers: bearer(TOKENS.viewer),
    });
    assert.deepEqual(
      next.json().events.map((e: { id: number }) => e.id),
      [2494, 2492, 2490],
    );
  });

  test('bad parameters are 400 naming them, before the service is asked', async () => {
    const before = t.service.callsTo('searchAudit').length;
    for (const [query, fields] of [
      ['kind=Accepted', ['kind']],
      ['promotion=../etc', ['promotion']],
      ['since=yesterday', ['since']],
      ['q=', ['q']],
      ['limit=501', ['limit']],
      ['format=xlsx', ['format']],
      ['format=csv&limit=10', ['limit']],
      ['format=ndjson&limit=10&cursor=abc', ['limit', 'cursor']],
      ['actor=a&actor=b', ['actor']],
      ['promotions=x', ['promotions']],
    ] as const) {
      const response = await t.app.inject({ url: `/api/v1/audit?${query}`, headers: bearer(TOKENS.viewer) });
      assert.equal(response.statusCode, 400, query);
      const body = response.json();
      assert.equal(body.code, HttpErrorCode.BadRequest, query);
      assert.deepEqual(body.fields, fields, query);
    }
    assert.equal(t.service.callsTo('searchAudit').length, before);
  });

  test('format=csv streams every matching event as an RFC 4180 attachment, page after page', async () => {
    const calls = t.service.callsTo('searchAudit').length;
    const response = await t.app.inject({ url: '/api/v1/audit?format=csv', headers: bearer(TOKENS.viewer) });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(
      String(response.headers['content-disposition']),
      /^attachment; filename="ferry-audit-\d{8}T\d{6}Z\.csv"$/,
    );
    assert.equal(t.service.callsTo('searchAudit').length - calls, 3, 'three pages of at most 1000');
    const text = response.body;
    assert.ok(text.startsWith('id,at,promotionId,actor,kind,digest,outcome,bytes,detail\r\n'));
    // One record per event: the newline inside each detail is quoted, not a record end.
    assert.equal(text.split('\r\n').length - 2, 2500);
    assert.ok(text.includes('\r\n2500,2026-12-07T10:00:02.500Z,'));
    assert.ok(text.includes(`"{""comment"":""event 2500, \\""quoted\\""\\nsecond line""}"`));
    assert.ok(text.includes(`,"'=HYPERLINK(""http://evil.example"")",`), 'a formula is neutralised');
    assert.ok(text.endsWith('\r\n'));
  });

  test('format=ndjson streams one AuditEvent per line; filters apply to the export', async () => {
    const response = await t.app.inject({
      url: `/api/v1/audit?format=ndjson&promotion=${PROMOTION}`,
      headers: bearer(TOKENS.viewer),
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'application/x-ndjson; charset=utf-8');
    assert.match(String(response.headers['content-disposition']), /^attachment; filename=".+\.ndjson"$/);
    const lines = response.body.trimEnd().split('\n');
    assert.equal(lines.length, 1250);
    const first = JSON.parse(lines[0] ?? '');
    assert.equal(first.id, 2500);
    assert.equal(first.detail.comment, 'event 2500, "quoted"\nsecond line');
    assert.ok(lines.every((line) => JSON.parse(line).promotionId === PROMOTION));
  });
});
