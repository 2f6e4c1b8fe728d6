/**
 * Reading the small files ferry.yaml refers to (secrets, tokens, keys, CA bundles, auth files). The
 * reads are bounded: a path that points at a log file or a device by mistake must fail with a clear
 * message, not fill memory. Errors describe *why* a read failed in words an operator acts on.
 */
import { readSmallFile as readLimited } from '../../auth/read-small-file.ts';

/** Every file ferry.yaml refers to is far smaller than this; bigger is the wrong file. */
export const MAX_REFERENCED_FILE_BYTES = 1024 * 1024;

/** Signature of the file reader the loader and resolveSecret take, so tests can use an in-memory one. */
export type ReadFile = (path: string) => Promise<Uint8Array>;

export { describeReadError, FileTooLargeError } from '../../auth/read-small-file.ts';

/** Reads at most `limit` bytes of `path`; throws FileTooLargeError if there is more. */
export function readSmallFile(path: string, limit = MAX_REFERENCED_FILE_BYTES): Promise<Uint8Array> {
  return readLimited(path, limit);
}
