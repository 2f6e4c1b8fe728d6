import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApproverEntry } from '../config/approver-schema.ts';
import { checkApprover, isRequester } from './approver-policy.ts';
import { PromotionErrorCode } from './promotion-error.ts';
import type { Actor } from './promotion-service.ts';

const promotion = { id: 'p1', requestedBy: 'ci', requesterKey: 'ci' };
const rule = (approvals: { approvers?: ApproverEntry[]; allowSelfApproval?: boolean }) => ({
  name: 'payments',
  approvals: { required: 2, allowSelfApproval: false, ...approvals },
});
const token = (value: string): ApproverEntry => ({ kind: 'token', value });
const actor = (name: string): Actor => ({ name, kind: 'token' });
/** A person signed in with OpenID Connect, as http/auth.ts identityActor makes them. */
const person = (
  sub: string,
  email: string,
  extra: { groups?: string[]; emailVerified?: false } = {},
): Actor => ({
  name: `${email} (oidc)`,
  kind: 'oidc',
  key: `oidc:${sub}`,
  person: { subject: sub, email, ...extra },
});
const forbidden = (fn: () => void) =>
  assert.throws(fn, (err: { code?: string; status?: number }) => {
    assert.equal(err.code, PromotionErrorCode.Forbidden);
    assert.equal(err.status, 403);
    return true;
  });

test('without an approvers list anyone but the requester may approve', () => {
  checkApprover(rule({}), promotion, actor('alice'), 'approve');
  forbidden(() => checkApprover(rule({}), promotion, actor('ci'), 'approve'));
});

test('allowSelfApproval lets the requester approve', () => {
  checkApprover(rule({ allowSelfApproval: true }), promotion, actor('ci'), 'approve');
});

test('the requester may always reject (withdraw) their own promotion', () => {
  checkApprover(rule({}), promotion, actor('ci'), 'reject');
});

test('an approvers list restricts approving and rejecting', () => {
  const listed = rule({ approvers: [token('alice'), token('bob')] });
  checkApprover(listed, promotion, actor('bob'), 'approve');
  forbidden(() => checkApprover(listed, promotion, actor('mallory'), 'approve'));
  forbidden(() => checkApprover(listed, promotion, actor('mallory'), 'reject'));
});

test('four eyes compares identities: the same display name is another person, a new email the same', () => {
  const carol = person('u-carol', 'carol@example.com');
  const byCarol = { id: 'p2', requestedBy: carol.name, requesterKey: 'oidc:u-carol' };
  const namesake = person('u-other', 'carol@example.com');
  assert.equal(namesake.name, carol.name);
  checkApprover(rule({}), byCarol, namesake, 'approve');
  const renamed = person('u-carol', 'carol.new@example.com');
  forbidden(() => checkApprover(rule({}), byCarol, renamed, 'approve'));
});

test('a token named like a person is not that person, and a person is not a token of that name', () => {
  const byToken = { id: 'p3', requestedBy: 'alice', requesterKey: 'alice' };
  const alice = { ...person('alice', 'alice@example.com'), name: 'alice' };
  checkApprover(rule({}), byToken, alice, 'approve');
  forbidden(() => checkApprover(rule({ approvers: [token('alice')] }), promotion, alice, 'approve'));
});

test('promotions recorded before requester keys are compared by the name shown', () => {
  const legacy = { id: 'p4', requestedBy: 'carol@example.com (oidc)', requesterKey: null };
  assert.equal(isRequester(legacy, person('u-carol', 'carol@example.com')), true);
  assert.equal(isRequester(legacy, person('u-carol', 'carol.new@example.com')), false);
});

test('approvers name people by group, verified email (any case) or subject', () => {
  const people = rule({
    approvers: [
      { kind: 'group', value: 'release-managers' },
      { kind: 'email', value: 'carol@example.com' },
      { kind: 'subject', value: 'u-dave' },
    ],
  });
  checkApprover(
    people,
    promotion,
    person('u-alice', 'alice@example.com', { groups: ['release-managers'] }),
    'approve',
  );
  checkApprover(people, promotion, person('u-carol', 'Carol@Example.com'), 'approve');
  checkApprover(people, promotion, person('u-dave', 'dave@example.com'), 'approve');
  forbidden(() =>
    checkApprover(people, promotion, person('u-x', 'carol@example.com', { emailVerified: false }), 'approve'),
  );
  forbidden(() =>
    checkApprover(
      people,
      promotion,
      person('u-victor', 'victor@example.com', { groups: ['developers'] }),
      'approve',
    ),
  );
  // A token whose name happens to equal a listed subject or group is not a person.
  forbidden(() => checkApprover(people, promotion, actor('release-managers'), 'approve'));
});
