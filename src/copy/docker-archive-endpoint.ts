/**
 * Opening `docker-archive:FILE[:REF|:@N]` for reading or writing. A source can be wrapped so its
 * layers arrive gzip-compressed (for registry and OCI destinations, as skopeo compresses them); a
 * destination is written by `close(true)` and leaves nothing behind with `close(false)`.
 */
import { DockerArchiveReader } from '../layout/docker-archive-reader.ts';
import { DockerArchiveWriter } from '../layout/docker-archive-writer.ts';
import { formatReference } from '../reference/format-reference.ts';
import type { ImageReference } from '../reference/image-reference.ts';
import { tryParseReference } from '../reference/parse-reference.ts';
import { DockerArchiveDestination } from './docker-archive-destination.ts';
import { DockerArchiveSource } from './docker-archive-source.ts';
import type { CopySource } from './endpoints.ts';
import { GzipLayersSource } from './gzip-layers-source.ts';

export interface DockerArchiveTarget {
  readonly path: string;
  readonly ref?: ImageReference | undefined;
  readonly index?: number | undefined;
}

export interface OpenedArchiveSource {
  readonly repository: CopySource;
  close(commit: boolean): Promise<void>;
}

export interface OpenedArchiveDestination {
  readonly repository: DockerArchiveDestination;
  close(commit: boolean): Promise<void>;
}

export async function openDockerArchiveForRead(
  target: DockerArchiveTarget,
  options: { compressLayers?: boolean | undefined; tmpDir?: string | undefined } = {},
): Promise<OpenedArchiveSource> {
  const reader = await DockerArchiveReader.open(target.path, { tmpDir: options.tmpDir });
  try {
    const item = reader.choose(
      { ref: target.ref && formatReference(target.ref), index: target.index },
      canonicalRepoTag,
    );
    const source = new DockerArchiveSource(reader, await reader.image(item));
    if (!options.compressLayers) return { repository: source, close: () => reader.close() };
    const gzipped = new GzipLayersSource(source, { tmpDir: options.tmpDir });
    return {
      repository: gzipped,
      close: async () => {
        await gzipped.close();
        await reader.close();
      },
    };
  } catch (err) {
    await reader.close();
    throw err;
  }
}

/**
 * Every image name a docker-archive carries, as `skopeo list-tags docker-archive:FILE` lists them
 * (skopeo list_tags.go `listDockerArchiveTags`: each manifest.json item's RepoTags, normalised, in
 * order; unparsable entries are skipped, as containers/image's reader skips them).
 */
export async function listDockerArchiveTags(
  target: DockerArchiveTarget,
  options: { tmpDir?: string | undefined } = {},
): Promise<string[]> {
  const reader = await DockerArchiveReader.open(target.path, { tmpDir: options.tmpDir });
  try {
    return reader.items.flatMap((item) =>
      item.RepoTags.map(canonicalRepoTag).filter((t): t is string => t !== undefined),
    );
  } finally {
    await reader.close();
  }
}

/** RepoTags are the destination reference first, then the additional tags (duplicates dropped). */
export async function openDockerArchiveForWrite(
  target: DockerArchiveTarget,
  additionalTags: readonly ImageReference[] = [],
  options: { tmpDir?: string | undefined } = {},
): Promise<OpenedArchiveDestination> {
  const writer = await DockerArchiveWriter.create(target.path, { tmpDir: options.tmpDir });
  const repoTags = [...(target.ref ? [target.ref] : []), ...additionalTags].map((r) => formatReference(r));
  return {
    repository: new DockerArchiveDestination(writer, repoTags),
    close: (commit) => (commit ? writer.commit() : writer.discard()),
  };
}

/** A manifest.json RepoTags entry in the canonical form references are compared in. */
function canonicalRepoTag(repoTag: string): string | undefined {
  const parsed = tryParseReference(repoTag);
  return parsed.ok ? formatReference(parsed.ref) : undefined;
}
