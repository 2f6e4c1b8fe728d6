import type { Readable, Writable } from 'node:stream';

/** The process surface a command may touch; injected so tests can run commands in-process. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly stdin: Readable;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Exit codes shared with skopeo where it has them: 0 ok, 1 the operation failed (or the server refused
 * it), 2 bad usage or input. 3 is ferry's own: a request reached the server but its outcome is unknown
 * (`ferry trigger --wait` lost track of an accepted promotion; an approval whose answer never came), so
 * a pipeline does not report as failed what may well have happened.
 */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2, Unknown: 3 } as const;
