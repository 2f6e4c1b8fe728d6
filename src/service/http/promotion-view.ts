/**
 * The API's view of the store's records (api/promotion.ts, api/audit-event.ts, api/release.ts): times
 * as ISO strings, the approvers' decisions attached. Every route and the event stream serialise promotions
 * through here, so what goes on the wire is what the contract declares.
 */
import type { AuditEventView } from '../../api/audit-event.ts';
import type { BlobProgressView } from '../../api/blob-progress.ts';
import type { PromotionView } from '../../api/promotion.ts';
import type { ReleaseEntryView, ReleaseView } from '../../api/release.ts';
import { toTimestamp, toTimestampOrNull } from '../../api/timestamp.ts';
import type { PromotionService } from '../promote/promotion-service.ts';
import type { Approval } from '../store/approval-store.ts';
import type { AuditEvent } from '../store/audit-event.ts';
import type { Promotion } from '../store/promotion.ts';
import type { BlobProgress } from '../store/promotion-blob-store.ts';
import type { Release, ReleaseEntry } from '../store/release-store.ts';

export function toPromotionView(promotion: Promotion, approvals: readonly Approval[]): PromotionView {
  const p = promotion;
  return {
    id: p.id,
    rule: p.rule,
    kind: p.kind,
    releaseTag: p.releaseTag,
    source: {
      environment: p.source.environment,
      registry: p.source.registry,
      repository: p.source.repository,
      tag: p.source.tag,
      digest: p.source.digest,
    },
    destination: {
      environment: p.destination.environment,
      registry: p.destination.registry,
      repository: p.destination.repository,
      tag: p.destination.tag,
    },
    status: p.status,
    reason: p.reason,
    requestedBy: p.requestedBy,
    requesterKey: p.requesterKey,
    triggerKind: p.triggerKind,
    deliveryId: p.deliveryId,
    approvalsRequired: p.approvalsRequired,
    approvalsReceived: approvals.filter((a) => a.decision === 'approve').length,
    approvals: approvals.map((a) => ({
      approver: a.approver,
      decision: a.decision,
      at: toTimestamp(a.at),
      comment: a.comment,
    })),
    attempts: p.attempts,
    resultDigest: p.resultDigest,
    bytes: { copied: p.bytes.copied, mounted: p.bytes.mounted, skipped: p.bytes.skipped },
    rollbackOf: p.rollbackOf,
    rerunOf: p.rerunOf,
    supersededBy: p.supersededBy,
    gitCommit: p.gitCommit,
    labels: { ...p.labels },
    createdAt: toTimestamp(p.createdAt),
    updatedAt: toTimestamp(p.updatedAt),
    startedAt: toTimestampOrNull(p.startedAt),
    finishedAt: toTimestampOrNull(p.finishedAt),
  };
}

export function toBlobProgressView(blob: BlobProgress): BlobProgressView {
  return {
    digest: blob.digest,
    size: blob.size,
    mediaType: blob.mediaType,
    state: blob.state,
    bytes: blob.bytes,
  };
}

export function toAuditEventView(event: AuditEvent): AuditEventView {
  return {
    id: event.id,
    promotionId: event.promotionId,
    at: toTimestamp(event.at),
    actor: event.actor,
    kind: event.kind,
    digest: event.digest,
    outcome: event.outcome,
    bytes: event.bytes,
    detail: { ...event.detail },
  };
}

/** Views of promotions with their approvals, read in one query per call. */
export interface PromotionViews {
  one(promotion: Promotion): Promise<PromotionView>;
  many(promotions: readonly Promotion[]): Promise<PromotionView[]>;
}

export function createPromotionViews(service: Pick<PromotionService, 'approvals'>): PromotionViews {
  const many = async (promotions: readonly Promotion[]) => {
    const approvals = await service.approvals(promotions.map((p) => p.id));
    return promotions.map((p) => toPromotionView(p, approvals.get(p.id) ?? []));
  };
  return {
    async one(promotion) {
      const [view] = await many([promotion]);
      return view as PromotionView;
    },
    many,
  };
}

export function toReleaseView(release: Release): ReleaseView {
  return {
    environment: release.environment,
    registry: release.registry,
    repository: release.repository,
    tag: release.tag,
    digest: release.digest,
    promotionId: release.promotionId,
    rule: release.rule,
    kind: release.kind,
    promotedBy: release.promotedBy,
    approvedBy: [...release.approvedBy],
    since: toTimestamp(release.since),
    previousDigest: release.previousDigest,
  };
}

export function toReleaseEntryView(entry: ReleaseEntry): ReleaseEntryView {
  return {
    digest: entry.digest,
    promotionId: entry.promotionId,
    kind: entry.kind,
    promotedBy: entry.promotedBy,
    at: toTimestamp(entry.at),
    previousDigest: entry.previousDigest,
  };
}
