/**
 * Repository patterns and templates (`team-a/*` → `prod/team-a/*`), shared by promotion rules and
 * `ferry sync` rename rules.
 *
 * One scheme, chosen for being readable at a glance and impossible to get subtly wrong:
 * - a pattern is a repository path whose segments are literals, `*` (exactly one segment) or `**` (one
 *   or more segments; at most one per pattern, so matching is never ambiguous);
 * - wildcards are whole segments only (`team-a/app-*` is refused): partial-segment globs invite patterns
 *   that match more than intended;
 * - the destination is a template with the *same wildcards in the same order*; each is replaced by what
 *   its counterpart captured. Requiring the same sequence makes the mapping one-to-one, so two source
 *   repositories can never be mapped onto the same destination repository.
 *
 * Literal segments are checked against the reference grammar, so a rule can only ever produce
 * repository names the registry client accepts.
 */
import { tryParseReference } from './parse-reference.ts';

export type Wildcard = '*' | '**';

/** Why `pattern` is not a valid repository pattern, or undefined. */
export function checkRepositoryPattern(pattern: string): string | undefined {
  if (pattern === '') return 'repository pattern is empty';
  if (/[:@]/.test(pattern)) return 'a repository pattern has no tag (":") or digest ("@")';
  const segments = pattern.split('/');
  let doubleStars = 0;
  for (const segment of segments) {
    if (segment === '**') doubleStars++;
    else if (segment !== '*' && segment.includes('*')) {
      return `"${segment}": "*" and "**" must be whole path segments (e.g. "team-a/*")`;
    }
  }
  if (doubleStars > 1) return 'at most one "**" per pattern (more would make matches ambiguous)';
  // Substitute a valid component for each wildcard and let the reference grammar judge the literals.
  const probePath = segments
    .map((segment) => (segment === '*' || segment === '**' ? 'x' : segment))
    .join('/');
  const probe = tryParseReference(`ferry.invalid/${probePath}`);
  if (!probe.ok) return probe.reason;
  return undefined;
}

/** The wildcards of a pattern, in order. */
export function wildcardsOf(pattern: string): Wildcard[] {
  return pattern.split('/').filter((segment): segment is Wildcard => segment === '*' || segment === '**');
}

/**
 * What the wildcards of `pattern` captured from `repository`, in order, or undefined if it does not
 * match. `**` captures its segments joined with "/".
 */
export function matchRepositoryPattern(pattern: string, repository: string): string[] | undefined {
  const want = pattern.split('/');
  const have = repository.split('/');
  const globstar = want.indexOf('**');
  if (globstar === -1) {
    if (want.length !== have.length) return undefined;
    return matchSegments(want, have);
  }
  const prefix = want.slice(0, globstar);
  const suffix = want.slice(globstar + 1);
  const middleLength = have.length - prefix.length - suffix.length;
  if (middleLength < 1) return undefined;
  const before = matchSegments(prefix, have.slice(0, prefix.length));
  const after = matchSegments(suffix, have.slice(have.length - suffix.length));
  if (before === undefined || after === undefined) return undefined;
  const middle = have.slice(prefix.length, prefix.length + middleLength).join('/');
  return [...before, middle, ...after];
}

function matchSegments(want: readonly string[], have: readonly string[]): string[] | undefined {
  const captures: string[] = [];
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    if (segment === '*') captures.push(have[i]!);
    else if (segment !== have[i]) return undefined;
  }
  return captures;
}

/** Fills the template's wildcards with `captures`, in order (the schema guarantees the counts agree). */
export function fillRepositoryTemplate(template: string, captures: readonly string[]): string {
  let next = 0;
  return template
    .split('/')
    .map((segment) => (segment === '*' || segment === '**' ? (captures[next++] ?? segment) : segment))
    .join('/');
}
