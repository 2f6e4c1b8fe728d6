/**
 * Which promotion rule applies to a source image, and where it sends it. Pure: no I/O, no tag → digest
 * resolution, no policy; callers turn `undefined` into 404/422 and check `tagAllowed`, signatures and
 * approvals afterwards.
 *
 * A source names its registry by environment (`nonprod`) or by host (as OpenShift webhook bodies and
 * registry events do); a host is recognised by the environment's `registry` or one of its `aliases`,
 * case-insensitively and with default ports ignored. Rules are tried in config order; the first whose
 * source pattern matches *and* whose destination agrees with anything the request pinned wins, so a
 * request can choose between `nonprod → staging` and `nonprod → prod` rules for the same repository.
 */
import { PATH_COMPONENT_RE } from '../../reference/grammar.ts';
import { tryParseReference } from '../../reference/parse-reference.ts';
import { registryHostKey } from './registry-hosts.ts';
import { fillRepositoryTemplate, matchRepositoryPattern } from './repository-pattern.ts';
import type { FerryConfig, PromotionRule } from './schema.ts';

export interface RuleSource {
  readonly environment?: string | undefined;
  /** Registry host as the trigger reported it; any configured name of the environment's registry. */
  readonly registry?: string | undefined;
  readonly repository: string;
  readonly tag?: string | undefined;
}

/** Parts of the destination the request asked for; a rule producing anything else does not match. */
export interface RuleDestinationHint {
  readonly environment?: string | undefined;
  readonly registry?: string | undefined;
  readonly repository?: string | undefined;
}

export interface ResolvedSide {
  readonly environment: string;
  /** The environment's configured `registry` (never an alias): the host ferry connects to. */
  readonly registry: string;
  readonly repository: string;
  readonly tag?: string | undefined;
}

export interface RuleMatch {
  readonly rule: PromotionRule;
  readonly source: ResolvedSide;
  /** The tag is the source tag: promotion never renames tags. */
  readonly destination: ResolvedSide;
}

type RuleConfig = Pick<FerryConfig, 'environments' | 'promotions'>;

/** The first rule that applies to `source` (and agrees with `destination`), or undefined. */
export function matchRule(
  config: RuleConfig,
  source: RuleSource,
  destination: RuleDestinationHint = {},
): RuleMatch | undefined {
  // A repository outside the reference grammar can never be promoted; refusing here also means a
  // template can never be filled with anything but valid path components.
  if (!isRepository(source.repository)) return undefined;
  const sourceEnvironments = candidateEnvironments(config, source);
  const wantedEnvironments =
    destination.environment !== undefined || destination.registry !== undefined
      ? candidateEnvironments(config, destination)
      : undefined;

  for (const rule of config.promotions) {
    if (!sourceEnvironments.includes(rule.from.environment)) continue;
    if (wantedEnvironments !== undefined && !wantedEnvironments.includes(rule.to.environment)) continue;
    const captures = matchRepositoryPattern(rule.from.repository, source.repository);
    if (captures === undefined) continue;
    const repository = fillRepositoryTemplate(rule.to.repository, captures);
    if (destination.repository !== undefined && destination.repository !== repository) continue;
    const from = config.environments[rule.from.environment];
    const to = config.environments[rule.to.environment];
    if (from === undefined || to === undefined) continue;
    // `**` can make a destination longer than the 255-character name limit; such a rule cannot apply.
    if (!tryParseReference(`${to.registry}/${repository}`).ok) continue;
    return {
      rule,
      source: {
        environment: rule.from.environment,
        registry: from.registry,
        repository: source.repository,
        tag: source.tag,
      },
      destination: { environment: rule.to.environment, registry: to.registry, repository, tag: source.tag },
    };
  }
  return undefined;
}

/** Names of the environments whose registry is `host` (by `registry` or an alias); several may share one. */
export function environmentsForHost(config: Pick<FerryConfig, 'environments'>, host: string): string[] {
  const key = registryHostKey(host);
  return Object.entries(config.environments)
    .filter(([, environment]) =>
      [environment.registry, ...environment.aliases].some((h) => registryHostKey(h) === key),
    )
    .map(([name]) => name);
}

/** Whether `tag` is allowed by the rule's `tags` pattern, which must match the whole tag. */
export function tagAllowed(rule: Pick<PromotionRule, 'tags'>, tag: string): boolean {
  return new RegExp(`^(?:${rule.tags})$`).test(tag);
}

/**
 * Environments a side can mean: the named one, those whose registry is the given host, or both
 * (then they must agree: `nonprod` at a prod registry host means nothing).
 */
function candidateEnvironments(
  config: Pick<FerryConfig, 'environments'>,
  side: { readonly environment?: string | undefined; readonly registry?: string | undefined },
): string[] {
  const byHost = side.registry === undefined ? undefined : environmentsForHost(config, side.registry);
  if (side.environment === undefined) return byHost ?? [];
  if (!Object.hasOwn(config.environments, side.environment)) return [];
  if (byHost !== undefined && !byHost.includes(side.environment)) return [];
  return [side.environment];
}

/** Path grammar only: the name length limit depends on the registry and is checked for the destination. */
function isRepository(repository: string): boolean {
  return repository.split('/').every((component) => PATH_COMPONENT_RE.test(component));
}
