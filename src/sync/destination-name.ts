import { BadUsageError } from '../errors/kinds.ts';
import { fillRepositoryTemplate, matchRepositoryPattern } from '../reference/repository-pattern.ts';
import type { RenameRule } from './sync-file.ts';

export interface NamingOptions {
  /** Repository path prefix at the destination (`prod` in `--dest docker registry/prod`), or ''. */
  readonly prefix: string;
  /** Prefix the source registry host, like skopeo's `--scoped` (keeps same-named repos apart). */
  readonly scoped: boolean;
  /**
   * Without `--scoped`, a registry repository keeps only its last path component (skopeo sync:
   * `path.Base` of the source reference). Layout destinations keep whole paths instead, so an archive
   * carried across an air gap unpacks to the names it was packed from.
   */
  readonly lastComponent: boolean;
  /** First matching rule wins; a match replaces the scoped/plain path. */
  readonly rename: readonly RenameRule[];
}

/**
 * Where a source repository lands. As skopeo sync does, `team-a/app` from a registry lands at
 * `DEST/app` (`lastComponent`), and with `--scoped` at `DEST/<registry>/team-a/app` (the registry's
 * ":port" written "_port", since ":" cannot appear in a repository path). Two repositories that would
 * land in one are refused by the caller (see `DestinationClaims`): skopeo merges them silently. Rename
 * rules map paths explicitly (`team-a/*` → `prod/team-a/*`).
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
  if (path === undefined) {
    if (options.scoped && sourceRegistry) path = `${sourceRegistry.replace(/:/g, '_')}/${repository}`;
    else if (options.lastComponent && sourceRegistry)
      path = repository.slice(repository.lastIndexOf('/') + 1);
    else path = repository;
  }
  return options.prefix ? `${options.prefix}/${path}` : path;
}

/**
 * Which source repository each destination repository receives. A second, different source for the
 * same destination is refused before anything is copied: its tags would overwrite the first's.
 */
export class DestinationClaims {
  readonly #owners = new Map<string, string>();

  claim(destination: string, source: string): void {
    const owner = this.#owners.get(destination);
    if (owner === undefined) this.#owners.set(destination, source);
    else if (owner !== source) {
      throw new BadUsageError(
        `${owner} and ${source} would both be synced to repository ${destination}; ` +
          'use --scoped or a rename rule to keep them apart',
      );
    }
  }
}
