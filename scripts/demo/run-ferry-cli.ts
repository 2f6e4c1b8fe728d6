/**
 * Runs one `bin/ferry` command as the demo's user would, with a minimal environment (no registry auth
 * file or FERRY_* variable from the caller's shell leaks in). Secrets travel as files or on stdin,
 * never in `args`. The child is killed if the demo is stopped (`signal`) or exits first.
 */
import { spawn } from 'node:child_process';
import { killOnExit } from '../../test/rig/kill-on-exit.ts';
import { FERRY_BIN } from '../../test/support/run-ferry.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  /** Written to stdin (e.g. a registry password for --password-stdin). */
  readonly input?: string;
  /** Working directory, so that the command shown can name files relative to it. */
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  /** Each output line (stdout or stderr) as it arrives, e.g. to show ferry trigger's progress. */
  readonly onLine?: (line: string) => void;
}

export function runFerryCli(args: readonly string[], opts: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(FERRY_BIN, args, {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: '/nonexistent',
        REGISTRY_AUTH_FILE: '/nonexistent/auth.json',
        LANG: 'C.UTF-8',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd: opts.cwd,
      ...(opts.signal ? { signal: opts.signal, killSignal: 'SIGKILL' as const } : {}),
    });
    const unregister = killOnExit(child);
    const out = { stdout: '', stderr: '' };
    const partial = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].on('data', (d: Buffer) => {
        const text = d.toString('utf8');
        out[stream] += text;
        const lines = (partial[stream] + text).split('\n');
        partial[stream] = lines.pop() ?? '';
        for (const line of lines) opts.onLine?.(line);
      });
    }
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
    child.once('error', (err) => {
      unregister();
      reject(err);
    });
    child.once('close', (code, signal) => {
      unregister();
      for (const rest of [partial.stdout, partial.stderr]) if (rest !== '') opts.onLine?.(rest);
      resolve({ code: code ?? (signal ? 128 : 1), ...out });
    });
  });
}
