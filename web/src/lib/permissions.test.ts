import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MeBody } from '../../../src/api/identity.ts';
import { allowedActions } from './permissions.ts';
import { testPromotion } from './promotion.testkit.ts';

function me(permissions: Partial<MeBody['permissions']>, display = 'bob@example.com (oidc)'): MeBody {
  return {
    identity: { subject: 'bob', display, key: 'oidc:bob', kind: 'oidc', email: null, name: null },
    roles: [],
    permissions: { view: true, promote: [], approve: [], admin: false, ...permissions },
    csrfToken: 'x',
  };
}

const sorted = (set: ReadonlySet<string>) => [...set].sort();

test('a viewer is offered nothing, whatever the status', () => {
  for (const status of ['awaiting_approval', 'running', 'failed', 'succeeded'] as const) {
    assert.deepEqual(sorted(allowedActions(me({}), testPromotion({ status }))), []);
  }
});

test('approve and reject only while awaiting approval, and only for rules in the approve scope', () => {
  const waiting = testPromotion({ status: 'awaiting_approval' });
  assert.deepEqual(sorted(allowedActions(me({ approve: ['team-a'] }), waiting)), ['approve', 'reject']);
  assert.deepEqual(sorted(allowedActions(me({ approve: ['team-b'] }), waiting)), []);
  assert.deepEqual(sorted(allowedActions(me({ approve: '*' }), testPromotion({ status: 'running' }))), []);
});

test("cancel: one's own in-flight promotion, or anyone's as admin", () => {
  const others = testPromotion({ status: 'queued' });
  assert.deepEqual(sorted(allowedActions(me({ promote: '*' }), others)), []);
  assert.deepEqual(sorted(allowedActions(me({ promote: '*', admin: true }), others)), ['cancel']);
  const own = testPromotion({
    status: 'running',
    requestedBy: 'bob@example.com (oidc)',
    requesterKey: 'oidc:bob',
  });
  assert.deepEqual(sorted(allowedActions(me({ promote: ['team-a'] }), own)), ['cancel']);
});

test('own is decided by identity: a namesake is not the requester, a renamed requester still is', () => {
  const namesakes = testPromotion({
    status: 'running',
    requestedBy: 'bob@example.com (oidc)',
    requesterKey: 'oidc:other',
  });
  assert.deepEqual(sorted(allowedActions(me({ promote: '*' }), namesakes)), []);
  const renamed = testPromotion({
    status: 'running',
    requestedBy: 'bob@old.example (oidc)',
    requesterKey: 'oidc:bob',
  });
  assert.deepEqual(sorted(allowedActions(me({ promote: '*' }), renamed)), ['cancel']);
  const legacy = testPromotion({
    status: 'running',
    requestedBy: 'bob@example.com (oidc)',
    requesterKey: null,
  });
  assert.deepEqual(
    sorted(allowedActions(me({ promote: '*' }), legacy)),
    ['cancel'],
    'recorded before keys: by name',
  );
});

test('rerun after failure, rejection or cancellation; rollback of a succeeded one with a release tag', () => {
  const promoter = me({ promote: '*' });
  assert.deepEqual(sorted(allowedActions(promoter, testPromotion({ status: 'failed' }))), ['rerun']);
  assert.deepEqual(sorted(allowedActions(promoter, testPromotion({ status: 'succeeded' }))), ['rollback']);
  const noReleaseTag = testPromotion({ status: 'succeeded', releaseTag: null });
  assert.deepEqual(sorted(allowedActions(promoter, noReleaseTag)), []);
  assert.deepEqual(sorted(allowedActions(promoter, noReleaseTag, { rollbackable: true })), ['rollback']);
});
