import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  /** Exact stdout bytes (e.g. a raw manifest to hash). */
  stdoutBytes: Buffer;
  stderr: string;
}

export interface RunCommandOptions {
  /** Written to the child's stdin, so secrets need not appear in argv. */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kills the child (SIGKILL) after this long; the result then has code -1. */
  timeoutMs?: number;
}

/** Runs a command to completion, collecting output. Never rejects on a non-zero exit code. */
export function runCommand(file: string, args: readonly string[], opts: RunCommandOptions = {}) {
  return new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(file, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    // EPIPE on stdin when the child exits early is not interesting; the exit code is.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
    let timedOut = false;
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      const stdoutBytes = Buffer.concat(out);
      resolve({
        stdoutBytes,
        code: timedOut ? -1 : (code ?? (signal ? 128 : -1)),
        stdout: stdoutBytes.toString('utf8'),
        stderr: timedOut ? `${stderr}\n[ferry rig] killed after ${opts.timeoutMs} ms` : stderr,
      });
    });
  });
}

/** Like runCommand, but throws with the command's stderr when it fails. */
export async function runChecked(file: string, args: readonly string[], opts: RunCommandOptions = {}) {
  const result = await runCommand(file, args, opts);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim()}`);
  }
  return result;
}
