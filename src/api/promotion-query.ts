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
 *   requestedBy    API token, webhook or registry user that requested it, exactly
 *   requester      case-insensitive text in who requested it (`alice` finds `alice@example.com (oidc)`)
 *   trigger        trigger kind that requested it (`api`, `standard-webhook`, `github`, …)
 *   kind           `promotion`, `rerun` or `rollback`
 *   q              text in the source or destination tag (case-insensitive), or the start of the
 *                  source or result digest (`sha256:4f2a…`, or the hex alone)
 *   status         a status; repeat it for several (`status=failed&status=cancelled`)
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
import { promotionKindSchema } from './promotion-kinds.ts';
import { PROMOTION_STATUSES, promotionStatusSchema } from './statuses.ts';
import { timestampSchema } from './timestamp.ts';
import { triggerKindSchema } from './trigger-kinds.ts';

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

/** Longest `q` or `requester` text accepted. */
export const MAX_TEXT_FILTER_LENGTH = 200;

/** Free text: 1-200 characters, no control characters. */
export const textFilterSchema = z
  .string()
  .min(1)
  .max(MAX_TEXT_FILTER_LENGTH)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

/**
 * One or more statuses: a repeated query parameter arrives as an array; the service always gets one.
 * At most one of each status (there are only so many).
 */
export const statusFilterSchema = z
  .union([promotionStatusSchema, z.array(promotionStatusSchema).min(1).max(PROMOTION_STATUSES.length)])
  .transform((value) => [...new Set(typeof value === 'string' ? [value] : value)])
  .meta({ description: 'A status; repeat the parameter for several (any of them matches).' });

export const listPromotionsQuerySchema = z.strictObject({
  repository: repositorySchema.meta({ description: 'Source or destination repository.' }).optional(),
  environment: environmentSchema.meta({ description: 'Source or destination environment.' }).optional(),
  tag: tagSchema.meta({ description: 'Source or destination tag.' }).optional(),
  digest: digestSchema.meta({ description: 'Source digest or result digest.' }).optional(),
  rule: nameSchema.meta({ description: 'Promotion rule name.' }).optional(),
  requestedBy: nameSchema
    .meta({ description: 'API token, webhook (`standard-webhooks#1`) or registry user that requested it.' })
    .optional(),
  requester: textFilterSchema
    .meta({
      description: 'Case-insensitive text in who requested it (`alice` finds `alice@example.com (oidc)`).',
    })
    .optional(),
  trigger: triggerKindSchema.optional(),
  kind: promotionKindSchema.optional(),
  q: textFilterSchema
    .meta({
      description:
        'Text in the source or destination tag (case-insensitive), or the start of the source or result digest (`sha256:4f2a…` or the hex alone).',
    })
    .optional(),
  status: statusFilterSchema.optional(),
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
