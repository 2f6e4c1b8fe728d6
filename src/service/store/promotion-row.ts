import type { TriggerKind } from '../promote/promotion-request.ts';
import type { Promotion, PromotionKind, PromotionStatus } from './promotion.ts';

/** A row of the promotions table as the drivers return it, and its conversion to the domain type. */

export interface PromotionRow {
  seq: number;
  id: string;
  kind: PromotionKind;
  rule: string;
  source_environment: string | null;
  source_registry: string;
  source_repository: string;
  source_tag: string | null;
  source_digest: string;
  destination_environment: string | null;
  destination_registry: string;
  destination_repository: string;
  destination_tag: string;
  release_tag: string | null;
  status: PromotionStatus;
  reason: string | null;
  requested_by: string;
  requested_by_key: string | null;
  trigger_kind: TriggerKind;
  delivery_id: string | null;
  approvals_required: number;
  attempts: number;
  result_digest: string | null;
  bytes_copied: number;
  bytes_mounted: number;
  bytes_skipped: number;
  rollback_of: string | null;
  rerun_of: string | null;
  superseded_by: string | null;
  git_commit: string | null;
  labels: Record<string, string>;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export function toPromotion(row: PromotionRow): Promotion {
  return {
    id: row.id,
    kind: row.kind,
    rule: row.rule,
    source: {
      environment: row.source_environment,
      registry: row.source_registry,
      repository: row.source_repository,
      tag: row.source_tag,
      digest: row.source_digest,
    },
    destination: {
      environment: row.destination_environment,
      registry: row.destination_registry,
      repository: row.destination_repository,
      tag: row.destination_tag,
    },
    releaseTag: row.release_tag,
    status: row.status,
    reason: row.reason,
    requestedBy: row.requested_by,
    requesterKey: row.requested_by_key,
    triggerKind: row.trigger_kind,
    deliveryId: row.delivery_id,
    approvalsRequired: row.approvals_required,
    attempts: row.attempts,
    resultDigest: row.result_digest,
    bytes: { copied: row.bytes_copied, mounted: row.bytes_mounted, skipped: row.bytes_skipped },
    rollbackOf: row.rollback_of,
    rerunOf: row.rerun_of,
    supersededBy: row.superseded_by,
    gitCommit: row.git_commit,
    labels: row.labels,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
