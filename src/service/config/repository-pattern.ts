/**
 * Environment-qualified repository patterns of promotion rules (`from: nonprod:team-a/*`). The pattern
 * scheme itself (wildcards, templates) lives in reference/repository-pattern.ts, shared with sync.
 */
export {
  checkRepositoryPattern,
  fillRepositoryTemplate,
  matchRepositoryPattern,
  type Wildcard,
  wildcardsOf,
} from '../../reference/repository-pattern.ts';

/** Environment names: they appear before ":" in rules and in URLs and metrics labels. */
export const ENVIRONMENT_NAME_RE = /^[a-z][a-z0-9_-]{0,62}$/;

export interface EnvironmentPattern {
  readonly environment: string;
  /** Repository pattern (for `from`) or template (for `to`), e.g. `team-a/*`. */
  readonly repository: string;
}

/** Splits `env:pattern`; returns a reason when the shape is wrong (the pattern itself is checked separately). */
export function splitEnvironmentPattern(value: string): EnvironmentPattern | string {
  const colon = value.indexOf(':');
  if (colon === -1) return 'expected "<environment>:<repository pattern>", e.g. "nonprod:team-a/*"';
  const environment = value.slice(0, colon);
  const repository = value.slice(colon + 1);
  if (!ENVIRONMENT_NAME_RE.test(environment)) {
    return `"${environment.slice(0, 64)}" is not an environment name (lowercase letters, digits, "-", "_", starting with a letter); expected "<environment>:<repository pattern>"`;
  }
  return { environment, repository };
}
