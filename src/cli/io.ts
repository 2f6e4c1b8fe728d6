import type { Readable, Writable } from 'node:stream';

/** The process surface a command may touch; injected so tests can run commands in-process. */
export interface CliIo {
  readonly stdout: Writable & { isTTY?: boolean; columns?: number };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly stdin: Readable;
  readonly env: NodeJS.ProcessEnv;
}

/** Exit codes shared with skopeo where it has them: 0 ok, 1 the operation failed, 2 bad usage or input. */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const;
