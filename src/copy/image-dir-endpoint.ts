/**
 * Opening `dir:PATH` for reading or writing. A written directory is built aside and put in place by
 * `close(true)`; `close(false)` throws it away, so a failed copy leaves the old content (or nothing).
 */
import { resolve } from 'node:path';
import { ImageDir } from '../layout/image-dir.ts';
import { ImageDirWriter } from '../layout/image-dir-writer.ts';
import { LayoutError, LayoutErrorCode } from '../layout/layout-error.ts';
import { ImageDirRepository } from './image-dir-repository.ts';

export interface OpenedImageDir {
  readonly repository: ImageDirRepository;
  close(commit: boolean): Promise<void>;
}

export async function openImageDirForRead(path: string): Promise<OpenedImageDir> {
  const dir = new ImageDir(resolve(path));
  if ((await dir.readManifest()) === undefined) {
    throw new LayoutError(
      LayoutErrorCode.NotAnImageDir,
      dir.path,
      `${dir.path} is not a containers image directory (no manifest.json)`,
    );
  }
  return { repository: new ImageDirRepository(dir), close: async () => {} };
}

export async function openImageDirForWrite(path: string): Promise<OpenedImageDir> {
  const writer = await ImageDirWriter.create(path);
  return {
    repository: new ImageDirRepository(writer.dir, writer.target),
    close: (commit) => (commit ? writer.commit() : writer.discard()),
  };
}
