import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayOf, groupsOf, groupsOverage } from './oidc-sign-in.ts';

test('the groups claim is read as a list, from a nested or a dotted claim name', () => {
  assert.deepEqual(groupsOf({ groups: ['a', 1, 'b'] }, 'groups'), ['a', 'b']);
  assert.deepEqual(groupsOf({ groups: 'one' }, 'groups'), ['one']);
  assert.deepEqual(groupsOf({ realm_access: { roles: ['r'] } }, 'realm_access.roles'), ['r']);
  assert.deepEqual(groupsOf({ 'https://x/groups': ['g'] }, 'https://x/groups'), ['g']);
  assert.equal(groupsOf({}, 'groups'), undefined);
});

test('an Entra ID group overage is recognised by its distributed-claim marker or hasgroups', () => {
  const overage = {
    sub: 's',
    _claim_names: { groups: 'src1' },
    _claim_sources: { src1: { endpoint: 'https://graph.windows.net/t/users/u/getMemberObjects' } },
  };
  assert.equal(groupsOverage(overage, 'groups'), '_claim_names.groups');
  assert.equal(groupsOverage({ sub: 's', hasgroups: true }, 'groups'), 'hasgroups');
  assert.equal(groupsOverage(overage, 'roles'), undefined, 'only the configured claim counts');
  assert.equal(groupsOverage({ sub: 's', groups: [] }, 'groups'), undefined);
});

test('a person is shown by email, else username, name or subject', () => {
  assert.equal(displayOf({ email: 'a@example.com', name: 'A' }, 's'), 'a@example.com (oidc)');
  assert.equal(displayOf({ preferred_username: 'alice' }, 's'), 'alice (oidc)');
  assert.equal(displayOf({}, 'u-1'), 'u-1 (oidc)');
});
