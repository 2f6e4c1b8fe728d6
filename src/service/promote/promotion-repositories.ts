import type { Registries } from '../../registry/registries.ts';
import type { Repository } from '../../registry/repository.ts';
import { environmentsForHost } from '../config/match-rule.ts';
import type { FerryConfig } from '../config/schema.ts';
import type { EndpointLookup } from './endpoints.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';

/** What finding a repository needs: the engine context has all three. */
export interface RepositoryContext {
  readonly config: Pick<FerryConfig, 'environments'>;
  readonly endpoint: EndpointLookup;
  readonly registries: Registries;
}

/** A side of a stored promotion → the repository to talk to, through its environment's endpoint. */
export async function repositoryFor(
  { config, endpoint, registries }: RepositoryContext,
  side: { readonly environment: string | null; readonly registry: string; readonly repository: string },
  push: boolean,
): Promise<Repository> {
  // Rows written by ferry always name the environment; the host lookup covers rows from elsewhere.
  const name = side.environment ?? environmentsForHost(config, side.registry)[0];
  const found = name === undefined ? undefined : endpoint(name);
  if (name === undefined || found === undefined) {
    throw new PromotionError(
      PromotionErrorCode.NoRule,
      `environment ${name ?? side.registry} is not configured (any more)`,
    );
  }
  return registries.repository(found, side.registry, side.repository, push);
}
