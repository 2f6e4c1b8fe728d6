import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testPromotion } from './promotion.testkit.ts';
import { filtersFromSearch, filtersToSearch, hasFilters, matchesFilters } from './promotion-filters.ts';

describe('promotion filters in the URL', () => {
  test('round-trip with the API parameter names, statuses repeated in lifecycle order', () => {
    const filters = filtersFromSearch(
      new URLSearchParams(
        'status=failed&status=queued&rule=team-a&q=%20v1.2%20&trigger=github&requester=alice',
      ),
    );
    assert.deepEqual(filters.status, ['failed', 'queued']);
    assert.equal(filters.q, 'v1.2');
    assert.equal(
      filtersToSearch(filters).toString(),
      'rule=team-a&requester=alice&q=v1.2&trigger=github&status=queued&status=failed',
    );
  });

  test('unknown statuses and trigger kinds are dropped, blank text ignored', () => {
    const filters = filtersFromSearch(new URLSearchParams('status=bogus&trigger=ftp&repository=%20'));
    assert.deepEqual(filters.status, []);
    assert.equal(filters.trigger, undefined);
    assert.equal(filters.repository, undefined);
    assert.equal(hasFilters(filters), false);
  });
});

describe('matchesFilters (a promotion that arrives live)', () => {
  const p = testPromotion({ status: 'running', resultDigest: `sha256:${'9b'.repeat(32)}` });

  test('every filter must match', () => {
    assert.ok(matchesFilters(p, { status: [] }));
    assert.ok(matchesFilters(p, { status: ['running', 'failed'], rule: 'team-a', environment: 'prod' }));
    assert.ok(!matchesFilters(p, { status: ['failed'] }));
    assert.ok(!matchesFilters(p, { status: [], rule: 'other' }));
    assert.ok(!matchesFilters(p, { status: [], trigger: 'api' }));
    assert.ok(matchesFilters(p, { status: [], repository: 'team-a/app', environment: 'nonprod' }));
  });

  test('requester is case-insensitive text; q is tag text or a digest start, with or without the algorithm', () => {
    assert.ok(matchesFilters(p, { status: [], requester: 'ALICE' }));
    assert.ok(!matchesFilters(p, { status: [], requester: 'bob' }));
    assert.ok(matchesFilters(p, { status: [], q: 'V1.2' }));
    assert.ok(matchesFilters(p, { status: [], q: '4f2a' }));
    assert.ok(matchesFilters(p, { status: [], q: 'sha256:4f2a' }));
    assert.ok(matchesFilters(p, { status: [], q: '9b9b' }));
    assert.ok(!matchesFilters(p, { status: [], q: '0000' }), 'the middle of a digest is not its start');
  });
});
