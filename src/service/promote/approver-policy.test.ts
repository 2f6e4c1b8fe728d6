import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkApprover } from './approver-policy.ts';
import { PromotionErrorCode } from './promotion-error.ts';

const promotion = { id: 'p1', requestedBy: 'ci' };
const rule = (approvals: { approvers?: string[]; allowSelfApproval?: boolean }) => ({
  name: 'payments',
  approvals: { required: 2, allowSelfApproval: false, ...approvals },
});
const actor = (name: string) => ({ name, kind: 'token' as const });
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
  const listed = rule({ approvers: ['alice', 'bob'] });
  checkApprover(listed, promotion, actor('bob'), 'approve');
  forbidden(() => checkApprover(listed, promotion, actor('mallory'), 'approve'));
  forbidden(() => checkApprover(listed, promotion, actor('mallory'), 'reject'));
});
