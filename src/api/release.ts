/**
 * Releases: what each destination environment/repository/tag points at now, which promotion put it
 * there, and what was there before.
 *
 *   GET /api/v1/releases?environment=&repository=&rule=            200 {releases: Release[]}
 *   GET /api/v1/releases/{environment}/{repository…}/{tag}          200 {release, history: ReleaseEntry[]}
 *
 * `repository` may contain `/`; `environment` is `-` for a destination that names no environment.
 */
import { z } from 'zod';
import { environmentSchema, repositorySchema } from './field-schemas.ts';
import { promotionKindSchema } from './promotion-kinds.ts';
import { timestampSchema } from './timestamp.ts';

/** Path segment standing for "no environment" (a destination given by registry host only). */
export const NO_ENVIRONMENT_SEGMENT = '-';

export const releaseSchema = z
  .strictObject({
    environment: z.string().nullable(),
    registry: z.string(),
    repository: z.string(),
    tag: z.string(),
    digest: z.string().meta({ description: 'What the tag points at now.' }),
    promotionId: z.string().meta({ description: 'The promotion that put it there.' }),
    rule: z.string(),
    kind: promotionKindSchema,
    promotedBy: z.string(),
    approvedBy: z.array(z.string()),
    since: timestampSchema,
    previousDigest: z.string().nullable().meta({ description: 'What the tag pointed at before.' }),
  })
  .meta({ description: 'The current digest of one destination tag.' });

export type ReleaseView = z.output<typeof releaseSchema>;

export const releaseEntrySchema = z
  .strictObject({
    digest: z.string(),
    promotionId: z.string(),
    kind: promotionKindSchema,
    promotedBy: z.string(),
    at: timestampSchema,
    previousDigest: z.string().nullable(),
  })
  .meta({ description: 'One move of a destination tag.' });

export type ReleaseEntryView = z.output<typeof releaseEntrySchema>;

export const releaseListSchema = z
  .strictObject({ releases: z.array(releaseSchema) })
  .meta({ description: 'Current releases.' });

export const releaseDetailSchema = z
  .strictObject({
    release: releaseSchema,
    history: z.array(releaseEntrySchema).meta({ description: 'Newest first.' }),
  })
  .meta({ description: 'A release and the history of its tag.' });

export type ReleaseListBody = z.output<typeof releaseListSchema>;
export type ReleaseDetailBody = z.output<typeof releaseDetailSchema>;

const nameSchema = z.string().min(1).max(256);

export const listReleasesQuerySchema = z.strictObject({
  environment: environmentSchema.meta({ description: 'Destination environment.' }).optional(),
  repository: repositorySchema.meta({ description: 'Destination repository.' }).optional(),
  rule: nameSchema.meta({ description: 'Promotion rule name.' }).optional(),
});

export type ListReleasesQuery = z.output<typeof listReleasesQuerySchema>;
