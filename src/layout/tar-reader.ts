/**
 * Extract a tar (ustar, pax, GNU long names) into an empty directory, for `oci-archive:` sources.
 * The archive is untrusted: entry names that are absolute or contain `..` are refused outright
 * (path traversal, CVE-2007-4131 style), and only regular files and directories are extracted —
 * symlinks, hard links and devices are refused, which also rules out escaping through a link.
 */
import { type FileHandle, mkdir, open, stat } from 'node:fs/promises';
import { dirname, relative, resolve, sep } from 'node:path';
import { LayoutError, LayoutErrorCode } from './layout-error.ts';
import { badArchive, tarEntries } from './tar-entries.ts';

/** Extract `archivePath` under `dest` (which must exist). Returns the entry names extracted. */
export async function extractTar(archivePath: string, dest: string): Promise<string[]> {
  const root = resolve(dest);
  const fh = await open(archivePath, 'r');
  const names: string[] = [];
  try {
    for await (const entry of tarEntries(fh, archivePath)) {
      const { name, header, size } = entry;
      const target = safeTarget(root, name, archivePath);
      if (header.type === 'other') {
        throw badArchive(
          archivePath,
          `entry ${JSON.stringify(name)} has type ${JSON.stringify(header.typeflag)}; only files and directories are allowed in an OCI archive`,
        );
      }
      if (target === undefined) continue; // "." or "./"
      if (header.type === 'directory') {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      if (size > 0) {
        await copyRange(fh, entry.dataStart, size, target);
      } else {
        await (await open(target, 'w', 0o644)).close();
      }
      const written = (await stat(target)).size;
      if (written !== size) throw badArchive(archivePath, `truncated entry ${JSON.stringify(name)}`);
      names.push(relative(root, target).split(sep).join('/'));
    }
  } finally {
    await fh.close();
  }
  return names;
}

/**
 * Where entry `name` goes under `root`, or undefined for the archive root itself. Refuses absolute
 * names and any `..` component instead of silently stripping them (GNU tar's behaviour): an OCI
 * archive never legitimately contains them, so their presence means a crafted file.
 */
export function safeTarget(root: string, name: string, archivePath: string): string | undefined {
  const unsafe = (why: string): LayoutError =>
    new LayoutError(
      LayoutErrorCode.UnsafePath,
      archivePath,
      `${archivePath}: refusing entry ${JSON.stringify(name)} (${why})`,
    );
  if (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name)) throw unsafe('absolute path');
  if (name.includes('\0')) throw unsafe('NUL in name');
  const parts = name.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw unsafe('".." component');
  if (parts.length === 0) return undefined;
  const target = resolve(root, ...parts);
  if (target !== root && !target.startsWith(root + sep)) throw unsafe('outside the extraction directory');
  return target;
}

/**
 * Copy `size` bytes at `start` of the archive into a new file. Positional reads on our one handle:
 * a ReadStream per entry would leave a 'close' listener on the handle each time (Node warns after
 * ten, i.e. on any archive with more than ten files).
 */
async function copyRange(fh: FileHandle, start: number, size: number, target: string): Promise<void> {
  const out = await open(target, 'w', 0o644);
  try {
    const buffer = Buffer.allocUnsafe(Math.min(size, 1024 * 1024));
    let done = 0;
    while (done < size) {
      const { bytesRead } = await fh.read(buffer, 0, Math.min(buffer.length, size - done), start + done);
      if (bytesRead === 0) break; // truncated: the size check after this reports it
      await out.write(buffer, 0, bytesRead);
      done += bytesRead;
    }
  } finally {
    await out.close();
  }
}
