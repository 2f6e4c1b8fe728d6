/**
 * A PromotionRequest checked and matched against the rules, before any I/O: which rule applies, where
 * the image goes, and which tag (and optionally digest) was asked for. Pure, so every refusal a caller
 * can cause (4xx) is decided here and unit-tested without registries.
 */

import { isDigest } from '../../oci/digest.ts';
import { digestProblem, repositoryPathProblem, tagProblem } from '../../reference/index.ts';
import { matchRule, type RuleMatch, tagAllowed } from '../config/match-rule.ts';
import type { FerryConfig } from '../config/schema.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import type { PromotionRequest } from './promotion-request.ts';

export interface ResolvedRequest {
  readonly match: RuleMatch;
  /** The source tag, which is also the destination tag (promotion never renames tags). */
  readonly tag: string;
  /** A digest the request pinned itself; otherwise the tag is resolved at the source. */
  readonly digest: string | undefined;
}

function invalid(message: string): PromotionError {
  return new PromotionError(PromotionErrorCode.InvalidRequest, message);
}

export function resolveRequest(
  config: Pick<FerryConfig, 'environments' | 'promotions'>,
  request: PromotionRequest,
): ResolvedRequest {
  const { source } = request;
  const destination = request.destination ?? {};
  const repoProblem = repositoryPathProblem(source.repository);
  if (repoProblem !== undefined)
    throw invalid(`source.repository ${JSON.stringify(source.repository)} is invalid: ${repoProblem}`);
  if (source.environment === undefined && source.registry === undefined) {
    throw invalid('source needs an environment or a registry');
  }
  const tag = source.tag;
  if (tag === undefined) {
    // The destination tag is the source tag; without one there would be nothing to write in prod.
    throw invalid('source.tag is required: the destination is tagged with the source tag');
  }
  const badTag = tagProblem(tag);
  if (badTag !== undefined) throw invalid(`source.tag ${JSON.stringify(tag)} is invalid: ${badTag}`);
  if (source.digest !== undefined) {
    const badDigest = digestProblem(source.digest);
    if (badDigest !== undefined) throw invalid(`source.digest is invalid: ${badDigest}`);
    if (!isDigest(source.digest)) throw invalid('source.digest must be a sha256 or sha512 digest');
  }
  if (destination.tag !== undefined && destination.tag !== tag) {
    throw invalid(
      `destination.tag ${JSON.stringify(destination.tag)} differs from the source tag; promotion keeps the tag`,
    );
  }
  if (destination.digest !== undefined)
    throw invalid('destination.digest cannot be chosen; it is the source digest');
  if (destination.repository !== undefined) {
    const badRepo = repositoryPathProblem(destination.repository);
    if (badRepo !== undefined) throw invalid(`destination.repository is invalid: ${badRepo}`);
  }

  const match = matchRule(
    config,
    { environment: source.environment, registry: source.registry, repository: source.repository, tag },
    {
      environment: destination.environment,
      registry: destination.registry,
      repository: destination.repository,
    },
  );
  if (match === undefined) {
    const from = source.environment ?? source.registry;
    const to = destination.environment ?? destination.registry ?? destination.repository;
    throw new PromotionError(
      PromotionErrorCode.NoRule,
      `no promotion rule applies to ${from}:${source.repository}${to === undefined ? '' : ` → ${to}`}`,
    );
  }
  if (!tagAllowed(match.rule, tag)) {
    throw new PromotionError(
      PromotionErrorCode.TagNotAllowed,
      `tag ${JSON.stringify(tag)} is not allowed by rule "${match.rule.name}" (tags must match ${JSON.stringify(match.rule.tags)})`,
    );
  }
  return { match, tag, digest: source.digest };
}
