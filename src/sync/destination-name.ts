import { fillRepositoryTemplate, matchRepositoryPattern } from '../reference/repository-pattern.ts';
import type { RenameRule } from './sync-file.ts';

export interface NamingOptions {
  /** Repository path prefix at the destination (`prod` in `--dest docker registry/prod`), or ''. */
  readonly prefix: string;
  /** Prefix the source registry host, like skopeo's `--scoped` (keeps same-named repos apart). */
  readonly scoped: boolean;
  /** First matching rule wins; a match replaces the scoped/plain path. */
  readonly rename: readonly RenameRule[];
}

/**
 * Where a source repository lands. ferry keeps the whole repository path (`team-a/app` →
 * `DEST/team-a/app`); skopeo keeps only its last component unless `--scoped`, which silently merges
 * `team-a/app` and `team-b/app` into one repository. `--scoped` adds the source registry host (its
 * ":port" written "_port", since ":" cannot appear in a repository path). Rename rules map paths
 * explicitly (`team-a/*` → `prod/team-a/*`).
 */
export function destinationRepository(
  sourceRegistry: string | undefined,
  repository: string,
  options: NamingOptions,
): string {
  let path: string | undefined;
  for (const rule of options.rename) {
    const captures = matchRepositoryPattern(rule.from, repository);
    if (captures) {
      path = fillRepositoryTemplate(rule.to, captures);
      break;
    }
  }
  path ??=
    options.scoped && sourceRegistry ? `${sourceRegistry.replace(/:/g, '_')}/${repository}` : repository;
  return options.prefix ? `${options.prefix}/${path}` : path;
}
