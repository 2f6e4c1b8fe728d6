/**
 * Body of `POST /api/v1/promotions` (authentication with a bearer API token happens in the HTTP layer,
 * which passes the token's name in as the actor):
 *
 *   { "source": { "environment"?, "registry"?, "repository", "tag"?, "digest"? },
 *     "destination"?: { "environment"?, "registry"?, "repository"?, "tag"? },
 *     "labels"?: { "key": "value" }, "gitCommit"?: "<hex>" }
 *
 * Strict: unknown fields are refused (a misspelt `destnation` must not silently promote with rule
 * defaults). The source needs a tag or a digest; the destination never takes a digest, because what
 * lands there is by definition the source's digest.
 */
import { z } from 'zod';
import {
  digestProblem,
  registryHostProblem,
  repositoryPathProblem,
  tagProblem,
} from '../../reference/index.ts';
import type { PromotionRequest, PromotionSide } from '../promote/promotion-request.ts';
import { compact } from './compact.ts';
import { canonicalRegistryHost, referenceProblem } from './field-rules.ts';
import {
  digestSchema,
  environmentSchema,
  gitCommitSchema,
  labelsSchema,
  parseWithSchema,
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
  if (repository === undefined || repositoryPathProblem(repository) !== undefined) return;
  if (tag !== undefined && tagProblem(tag) !== undefined) return;
  if (digest !== undefined && digestProblem(digest) !== undefined) return;
  const reason = referenceProblem({ registry, repository, tag, digest });
  if (reason !== undefined) ctx.addIssue({ code: 'custom', message: `the reference is invalid: ${reason}` });
}

const sourceSchema = z
  .strictObject({
    environment: environmentSchema.optional(),
    registry: registryHostSchema.optional(),
    repository: repositorySchema,
    tag: tagSchema.optional(),
    digest: digestSchema.optional(),
  })
  .superRefine((side, ctx) => {
    if (side.tag === undefined && side.digest === undefined) {
      ctx.addIssue({ code: 'custom', message: 'needs a "tag" or a "digest" (or both)' });
    }
    checkWholeReference(side, ctx);
  });

const destinationSchema = z
  .strictObject({
    environment: environmentSchema.optional(),
    registry: registryHostSchema.optional(),
    repository: repositorySchema.optional(),
    tag: tagSchema.optional(),
  })
  .superRefine(checkWholeReference);

const restPromotionBodySchema = z.strictObject({
  source: sourceSchema,
  destination: destinationSchema.optional(),
  labels: labelsSchema.optional(),
  gitCommit: gitCommitSchema.optional(),
});

/** What a client of `POST /api/v1/promotions` sends. */
export type RestPromotionBody = z.input<typeof restPromotionBodySchema>;

export interface RestPromotionOptions {
  /** Name of the API token that authenticated the request. */
  readonly actor: string;
  /** Idempotency key supplied by the client, if the HTTP layer accepts one. */
  readonly deliveryId?: string | undefined;
}

/** Validates a parsed REST body (see parse-body.ts) and turns it into a PromotionRequest, or throws 400. */
export function parseRestPromotionBody(value: unknown, options: RestPromotionOptions): PromotionRequest {
  const body = parseWithSchema(restPromotionBodySchema, value, 'promotion request');
  const source: PromotionSide = compact({
    ...body.source,
    registry: body.source.registry === undefined ? undefined : canonicalRegistryHost(body.source.registry),
  });
  const destination =
    body.destination === undefined
      ? undefined
      : compact({
          ...body.destination,
          registry:
            body.destination.registry === undefined
              ? undefined
              : canonicalRegistryHost(body.destination.registry),
        });
  return {
    source,
    ...(destination === undefined || Object.keys(destination).length === 0 ? {} : { destination }),
    trigger: {
      kind: 'api',
      actor: options.actor,
      ...(options.deliveryId === undefined ? {} : { deliveryId: options.deliveryId }),
    },
    ...(body.gitCommit === undefined ? {} : { gitCommit: body.gitCommit.toLowerCase() }),
    ...(body.labels === undefined ? {} : { labels: body.labels }),
  };
}
