/**
 * Query parameters of `GET /api/v1/promotions` (newest first). Every filter narrows the list (they are
 * ANDed); an unknown parameter is refused with a 400 naming it, so a misspelt filter never silently
 * lists everything.
 *
 *   repository     source or destination repository (`team-a/app`)
 *   environment    source or destination environment
 *   tag            source or destination tag
 *   digest         source digest or result digest
 *   rule           promotion rule name
 *   requestedBy    API token, webhook or registry user that requested it
 *   status         one status
 *   createdAfter   ISO 8601 time: created at or after it
 *   createdBefore  ISO 8601 time: created strictly before it
 *   limit          page size, 1-500, default 50
 *   cursor         `nextCursor` of the previous page
 */
import { z } from 'zod';
import {
  actorSchema,
  digestSchema,
  environmentSchema,
  repositorySchema,
  tagSchema,
} from './field-schemas.ts';
import { promotionStatusSchema } from './statuses.ts';
import { timestampSchema } from './timestamp.ts';

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

/** A rule or identity name: 1-256 characters without control characters. */
const nameSchema = actorSchema;

/** An opaque page cursor: base64url, as nextCursor hands it out. */
export const cursorSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'is not a cursor returned by this API')
  .meta({ description: '`nextCursor` of the previous page (opaque).' });

export const pageLimitSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(MAX_PAGE_SIZE)
  .meta({ description: `Page size, 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` });

export const listPromotionsQuerySchema = z.strictObject({
  repository: repositorySchema.meta({ description: 'Source or destination repository.' }).optional(),
  environment: environmentSchema.meta({ description: 'Source or destination environment.' }).optional(),
  tag: tagSchema.meta({ description: 'Source or destination tag.' }).optional(),
  digest: digestSchema.meta({ description: 'Source digest or result digest.' }).optional(),
  rule: nameSchema.meta({ description: 'Promotion rule name.' }).optional(),
  requestedBy: nameSchema
    .meta({ description: 'API token, webhook (`standard-webhooks#1`) or registry user that requested it.' })
    .optional(),
  status: promotionStatusSchema.optional(),
  createdAfter: timestampSchema
    .meta({ description: 'Only promotions created at or after this time (ISO 8601).' })
    .optional(),
  createdBefore: timestampSchema
    .meta({ description: 'Only promotions created strictly before this time (ISO 8601).' })
    .optional(),
  limit: pageLimitSchema.optional(),
  cursor: cursorSchema.optional(),
});

export type ListPromotionsQuery = z.output<typeof listPromotionsQuerySchema>;
