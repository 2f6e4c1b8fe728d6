import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ACTIONS, findToken, hashToken, roleAllows } from './api-tokens.ts';
import { ROLES } from './schema.ts';

describe('hashToken', () => {
  test('is lowercase hex sha256 of the UTF-8 token', () => {
    assert.equal(hashToken('test'), '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');
    assert.match(hashToken('ünïcode'), /^[0-9a-f]{64}$/);
  });
});

describe('findToken', () => {
  const config = {
    apiTokens: [
      { name: 'ci', role: 'promoter' as const, sha256: hashToken('ci-token') },
      {
        name: 'alice',
        role: 'approver' as const,
        sha256: hashToken('alice-token'),
        promotions: ['payments'],
      },
      { name: 'root', role: 'admin' as const, sha256: hashToken('root-token') },
    ],
  };

  test('returns name, role and scope of the matching token', () => {
    assert.deepEqual(findToken(config, 'ci-token'), { name: 'ci', role: 'promoter', promotions: undefined });
    assert.deepEqual(findToken(config, 'alice-token'), {
      name: 'alice',
      role: 'approver',
      promotions: ['payments'],
    });
    assert.equal(findToken(config, 'root-token')?.name, 'root');
  });

  test('unknown, empty, near-miss and hash-as-token are refused', () => {
    assert.equal(findToken(config, 'nope'), undefined);
    assert.equal(findToken(config, ''), undefined);
    assert.equal(findToken(config, 'ci-token '), undefined);
    assert.equal(findToken(config, hashToken('ci-token')), undefined, 'the stored hash is not a credential');
    assert.equal(findToken({ apiTokens: [] }, 'ci-token'), undefined);
  });

  test('compares against every entry, not stopping at the first match', () => {
    let reads = 0;
    const entries = config.apiTokens.map((entry) => ({
      ...entry,
      get sha256() {
        reads++;
        return entry.sha256;
      },
    }));
    assert.equal(findToken({ apiTokens: entries }, 'ci-token')?.name, 'ci');
    assert.equal(reads, entries.length);
  });
});

describe('roles', () => {
  test('the documented matrix', () => {
    const matrix = Object.fromEntries(
      ROLES.map((role) => [role, ACTIONS.filter((action) => roleAllows(role, action))]),
    );
    assert.deepEqual(matrix, {
      viewer: ['view'],
      promoter: ['view', 'promote'],
      approver: ['view', 'approve'],
      admin: ['view', 'promote', 'approve', 'admin'],
    });
  });
});
