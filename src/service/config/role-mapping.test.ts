import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoleMapping } from './auth-schema.ts';
import { grantsForClaims, mappedGroups } from './role-mapping.ts';

const roles: RoleMapping = {
  viewer: [{ anyone: true }],
  approver: [{ groups: ['release-managers'], promotions: ['payments'] }, { groups: ['sre'] }],
  admin: [{ emails: ['carol@example.com'] }, { subjects: ['u-root'] }],
};

test('groups give their role with the matcher scope', () => {
  assert.deepEqual(grantsForClaims(roles, { subject: 'u-a', groups: ['release-managers', 'other'] }), [
    { role: 'viewer', promotions: undefined },
    { role: 'approver', promotions: ['payments'] },
  ]);
  assert.deepEqual(
    grantsForClaims(roles, { subject: 'u-a', groups: ['Release-Managers'] }),
    [{ role: 'viewer', promotions: undefined }],
    'group names are compared exactly',
  );
});

test('emails match case-insensitively, unless the provider says the address is unverified', () => {
  const admin = { role: 'admin', promotions: undefined };
  assert.ok(
    grantsForClaims(roles, { subject: 'u-c', email: 'Carol@Example.com' }).some((g) => g.role === 'admin'),
  );
  assert.deepEqual(
    grantsForClaims(roles, { subject: 'u-c', email: 'carol@example.com', emailVerified: false }).filter(
      (g) => g.role === 'admin',
    ),
    [],
  );
  assert.deepEqual(
    grantsForClaims(roles, { subject: 'u-root' }).filter((g) => g.role === 'admin'),
    [admin],
    'subjects match exactly',
  );
});

test('a person no matcher names gets no grant', () => {
  assert.deepEqual(grantsForClaims({ approver: [{ groups: ['x'] }] }, { subject: 's', groups: ['y'] }), []);
});

test('mappedGroups lists every group the mapping names', () => {
  assert.deepEqual([...mappedGroups(roles)].sort(), ['release-managers', 'sre']);
});
