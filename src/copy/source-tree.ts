import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { NotFoundError } from '../errors/kinds.ts';
import type { ParsedManifest } from '../oci/manifest.ts';
import type { CopySource } from './endpoints.ts';
import type { SourceTree } from './plan.ts';

const MAX_DEPTH = 4;

/** Fetch a manifest and, for an index, all manifests beneath it (in parallel), each digest-verified. */
export async function fetchSourceTree(
  repo: CopySource,
  reference: string,
  signal?: AbortSignal,
): Promise<SourceTree> {
  const top = await repo.getManifest(reference, signal);
  if (!top) throw new NotFoundError(`${repo.registry}/${repo.name}:${reference} not found`);
  const children = new Map<string, ParsedManifest>();
  await fetchChildren(repo, top.parsed, children, 0, signal);
  return { digest: top.digest, top: top.parsed, children };
}

/** The same, for a tree whose top manifest was already fetched. */
export async function completeTree(
  repo: CopySource,
  digest: string,
  top: ParsedManifest,
  signal?: AbortSignal,
): Promise<SourceTree> {
  const children = new Map<string, ParsedManifest>();
  await fetchChildren(repo, top, children, 0, signal);
  return { digest, top, children };
}

async function fetchChildren(
  repo: CopySource,
  parent: ParsedManifest,
  into: Map<string, ParsedManifest>,
  depth: number,
  signal?: AbortSignal,
): Promise<void> {
  if (parent.kind !== 'index') return;
  if (depth >= MAX_DEPTH) throw new FerryError(ErrorCode.BadManifest, 'index nesting is too deep');
  await Promise.all(
    parent.manifest.manifests.map(async (entry) => {
      if (into.has(entry.digest)) return;
      const child = await repo.getManifest(entry.digest, signal);
      if (!child)
        throw new NotFoundError(`${repo.registry}/${repo.name}@${entry.digest} (index entry) not found`);
      into.set(entry.digest, child.parsed);
      await fetchChildren(repo, child.parsed, into, depth + 1, signal);
    }),
  );
}
