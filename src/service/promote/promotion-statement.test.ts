import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInTotoStatement, statementNamesDigest } from '../../signature/in-toto-statement.ts';
import type { Promotion } from '../store/promotion.ts';
import { PROMOTION_PREDICATE_TYPE, promotionStatement } from './promotion-statement.ts';

const SOURCE_DIGEST = `sha256:${'a'.repeat(64)}`;

function promotion(overrides: Partial<Promotion> = {}): Promotion {
  const at = new Date('2025-01-02T03:04:05Z');
  return {
    id: '0194-promo',
    kind: 'promotion',
    requesterKey: null,
    releaseTag: 'prod',
    rule: 'team-a-to-prod',
    source: {
      environment: 'nonprod',
      registry: 'reg.nonprod',
      repository: 'team-a/app',
      tag: 'v1',
      digest: SOURCE_DIGEST,
    },
    destination: { environment: 'prod', registry: 'reg.prod:5000', repository: 'team-a/app', tag: 'v1' },
    status: 'running',
    reason: null,
    requestedBy: 'ci',
    triggerKind: 'api',
    deliveryId: null,
    approvalsRequired: 2,
    attempts: 1,
    resultDigest: null,
    bytes: { copied: 0, mounted: 0, skipped: 0 },
    rollbackOf: null,
    rerunOf: null,
    supersededBy: null,
    gitCommit: null,
    labels: { secretish: 'not in the statement' },
    createdAt: at,
    updatedAt: at,
    startedAt: at,
    finishedAt: null,
    ...overrides,
  };
}

test('the statement is about the destination repository and digest; the predicate says how it got there', () => {
  const signature = { kind: 'sigstore-bundle', publicKeyFile: '/keys/cosign.pub' };
  const statement = promotionStatement({
    promotion: promotion(),
    digest: SOURCE_DIGEST,
    approvers: ['alice', 'bob@example.com (oidc)'],
    signatureRequired: true,
    signature,
    promotedAt: new Date('2025-01-02T03:05:00Z'),
  });
  const parsed = parseInTotoStatement(Buffer.from(JSON.stringify(statement)));
  assert.ok(parsed.ok);
  assert.equal(parsed.statement.type, 'https://in-toto.io/Statement/v1');
  assert.equal(parsed.statement.predicateType, PROMOTION_PREDICATE_TYPE);
  assert.equal(parsed.statement.subjects[0]!.name, 'reg.prod:5000/team-a/app');
  assert.ok(statementNamesDigest(parsed.statement, SOURCE_DIGEST));
  assert.deepEqual(statement.predicate, {
    promotionId: '0194-promo',
    kind: 'promotion',
    rule: 'team-a-to-prod',
    trigger: 'api',
    requester: 'ci',
    approvers: ['alice', 'bob@example.com (oidc)'],
    approvalsRequired: 2,
    gitCommit: null,
    source: { environment: 'nonprod', reference: 'reg.nonprod/team-a/app:v1', digest: SOURCE_DIGEST },
    destination: { environment: 'prod', reference: 'reg.prod:5000/team-a/app:v1', releaseTag: 'prod' },
    policy: { signatureRequired: true, signature },
    promotedAt: '2025-01-02T03:05:00.000Z',
  });
  assert.ok(!JSON.stringify(statement).includes('secretish'), 'labels are not attested');
});

test('a rollback requested by digest: the source reference is by digest and no signature verdict', () => {
  const statement = promotionStatement({
    promotion: promotion({
      kind: 'rollback',
      source: {
        environment: null,
        registry: 'reg.prod',
        repository: 'team-a/app',
        tag: null,
        digest: SOURCE_DIGEST,
      },
      releaseTag: null,
      approvalsRequired: 0,
    }),
    digest: SOURCE_DIGEST,
    approvers: [],
    signatureRequired: false,
    signature: undefined,
    promotedAt: new Date(0),
  });
  assert.equal(statement.predicate.kind, 'rollback');
  assert.equal(statement.predicate.source.reference, `reg.prod/team-a/app@${SOURCE_DIGEST}`);
  assert.equal(statement.predicate.policy.signature, null);
  assert.deepEqual(statement.predicate.approvers, []);
});
