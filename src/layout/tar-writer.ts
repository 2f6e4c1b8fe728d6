/**
 * Write a tar of selected files from a directory. tar-stream is not a dependency of ferry, and an OCI
 * layout needs only regular files and directories (a docker-archive adds symbolic links), so this is a
 * small ustar(+pax) writer rather than a general one. File content is streamed in 1 MiB pieces:
 * layers can be gigabytes.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { BLOCK, type EncodeHeaderOptions, encodeHeader, paddingFor } from './tar-header.ts';

export interface TarSourceEntry {
  /** Name in the archive, `/`-separated, relative. Directories end without a slash. */
  readonly name: string;
  readonly type: 'file' | 'directory';
}

const CHUNK = 1024 * 1024;

/** Append `entries` (read from `root`) to the already-open `out`, then the end-of-archive marker. */
export async function writeTar(
  out: FileHandle,
  root: string,
  entries: readonly TarSourceEntry[],
): Promise<void> {
  for (const entry of entries) {
    if (entry.type === 'directory') {
      await out.write(encodeHeader(`${entry.name}/`, 'directory', 0, 0o755));
      continue;
    }
    await writeFileEntry(out, entry.name, join(root, ...entry.name.split('/')), 0o644);
  }
  await writeEndOfArchive(out);
}

/** One regular file entry whose content is the file at `source`. */
export async function writeFileEntry(
  out: FileHandle,
  name: string,
  source: string,
  mode: number,
  options: EncodeHeaderOptions = {},
): Promise<void> {
  const src = await open(source, 'r');
  try {
    const size = (await src.stat()).size;
    await out.write(encodeHeader(name, 'file', size, mode, options));
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size, 1)));
    let copied = 0;
    while (copied < size) {
      const { bytesRead } = await src.read(buf, 0, Math.min(buf.length, size - copied), copied);
      if (bytesRead === 0) throw new Error(`${name} shrank while being archived`);
      await out.write(buf.subarray(0, bytesRead));
      copied += bytesRead;
    }
    const pad = paddingFor(size);
    if (pad > 0) await out.write(Buffer.alloc(pad));
  } finally {
    await src.close();
  }
}

/** One regular file entry holding `bytes`. */
export async function writeBytesEntry(
  out: FileHandle,
  name: string,
  bytes: Uint8Array,
  mode: number,
  options: EncodeHeaderOptions = {},
): Promise<void> {
  await out.write(encodeHeader(name, 'file', bytes.byteLength, mode, options));
  await out.write(bytes);
  const pad = paddingFor(bytes.byteLength);
  if (pad > 0) await out.write(Buffer.alloc(pad));
}

/** A symbolic link entry (mode 0, as Go's archive/tar records a link's FileInfo). */
export async function writeSymlinkEntry(
  out: FileHandle,
  name: string,
  target: string,
  options: EncodeHeaderOptions = {},
): Promise<void> {
  await out.write(encodeHeader(name, 'symlink', 0, 0, { ...options, linkname: target }));
}

/** End of archive: two zero blocks (POSIX); GNU tar pads to a 10 KiB record, readers do not need it. */
export async function writeEndOfArchive(out: FileHandle): Promise<void> {
  await out.write(Buffer.alloc(2 * BLOCK));
}
