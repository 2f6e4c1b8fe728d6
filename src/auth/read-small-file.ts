/**
 * Small local files (tokens, webhook secrets, keys, CA bundles), read with a bound: a path that points
 * at a log file or a device by mistake fails with a clear message instead of filling memory. Reasons are
 * the errno in words, never the file's content. Shared by the CLI and the service's config loader.
 */
import { readBoundedFile } from './read-bounded-file.ts';

/** Thrown when a file exceeds the limit; carries no content. */
export class FileTooLargeError extends Error {
  readonly limit: number;
  constructor(path: string, limit: number) {
    super(`${path} is larger than ${limit} bytes`);
    this.limit = limit;
  }
}

/** At most `limit` bytes of `path`; throws FileTooLargeError when there is more. */
export async function readSmallFile(path: string, limit: number): Promise<Uint8Array> {
  const { bytes, tooLarge } = await readBoundedFile(path, limit);
  if (tooLarge) throw new FileTooLargeError(path, limit);
  return bytes;
}

/** Short reason for a failed read, in words an operator acts on. */
export function describeReadError(err: unknown): string {
  if (err instanceof FileTooLargeError)
    return `file is larger than ${err.limit} bytes; is it the right file?`;
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case 'ENOENT':
      return 'file does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'ENOTDIR':
      return 'a parent of the path is not a directory';
    default:
      return (err as NodeJS.ErrnoException | undefined)?.code ?? 'cannot be read';
  }
}
