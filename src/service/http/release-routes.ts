/**
 * The releases API: what each destination tag ferry wrote points at now, and how it got there.
 *
 *   GET /api/v1/releases?environment=&repository=&rule=      view   200 {releases}
 *   GET /api/v1/releases/{environment}/{repository…}/{tag}   view   200 {release, history}
 *
 * The repository may contain slashes, so the path is split at its first and last segment: the first
 * is the environment ("-" for a destination outside any environment), the last the tag. History is
 * newest first. See docs/releases.md. Shapes and query parameters are the contract's (api/release.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { environmentSchema, formatIssues, repositorySchema, tagSchema } from '../../api/field-schemas.ts';
import { PATHS } from '../../api/paths.ts';
import {
  listReleasesQuerySchema,
  NO_ENVIRONMENT_SEGMENT,
  type ReleaseDetailBody,
  type ReleaseListBody,
} from '../../api/release.ts';
import { badRequest, notFound } from './errors.ts';
import { toReleaseEntryView, toReleaseView } from './promotion-view.ts';
import { parseQuery } from './request-query.ts';
import type { RouteContext } from './route-context.ts';

export const RELEASES_PATH = PATHS.releases;

/** The path segment that stands for "no environment". */
export const NO_ENVIRONMENT = NO_ENVIRONMENT_SEGMENT;

interface ReleasePath {
  readonly environment: string | null;
  readonly repository: string;
  readonly tag: string;
}

/** One path segment checked with `schema`; a 400 naming the segment otherwise. */
function segment<T extends z.ZodType>(schema: T, value: string, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(`invalid ${what} in the path: ${formatIssues(result.error.issues)}`, [what]);
}

function releasePathOf(request: FastifyRequest): ReleasePath {
  const rest = (request.params as Record<string, string>)['*'] ?? '';
  const segments = rest.split('/');
  if (segments.length < 3 || segments.some((segment) => segment === '')) {
    throw notFound(
      `${RELEASES_PATH}/${rest.slice(0, 200)} is not a release: use ${RELEASES_PATH}/{environment}/{repository}/{tag}`,
    );
  }
  const environment = segments[0]!;
  const tag = segments[segments.length - 1]!;
  const repository = segments.slice(1, -1).join('/');
  return {
    environment:
      environment === NO_ENVIRONMENT ? null : segment(environmentSchema, environment, 'environment'),
    repository: segment(repositorySchema, repository, 'repository'),
    tag: segment(tagSchema, tag, 'tag'),
  };
}

export function registerReleaseRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { service, auth } = ctx;

  app.get(RELEASES_PATH, { onRequest: auth.require('view') }, async (request): Promise<ReleaseListBody> => {
    const query = parseQuery(listReleasesQuerySchema, request.query);
    return { releases: (await service.releases(query)).map(toReleaseView) };
  });

  app.get(
    `${RELEASES_PATH}/*`,
    { onRequest: auth.require('view') },
    async (request): Promise<ReleaseDetailBody> => {
      const { environment, repository, tag } = releasePathOf(request);
      const found = await service.release(environment, repository, tag);
      if (found === undefined) {
        throw notFound(
          `ferry has not written ${environment ?? NO_ENVIRONMENT}/${repository}:${tag}: no release to show`,
        );
      }
      return { release: toReleaseView(found.release), history: found.history.map(toReleaseEntryView) };
    },
  );
}
