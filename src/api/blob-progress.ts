/**
 * Per-blob copy progress of a promotion: what the dashboard's detail view draws as one bar per layer.
 * The same shape travels in two places:
 *
 *   GET /api/v1/promotions/{id}          `blobs`: the last recorded state (persisted while the copy runs
 *                                         and once more when it ends, so a reload shows it)
 *   GET /api/v1/promotions/{id}/events   `event: progress` data `{promotionId, bytes, totalBytes, blobs}`,
 *                                         every blob's current state (a client replaces what it had)
 *
 * States: `pending` (planned, not started), `copying` (streaming: `bytes` so far), `copied` (streamed),
 * `mounted` (the registry linked it from another repository: no bytes moved), `skipped` (the destination
 * had it). A promotion that needed no copy (up to date, a rollback) has no blobs.
 */
import { z } from 'zod';

export const BLOB_STATES = ['pending', 'copying', 'copied', 'mounted', 'skipped'] as const;
export type BlobState = (typeof BLOB_STATES)[number];

export const blobStateSchema = z.enum(BLOB_STATES).meta({
  description:
    '`pending` → `copying` → `copied`, or straight to `mounted` (cross-repository mount) or `skipped` (already there).',
});

export const blobProgressSchema = z
  .strictObject({
    digest: z.string(),
    size: z.int().min(0).meta({ description: 'Bytes, as the manifest declares.' }),
    mediaType: z.string().nullable().meta({ description: 'Layer or config media type, when known.' }),
    state: blobStateSchema,
    bytes: z.int().min(0).meta({
      description: 'Bytes done: streamed so far while copying, `size` once copied, mounted or skipped.',
    }),
  })
  .meta({ description: 'One blob of the copy and how far it got.' });

export type BlobProgressView = z.output<typeof blobProgressSchema>;

export const promotionProgressSchema = z
  .strictObject({
    promotionId: z.string(),
    bytes: z
      .int()
      .min(0)
      .meta({ description: 'Bytes done over all blobs (mounted and skipped count as done).' }),
    totalBytes: z.int().min(0),
    blobs: z.array(blobProgressSchema).meta({ description: 'Every blob of the copy, in plan order.' }),
  })
  .meta({ description: 'Data of an `event: progress` of the promotion event streams.' });

export type PromotionProgressView = z.output<typeof promotionProgressSchema>;
