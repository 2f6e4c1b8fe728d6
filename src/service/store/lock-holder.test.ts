import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeLock, type LockFacts, type LockHolder, parseHolder } from './lock-holder.ts';

const self: LockHolder = {
  pid: 1,
  startTime: '5000',
  bootId: 'boot-a',
  pidNamespace: 'pid:[100]',
  hostname: 'ferry-0',
};

function facts(holder: Partial<LockHolder> | undefined, extra: Partial<LockFacts> = {}): LockFacts {
  return {
    holder: holder === undefined ? undefined : { ...self, ...holder },
    legacyPid: undefined,
    ageMs: 1000,
    self,
    startTimeNow: undefined,
    staleAfterMs: 15_000,
    ...extra,
  };
}

describe('judgeLock', () => {
  test('PID 1 restarted in the same namespace: the pid is alive but started later, so the lock is stale', () => {
    const v = judgeLock(facts({ startTime: '4000' }, { startTimeNow: '5000' }));
    assert.equal(v.kind, 'stale');
    assert.match(v.reason, /pid now belongs to another process/);
  });

  test('a holder that exited is stale; one still running is live, this very process included', () => {
    assert.equal(judgeLock(facts({ pid: 42, startTime: '10' })).kind, 'stale');
    assert.equal(judgeLock(facts({ pid: 42, startTime: '10' }, { startTimeNow: '10' })).kind, 'live');
    const own = judgeLock(facts({}, { startTimeNow: '5000' }));
    assert.deepEqual(own, { kind: 'live', reason: 'process 1 on ferry-0 (this one)' });
  });

  test('a lock from before a reboot is stale whatever its pid says', () => {
    assert.equal(judgeLock(facts({ bootId: 'boot-old' }, { startTimeNow: '5000' })).kind, 'stale');
  });

  test('another PID namespace: wait while its heartbeat is fresh, take over once it stops', () => {
    const fresh = judgeLock(facts({ pidNamespace: 'pid:[200]' }, { ageMs: 4000 }));
    assert.equal(fresh.kind, 'wait');
    assert.equal(fresh.kind === 'wait' && fresh.retryInMs, 11_100);
    const old = judgeLock(facts({ pidNamespace: 'pid:[200]' }, { ageMs: 16_000 }));
    assert.equal(old.kind, 'stale');
    // Another host sharing the volume: the heartbeat decides too.
    assert.equal(
      judgeLock(facts({ hostname: 'ferry-1' }, { ageMs: 1000, startTimeNow: '5000' })).kind,
      'wait',
    );
  });

  test('old-format locks (a bare pid): our own pid means a restart, not a second holder', () => {
    assert.equal(judgeLock(facts(undefined, { legacyPid: 1, startTimeNow: '5000' })).kind, 'stale');
    assert.equal(judgeLock(facts(undefined, { legacyPid: 7, startTimeNow: '1' })).kind, 'live');
    assert.equal(judgeLock(facts(undefined, { legacyPid: 7 })).kind, 'stale');
  });

  test('an unreadable lock: waited on while fresh (its writer may be filling it), stale once old', () => {
    const fresh = judgeLock(facts(undefined, { ageMs: 10 }));
    assert.equal(fresh.kind, 'wait');
    assert.equal(fresh.kind === 'wait' && fresh.retryInMs, 1000);
    assert.equal(judgeLock(facts(undefined, { ageMs: 16_000 })).kind, 'stale');
  });
});

describe('parseHolder', () => {
  test('reads this format and the old one; anything else is unreadable', () => {
    assert.deepEqual(parseHolder('123\n'), { legacyPid: 123 });
    assert.equal(parseHolder(`${JSON.stringify(self)}\n`).holder?.pidNamespace, 'pid:[100]');
    assert.deepEqual(parseHolder('garbage'), {});
    assert.deepEqual(parseHolder('{"pid":-1}'), {});
  });
});
