/**
 * A repository path without registry, tag or digest (`team-a/app`): the `path` grammar of
 * distribution/reference, `path-component ['/' path-component]*` with
 * `path-component := [a-z0-9]+ (separator [a-z0-9]+)*`, separator `.`, `_`, `__` or a run of `-`.
 *
 * The 255-character name limit counts the registry too; repositoryPathProblem can only check the path's
 * own length, so a caller that knows the registry checks the whole reference again (tryParseReference).
 */
import { NAME_TOTAL_LENGTH_MAX, PATH_COMPONENT_RE } from './grammar.ts';
import { characterProblem } from './part-characters.ts';

const PATH_CHAR_RE = /^[A-Za-z0-9._/-]$/;

/** Why one `/`-separated component is invalid (a phrase that reads after `"…" is invalid: `), or undefined. */
export function pathComponentProblem(component: string): string | undefined {
  if (component === '') return 'is empty';
  if (PATH_COMPONENT_RE.test(component)) return undefined;
  const bad = /[^a-z0-9._-]/.exec(component);
  if (bad !== null) return `contains "${bad[0]}" (allowed: lowercase letters, digits, ".", "_", "-")`;
  if (/^[._-]/.test(component)) return 'must start with a lowercase letter or digit';
  if (/[._-]$/.test(component)) return 'must end with a lowercase letter or digit';
  // Remaining failure: a separator run that is not ".", "_", "__" or a run of "-".
  for (const match of component.matchAll(/[._-]+/g)) {
    const sep = match[0];
    if (sep === '.' || sep === '_' || sep === '__' || /^-+$/.test(sep)) continue;
    return `separator "${sep}" is not allowed (use one ".", one or two "_", or dashes)`;
  }
  return 'does not match the path component grammar';
}

/**
 * The grammar of a path whose characters are already known to be printable ASCII (the reference parser
 * checked the whole string): lowercase, then each component, the reason naming the first bad one.
 */
export function pathGrammarProblem(path: string): string | undefined {
  if (path.toLowerCase() !== path) return 'repository name must be lowercase';
  for (const component of path.split('/')) {
    if (component === '') return 'empty path component (leading, trailing or doubled "/")';
    const reason = pathComponentProblem(component);
    if (reason !== undefined) return `path component "${component}" is invalid: ${reason}`;
  }
  return undefined;
}

/** Why `path` is not a repository path (a phrase that reads after `"…" is invalid: `), or undefined. */
export function repositoryPathProblem(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (path.includes('@') || path.includes(':')) {
    return 'must be a repository path only, without registry port, tag or digest (e.g. "team-a/app")';
  }
  if (path.length > NAME_TOTAL_LENGTH_MAX) return `longer than ${NAME_TOTAL_LENGTH_MAX} characters`;
  const bad = characterProblem(path, PATH_CHAR_RE, 'lowercase letters, digits, ".", "_", "-", "/"');
  if (bad !== undefined) return bad;
  return pathGrammarProblem(path);
}
