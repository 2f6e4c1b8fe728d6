/**
 * Walk the entries of a tar file (ustar, pax `path`/`size`/`linkpath`, GNU long names) without
 * extracting anything: each entry comes with the offset and size of its data in the file, so callers
 * can extract it (tar-reader.ts) or read it in place (docker-archive-reader.ts). Metadata entries are
 * consumed here; corrupt or truncated archives raise FERRY_E_LAYOUT_BAD_ARCHIVE.
 */
import type { FileHandle } from 'node:fs/promises';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';
import { BLOCK, decodeHeader, paddingFor, parsePaxRecords, type TarHeader } from './tar-header.ts';

/** pax/GNU metadata entries are small; anything bigger is not an archive we produce or read. */
const MAX_META_BYTES = 1024 * 1024;

export interface TarEntry {
  /** Name as stored (pax `path` or GNU long name applied), not yet checked for safety. */
  readonly name: string;
  readonly header: TarHeader;
  /** Link target (pax `linkpath` applied) for link entries. */
  readonly linkname: string;
  /** Offset of the entry's data in the file. */
  readonly dataStart: number;
  readonly size: number;
}

export function badArchive(archivePath: string, message: string, cause?: unknown): LayoutError {
  return new LayoutError(LayoutErrorCode.BadArchive, archivePath, `${archivePath}: ${message}`, { cause });
}

export async function* tarEntries(fh: FileHandle, archivePath: string): AsyncGenerator<TarEntry> {
  let pos = 0;
  let pending: { path?: string | undefined; size?: number | undefined; linkpath?: string | undefined } = {};
  for (;;) {
    const block = await readExactly(fh, pos, BLOCK);
    if (block === undefined) throw badArchive(archivePath, 'truncated archive (no end-of-archive marker)');
    pos += BLOCK;
    let header: TarHeader | undefined;
    try {
      header = decodeHeader(block);
    } catch (cause) {
      throw badArchive(archivePath, `corrupt header at offset ${pos - BLOCK}`, cause);
    }
    if (header === undefined) return;
    const size =
      header.type === 'pax' || header.type === 'gnu-longname' ? header.size : (pending.size ?? header.size);
    const dataStart = pos;
    pos += size + paddingFor(size);
    if (header.type === 'pax' || header.type === 'gnu-longname' || header.type === 'pax-global') {
      if (size > MAX_META_BYTES) throw badArchive(archivePath, `metadata entry of ${size} bytes`);
      const data = await readExactly(fh, dataStart, size);
      if (data === undefined) throw badArchive(archivePath, 'truncated metadata entry');
      if (header.type === 'pax') {
        const records = parsePaxRecords(data);
        const paxSize = records.get('size');
        pending = {
          path: records.get('path') ?? pending.path,
          size: paxSize === undefined ? pending.size : Number.parseInt(paxSize, 10),
          linkpath: records.get('linkpath') ?? pending.linkpath,
        };
      } else if (header.type === 'gnu-longname') {
        pending = { ...pending, path: data.toString('utf8').replace(/\0+$/, '') };
      }
      continue;
    }
    const entry: TarEntry = {
      name: pending.path ?? header.name,
      header,
      linkname: pending.linkpath ?? header.linkname,
      dataStart,
      size,
    };
    pending = {};
    yield entry;
  }
}

export async function readExactly(
  fh: FileHandle,
  position: number,
  length: number,
): Promise<Buffer | undefined> {
  const buf = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) return undefined;
    got += bytesRead;
  }
  return buf;
}
