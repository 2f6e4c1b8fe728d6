/**
 * Bodies a client sends to `/api/v1/promotions` (authenticated with a bearer API token):
 *
 *   POST /api/v1/promotions
 *     { "source": { "environment"?, "registry"?, "repository", "tag"?, "digest"? },
 *       "destination"?: { "environment"?, "registry"?, "repository"?, "tag"? },
 *       "labels"?: { "key": "value" }, "gitCommit"?: "<hex>" }
 *   POST /api/v1/promotions/{id}/approve | reject     { "comment"? }
 *
 * Strict: unknown fields are refused (a misspelt `destnation` must not silently promote with rule
 * defaults). The source needs a tag or a digest; the destination never takes a digest, because what
 * lands there is by definition the source's digest.
 */
import { z } from 'zod';
import {
  digestProblem,
  referenceProblem,
  registryHostProblem,
  repositoryProblem,
  tagProblem,
} from './field-rules.ts';
import {
  digestSchema,
  environmentSchema,
  gitCommitSchema,
  labelsSchema,
  registryHostSchema,
  repositorySchema,
  tagSchema,
} from './field-schemas.ts';

/**
 * Issues for limits that only apply to the whole reference (name length counts the registry, so only
 * when one is given). Skipped when a part is already invalid on its own: that part has its own issue.
 */
function checkWholeReference(
  side: {
    registry?: string | undefined;
    repository?: string | undefined;
    tag?: string | undefined;
    digest?: string | undefined;
  },
  ctx: z.core.$RefinementCtx,
): void {
  const { registry, repository, tag, digest } = side;
  if (registry === undefined || registryHostProblem(registry) !== undefined) return;
  if (repository === undefined || repositoryProblem(repository) !== undefined) return;
  if (tag !== undefined && tagProblem(tag) !== undefined) return;
  if (digest !== undefined && digestProblem(digest) !== undefined) return;
  const reason = referenceProblem({ registry, repository, tag, digest });
  if (reason !== undefined) ctx.addIssue({ code: 'custom', message: `the reference is invalid: ${reason}` });
}

const environment = environmentSchema.meta({ description: 'Configured environment name (e.g. `nonprod`).' });
const registry = registryHostSchema.meta({
  description: 'Registry `host[:port]`; an alternative to `environment`.',
});
const repository = repositorySchema.meta({
  description: 'Repository path without registry, e.g. `team-a/app`.',
});
const tag = tagSchema.meta({ description: 'Tag (reference grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`).' });

export const promotionSourceRequestSchema = z
  .strictObject({
    environment: environment.optional(),
    registry: registry.optional(),
    repository,
    tag: tag.optional(),
    digest: digestSchema.meta({ description: '`sha256:<64 hex>`; pins the exact image.' }).optional(),
  })
  .superRefine((side, ctx) => {
    if (side.tag === undefined && side.digest === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs a "tag" or a "digest" (or both)' });
    }
    checkWholeReference(side, ctx);
  })
  .meta({ description: 'What to promote. Needs a tag or a digest (or both).' });

export const promotionDestinationRequestSchema = z
  .strictObject({
    environment: environment.optional(),
    registry: registry.optional(),
    repository: repository.optional(),
    tag: tag.optional(),
  })
  .superRefine(checkWholeReference)
  .meta({ description: 'Absent or partial: the matching rule supplies the rest.' });

export const promotionRequestBodySchema = z
  .strictObject({
    source: promotionSourceRequestSchema,
    destination: promotionDestinationRequestSchema.optional(),
    labels: labelsSchema
      .meta({ description: 'Free-form labels carried into the audit record (at most 32).' })
      .optional(),
    gitCommit: gitCommitSchema.meta({ description: 'Git commit id, 4-64 hex digits.' }).optional(),
  })
  .meta({ description: 'Unknown fields are refused.' });

/** What a client of `POST /api/v1/promotions` sends. */
export type PromotionRequestBody = z.input<typeof promotionRequestBodySchema>;

export const MAX_COMMENT_LENGTH = 2000;

export const commentBodySchema = z
  .strictObject({ comment: z.string().max(MAX_COMMENT_LENGTH).optional() })
  .meta({ description: 'An optional comment, kept with the decision in the audit trail.' });

export type CommentBody = z.input<typeof commentBodySchema>;
