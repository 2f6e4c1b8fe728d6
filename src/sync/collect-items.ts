/**
 * Turn sync sources into the list of images to copy: list tags where a selection needs them (in
 * parallel across repositories), apply regex/semver filters, name each destination repository.
 */
import { COSIGN_SUFFIXES } from '../copy/artifacts.ts';
import type { CopyDestination, CopySource } from '../copy/endpoints.ts';
import { forEachLimit } from '../copy/limit.ts';
import { isDigest } from '../oci/digest.ts';
import type { PlatformSpec } from '../oci/platform.ts';
import { DestinationClaims, destinationRepository } from './destination-name.ts';
import type { RenameRule, TagSelection } from './sync-file.ts';
import type { SyncItem } from './sync-types.ts';
import { selectByRegex, selectBySemver } from './tag-filters.ts';

/** One source repository and how its tags are chosen. */
export interface SourceRepository {
  /** Registry host; undefined for a layout. */
  readonly registry: string | undefined;
  readonly repository: string;
  /** `registry/repo` or `oci:path:repo`, for labels. */
  readonly label: string;
  readonly selection: TagSelection;
  readonly platforms?: readonly PlatformSpec[] | undefined;
  readonly rename: readonly RenameRule[];
  open(): Promise<CopySource>;
}

export interface CollectOptions {
  readonly prefix: string;
  readonly scoped: boolean;
  /** Unscoped registry repositories keep only their last path component (see destinationRepository). */
  readonly lastComponent: boolean;
  /** When signatures travel with their images, cosign tags are not synced as images of their own. */
  readonly signatures: boolean;
  /** Applies where the source gives none. */
  readonly platforms?: readonly PlatformSpec[] | undefined;
  openDestination(repository: string): Promise<CopyDestination>;
  /** `registry/repo` or `oci:path:repo`. */
  destinationLabel(repository: string): string;
  /** A repository whose tags cannot be listed becomes a failure in the result instead of an error. */
  readonly keepGoing?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface CollectedItems {
  readonly items: SyncItem[];
  /** Source repositories that could not be enumerated (only with keepGoing). */
  readonly failures: { readonly source: string; readonly destination: string; readonly error: unknown }[];
}

const COSIGN_TAG = new RegExp(
  `^sha256-[a-f0-9]{64}(?:${COSIGN_SUFFIXES.map((s) => s.replace('.', '\\.')).join('|')})?$`,
);

export async function collectItems(
  sources: readonly SourceRepository[],
  options: CollectOptions,
): Promise<CollectedItems> {
  const perSource: SyncItem[][] = sources.map(() => []);
  const failures: CollectedItems['failures'][number][] = [];
  const destinations = new Map<string, Promise<CopyDestination>>();
  const claims = new DestinationClaims();
  const named = sources.map((src) => {
    const repository = destinationRepository(src.registry, src.repository, {
      prefix: options.prefix,
      scoped: options.scoped,
      lastComponent: options.lastComponent,
      rename: src.rename,
    });
    claims.claim(repository, src.registry ? `${src.registry}/${src.repository}` : src.label);
    return repository;
  });
  const destinationFor = (repository: string) => {
    let d = destinations.get(repository);
    if (!d) {
      d = options.openDestination(repository);
      destinations.set(repository, d);
    }
    return d;
  };
  await forEachLimit(
    sources.map((_, i) => i),
    8,
    async (i) => {
      const src = sources[i]!;
      const destRepo = named[i]!;
      let source: CopySource;
      let references: string[];
      let destination: CopyDestination;
      try {
        source = await src.open();
        references = await selectReferences(source, src.selection, options);
        destination = await destinationFor(destRepo);
      } catch (error) {
        if (!options.keepGoing) throw error;
        failures.push({ source: src.label, destination: options.destinationLabel(destRepo), error });
        return;
      }
      for (const reference of references) {
        const sep = isDigest(reference) ? '@' : ':';
        perSource[i]!.push({
          sourceLabel: `${src.label}${sep}${reference}`,
          destinationLabel: `${options.destinationLabel(destRepo)}${sep}${reference}`,
          source,
          reference,
          destination,
          destinationTag: isDigest(reference) ? undefined : reference,
          platforms: src.platforms ?? options.platforms,
        });
      }
    },
  );
  return { items: perSource.flat(), failures };
}

async function selectReferences(
  source: CopySource,
  selection: TagSelection,
  options: CollectOptions,
): Promise<string[]> {
  if (selection.kind === 'list') return [...selection.references];
  const all = await listAllTags(source, options.signal);
  const tags = options.signatures ? all.filter((t) => !COSIGN_TAG.test(t)) : all;
  if (selection.kind === 'all') return tags;
  if (selection.kind === 'regex') return selectByRegex(tags, selection.pattern);
  return selectBySemver(tags, selection.constraint);
}

/** Every tag, following `Link` pagination. */
export async function listAllTags(source: CopySource, signal?: AbortSignal): Promise<string[]> {
  const tags: string[] = [];
  let next: string | undefined;
  do {
    const page = await source.listTagsPage(next, signal);
    tags.push(...page.tags);
    next = page.next;
  } while (next);
  return tags;
}
