/**
 * The parts of a config that are valid on their own, even when the whole is not. Cross-reference and
 * file checks run on these, so one ConfigError can report a typo in one rule *and* an unknown
 * environment in another instead of revealing problems one restart at a time.
 */

import type { AuthConfig } from './auth-schema.ts';
import { splitEnvironmentPattern } from './repository-pattern.ts';
import type {
  ApiTokenConfig,
  ConfigSchemas,
  EnvironmentConfig,
  NotifyTarget,
  PromotionRule,
  ServerConfig,
  TriggersConfig,
} from './schema.ts';

/** Key path into the config, as zod and the YAML locator use it. */
export type KeyPath = readonly (string | number)[];

/** `promotions[2].to`-style rendering of a key path (keys that are not plain words are quoted). */
export function formatKeyPath(path: KeyPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** A problem (or warning) at a key path, before it is given a file position. */
export interface PathProblem {
  readonly path: KeyPath;
  readonly message: string;
  /** A stable `FERRY_E_*` code, for problems scripts tell apart (an attestation key's passphrase …). */
  readonly code?: string | undefined;
}

export interface Indexed<T> {
  readonly index: number;
  readonly value: T;
}

export interface RuleHead {
  readonly name?: string | undefined;
  readonly fromEnvironment?: string | undefined;
  readonly toEnvironment?: string | undefined;
  /** Whether the rule lists its `triggers` itself (the default list is never checked against `triggers:`). */
  readonly triggersGiven: boolean;
}

export interface ConfigPieces {
  /** Every key under `environments` (valid or not), or undefined if it is not a mapping. */
  readonly environmentNames: readonly string[] | undefined;
  readonly environments: ReadonlyMap<string, EnvironmentConfig>;
  readonly promotions: readonly Indexed<PromotionRule>[];
  /** `name` of every promotion rule that has a string one, valid or not (for references to rules). */
  readonly promotionNames: readonly string[];
  /**
   * Each rule's name and source/destination environment read on their own, so a rule with an error
   * elsewhere still gets its environment references and name uniqueness checked.
   */
  readonly ruleHeads: readonly Indexed<RuleHead>[];
  readonly notify: readonly Indexed<NotifyTarget>[];
  readonly apiTokens: readonly Indexed<ApiTokenConfig>[];
  /** `name` of every API token entry that has a string one, valid or not. */
  readonly apiTokenNames: readonly string[];
  /** Whether every API token entry is valid (checks that count tokens are only meaningful then). */
  readonly apiTokensComplete: boolean;
  /** Each trigger that is valid on its own. */
  readonly triggers: Partial<TriggersConfig>;
  readonly server: ServerConfig | undefined;
  /** The `auth` section, when valid on its own. */
  readonly auth: AuthConfig | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validItems<T>(raw: unknown, parse: (item: unknown) => T | undefined): Indexed<T>[] {
  if (!Array.isArray(raw)) return [];
  const items: Indexed<T>[] = [];
  raw.forEach((item, index) => {
    const value = parse(item);
    if (value !== undefined) items.push({ index, value });
  });
  return items;
}

function namesOf(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item) => (isRecord(item) && typeof item['name'] === 'string' ? [item['name']] : []));
}

function ruleHead(item: unknown): RuleHead | undefined {
  if (!isRecord(item)) return undefined;
  const environmentOf = (value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    const split = splitEnvironmentPattern(value);
    return typeof split === 'string' ? undefined : split.environment;
  };
  return {
    name: typeof item['name'] === 'string' ? item['name'] : undefined,
    fromEnvironment: environmentOf(item['from']),
    toEnvironment: environmentOf(item['to']),
    triggersGiven: item['triggers'] !== undefined,
  };
}

function collectTriggers(raw: unknown, schemas: ConfigSchemas): Partial<TriggersConfig> {
  const triggers = isRecord(raw) ? raw : {};
  const webhook = (key: string) => schemas.webhookTrigger.safeParse(triggers[key]).data;
  const registryEvent = (key: string) => schemas.registryEventTrigger.safeParse(triggers[key]).data;
  const parts: Partial<TriggersConfig> = {
    api: schemas.apiTrigger.safeParse(triggers['api']).data,
    standardWebhooks: webhook('standardWebhooks'),
    github: webhook('github'),
    openshift: webhook('openshift'),
    distribution: registryEvent('distribution'),
    harbor: registryEvent('harbor'),
  };
  return Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== undefined));
}

/** Parses each part of `raw` (the YAML as plain data) on its own with `schemas`. */
export function collectPieces(raw: unknown, schemas: ConfigSchemas): ConfigPieces {
  const root = isRecord(raw) ? raw : {};
  const environments = new Map<string, EnvironmentConfig>();
  const rawEnvironments = root['environments'];
  if (isRecord(rawEnvironments)) {
    for (const [name, value] of Object.entries(rawEnvironments)) {
      const parsed = schemas.environment.safeParse(value);
      if (parsed.success) environments.set(name, parsed.data);
    }
  }
  const apiTokens = validItems(root['apiTokens'], (item) => schemas.apiToken.safeParse(item).data);
  const rawApiTokens = root['apiTokens'];
  return {
    environmentNames: isRecord(rawEnvironments) ? Object.keys(rawEnvironments) : undefined,
    environments,
    promotions: validItems(root['promotions'], (item) => schemas.promotion.safeParse(item).data),
    promotionNames: namesOf(root['promotions']),
    ruleHeads: validItems(root['promotions'], ruleHead),
    notify: validItems(root['notify'], (item) => schemas.notifyTarget.safeParse(item).data),
    apiTokens,
    apiTokenNames: namesOf(rawApiTokens),
    apiTokensComplete:
      rawApiTokens === undefined || (Array.isArray(rawApiTokens) && apiTokens.length === rawApiTokens.length),
    triggers: collectTriggers(root['triggers'], schemas),
    server: schemas.server.safeParse(root['server']).data,
    auth: schemas.auth.safeParse(root['auth']).data,
  };
}
