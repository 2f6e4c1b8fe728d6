/**
 * Reading the small files ferry.yaml refers to (secrets, tokens, keys, CA bundles, auth files). The
 * reads are bounded: a path that points at a log file or a device by mistake must fail with a clear
 * message, not fill memory. Errors describe *why* a read failed in words an operator acts on.
 */
import { readBoundedFile } from '../../auth/read-bounded-file.ts';

/** Every file ferry.yaml refers to is far smaller than this; bigger is the wrong file. */
export const MAX_REFERENCED_FILE_BYTES = 1024 * 1024;

/** Signature of the file reader the loader and resolveSecret take, so tests can use an in-memory one. */
export type ReadFile = (path: string) => Promise<Uint8Array>;

/** Thrown when a file exceeds the limit; carries no content. */
export class FileTooLargeError extends Error {
  readonly limit: number;
  constructor(path: string, limit: number) {
    super(`${path} is larger than ${limit} bytes`);
    this.limit = limit;
  }
}

/** Reads at most `limit` bytes of `path`; throws FileTooLargeError if there is more. */
export async function readSmallFile(path: string, limit = MAX_REFERENCED_FILE_BYTES): Promise<Uint8Array> {
  const { bytes, tooLarge } = await readBoundedFile(path, limit);
  if (tooLarge) throw new FileTooLargeError(path, limit);
  return bytes;
}

/** Short reason for a failed read: the errno translated, never the file's content. */
export function describeReadError(err: unknown): string {
  if (err instanceof FileTooLargeError)
    return `file is larger than ${err.limit} bytes; is it the right file?`;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
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
      return code ?? 'cannot be read';
  }
}
