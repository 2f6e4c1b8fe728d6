import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  actorKey,
  type Identity,
  identityAllows,
  permissionsOf,
  rolesOf,
  tokenIdentity,
} from './identity.ts';

test('a token is one grant: its role, limited to its rules', () => {
  const alice = tokenIdentity({ name: 'alice', role: 'approver', promotions: ['payments'] });
  assert.ok(identityAllows(alice, 'approve', 'payments'));
  assert.ok(!identityAllows(alice, 'approve', 'team-a'));
  assert.ok(!identityAllows(alice, 'promote', 'payments'), 'the role still applies');
  assert.ok(identityAllows(alice, 'view'));
  const ci = tokenIdentity({ name: 'ci', role: 'promoter' });
  assert.ok(identityAllows(ci, 'promote', 'anything'));
  assert.equal(actorKey(ci), 'ci', 'tokens keep their name as the approval key');
});

test('a person may do what any of their grants allows, each within its own rules', () => {
  const person: Identity = {
    kind: 'oidc',
    subject: 'u-123',
    display: 'alice@example.com (oidc)',
    grants: [
      { role: 'viewer' },
      { role: 'approver', promotions: ['payments'] },
      { role: 'promoter', promotions: ['web'] },
    ],
  };
  assert.ok(identityAllows(person, 'view'));
  assert.ok(identityAllows(person, 'approve', 'payments'));
  assert.ok(!identityAllows(person, 'approve', 'web'), 'the promoter grant covers web, not approving it');
  assert.ok(identityAllows(person, 'promote', 'web'));
  assert.ok(!identityAllows(person, 'admin'));
  assert.deepEqual(rolesOf(person), ['viewer', 'promoter', 'approver']);
  assert.deepEqual(permissionsOf(person), {
    view: true,
    promote: ['web'],
    approve: ['payments'],
    admin: false,
  });
  assert.equal(actorKey(person), 'oidc:u-123');
});

test('no grants: nothing allowed, empty scopes', () => {
  const nobody: Identity = { kind: 'oidc', subject: 's', display: 'x (oidc)', grants: [] };
  assert.deepEqual(permissionsOf(nobody), { view: false, promote: [], approve: [], admin: false });
  assert.deepEqual(rolesOf(nobody), []);
});

test('an unscoped grant means every rule ("*")', () => {
  const admin: Identity = {
    kind: 'one-time',
    subject: 'abc',
    display: 'demo (one-time)',
    grants: [{ role: 'approver', promotions: ['a'] }, { role: 'admin' }],
  };
  assert.deepEqual(permissionsOf(admin), { view: true, promote: '*', approve: '*', admin: true });
});
