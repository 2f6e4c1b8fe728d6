/**
 * A promotion as the API shows it (list, detail, accept answers, event streams): the store's record
 * with times as ISO 8601 strings, the approvals it received, and why it exists (`kind`).
 */
import { z } from 'zod';
import { promotionKindSchema } from './promotion-kinds.ts';
import { promotionStatusSchema } from './statuses.ts';
import { timestampSchema } from './timestamp.ts';
import { triggerKindSchema } from './trigger-kinds.ts';

export const APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export const approvalSchema = z
  .strictObject({
    approver: z
      .string()
      .meta({ description: 'Who decided: an API token name, or a person as `alice@example.com (oidc)`.' }),
    decision: z.enum(APPROVAL_DECISIONS),
    at: timestampSchema,
    comment: z.string().nullable(),
  })
  .meta({ description: 'One approver’s decision; each identity decides once.' });

export type ApprovalView = z.output<typeof approvalSchema>;

export const promotionSourceSchema = z.strictObject({
  environment: z.string().nullable(),
  registry: z.string(),
  repository: z.string(),
  tag: z.string().nullable().meta({ description: 'The tag the request named, if any.' }),
  digest: z.string().meta({ description: 'Pinned at acceptance: later pushes to the tag change nothing.' }),
});

export const promotionDestinationSchema = z.strictObject({
  environment: z.string().nullable(),
  registry: z.string(),
  repository: z.string(),
  tag: z.string(),
});

export const byteCountsSchema = z.strictObject({
  copied: z.int().min(0),
  mounted: z.int().min(0),
  skipped: z.int().min(0),
});

export const promotionSchema = z
  .strictObject({
    id: z.string().meta({ description: 'Promotion id (UUID v7).' }),
    rule: z.string().meta({ description: 'Name of the promotion rule that applied.' }),
    kind: promotionKindSchema,
    releaseTag: z
      .string()
      .nullable()
      .meta({ description: 'The rule’s release tag this promotion moves (or moved), if the rule has one.' }),
    source: promotionSourceSchema,
    destination: promotionDestinationSchema,
    status: promotionStatusSchema,
    reason: z
      .string()
      .nullable()
      .meta({ description: 'Why it failed, was rejected or cancelled, or why it waits.' }),
    requestedBy: z.string().meta({ description: 'API token, webhook or registry user that asked.' }),
    requesterKey: z.string().nullable().meta({
      description:
        'The identity that asked (the token name, `oidc:<sub>`): what the four-eyes check and cancelling one’s own promotion compare, never the name shown. Null for promotions recorded before ferry kept it (compared by `requestedBy`).',
    }),
    triggerKind: triggerKindSchema,
    deliveryId: z.string().nullable(),
    approvalsRequired: z.int().min(0),
    approvalsReceived: z.int().min(0).meta({ description: 'Distinct approvers who approved so far.' }),
    approvals: z.array(approvalSchema).meta({ description: 'Every decision, oldest first.' }),
    attempts: z.int().min(0),
    resultDigest: z
      .string()
      .nullable()
      .meta({ description: 'Digest the destination tag points at after success.' }),
    bytes: byteCountsSchema,
    rollbackOf: z.string().nullable().meta({ description: 'The promotion whose digest this one restores.' }),
    rerunOf: z.string().nullable().meta({ description: 'The promotion this one repeats.' }),
    supersededBy: z.string().nullable(),
    gitCommit: z.string().nullable(),
    labels: z.record(z.string(), z.string()),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    startedAt: timestampSchema.nullable(),
    finishedAt: timestampSchema.nullable(),
  })
  .meta({ description: 'A promotion of one image digest to one destination tag.' });

export type PromotionView = z.output<typeof promotionSchema>;
