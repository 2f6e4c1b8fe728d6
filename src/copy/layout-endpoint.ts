/**
 * Opening `oci:PATH[:NAME]` and `oci-archive:FILE[:NAME]` for reading or writing. An archive is
 * worked on as an extracted / to-be-packed layout (see layout/oci-archive.ts); `close(true)` packs a
 * written archive, `close(false)` discards it so a failed copy never leaves a partial tarball.
 */
import { OciArchiveReader, OciArchiveWriter } from '../layout/oci-archive.ts';
import { OciLayoutDir } from '../layout/oci-layout-dir.ts';
import { LayoutRepository } from './layout-repository.ts';

export interface LayoutTarget {
  readonly transport: 'oci' | 'oci-archive';
  readonly path: string;
}

export interface OpenedLayout {
  readonly layout: OciLayoutDir;
  /** A repository view with the given scope ('' = names as written). */
  repository(scope?: string): LayoutRepository;
  /** Finish: for a written archive, pack it (`commit`) or throw it away. Always removes temp files. */
  close(commit: boolean): Promise<void>;
}

/** `sharedBlobDir`: blobs of an `oci:` layout kept in a shared directory (see OpenLayoutOptions). */
export async function openLayoutForRead(
  target: LayoutTarget,
  tmpDir?: string,
  sharedBlobDir?: string,
): Promise<OpenedLayout> {
  if (target.transport === 'oci') {
    const layout = await OciLayoutDir.open(target.path, { sharedBlobDir });
    return { layout, repository: (scope) => new LayoutRepository(layout, scope), close: async () => {} };
  }
  const reader = await OciArchiveReader.open(target.path, { tmpDir });
  return {
    layout: reader.layout,
    repository: (scope) => new LayoutRepository(reader.layout, scope),
    close: () => reader.close(),
  };
}

export async function openLayoutForWrite(
  target: LayoutTarget,
  tmpDir?: string,
  sharedBlobDir?: string,
): Promise<OpenedLayout> {
  if (target.transport === 'oci') {
    const layout = await OciLayoutDir.open(target.path, { create: true, sharedBlobDir });
    return { layout, repository: (scope) => new LayoutRepository(layout, scope), close: async () => {} };
  }
  const writer = await OciArchiveWriter.create(target.path, { tmpDir });
  return {
    layout: writer.layout,
    repository: (scope) => new LayoutRepository(writer.layout, scope),
    close: (commit) => (commit ? writer.commit() : writer.discard()),
  };
}
