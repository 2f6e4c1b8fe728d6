/** A promotion as the API shows it, for the pure modules' tests; fields overridable. */
import type { PromotionView } from '../../../src/api/promotion.ts';

export function testPromotion(overrides: Partial<PromotionView> = {}): PromotionView {
  return {
    id: '0193a1b2-0000-7000-8000-000000000001',
    rule: 'team-a',
    kind: 'promotion',
    releaseTag: 'prod',
    source: {
      environment: 'nonprod',
      registry: 'nonprod.example.com',
      repository: 'team-a/app',
      tag: 'v1.2.3',
      digest: `sha256:${'4f2a'.padEnd(64, '0')}`,
    },
    destination: {
      environment: 'prod',
      registry: 'prod.example.com',
      repository: 'team-a/app',
      tag: 'v1.2.3',
    },
    status: 'queued',
    reason: null,
    requestedBy: 'alice@example.com (oidc)',
    requesterKey: 'oidc:alice',
    triggerKind: 'standard-webhook',
    deliveryId: null,
    approvalsRequired: 0,
    approvalsReceived: 0,
    approvals: [],
    attempts: 0,
    resultDigest: null,
    bytes: { copied: 0, mounted: 0, skipped: 0 },
    rollbackOf: null,
    rerunOf: null,
    supersededBy: null,
    gitCommit: null,
    labels: {},
    createdAt: '2026-12-07T10:00:00.000Z',
    updatedAt: '2026-12-07T10:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    ...overrides,
  };
}
