/**
 * Test support: `ferry serve` / `ferry worker` as real processes of the built CLI (bin/ferry), for tests
 * about what only separate processes show (SIGKILL, an API replica next to a worker). Killed with
 * SIGKILL at cleanup if still running.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { FERRY_BIN } from '../support/run-ferry.ts';

export interface FerryProcess {
  readonly process: ChildProcess;
  /** SIGKILL to ferry (and, in a PID namespace, to the whole namespace through `unshare`'s group). */
  killHard(): Promise<void>;
  /** `http://…` for `serve`; empty for a worker. */
  readonly url: string;
  /** The suffix of the replica name events carry: `/<pid>`. */
  readonly name: string;
  /** Everything written to stderr so far. */
  log(): string;
  /** Everything written to stdout so far. */
  stdout(): string;
}

export async function startFerryProcess(
  args: readonly string[],
  options: {
    env: Record<string, string>;
    cleanup: (fn: () => Promise<void>) => void;
    /**
     * Run ferry as PID 1 of a fresh PID namespace, as in a container (`unshare --pid --fork --mount-proc
     * --kill-child`); the replica name then ends in `/1`.
     */
    pidNamespace?: boolean;
  },
): Promise<FerryProcess> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env };
  const child = options.pidNamespace
    ? spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', FERRY_BIN, ...args], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
    : spawn(FERRY_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killHard = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      if (options.pidNamespace) process.kill(-child.pid!, 'SIGKILL');
      else child.kill('SIGKILL');
    }
    await exited;
  };
  options.cleanup(killHard);
  let log = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ferry ${args[0]} did not start:\n${log}`)), 60_000);
    const check = () => {
      const listening = /listening on (http:\/\/\S+)/.exec(log);
      if (listening || /ferry worker: running/.test(log)) {
        clearTimeout(timer);
        child.stderr!.off('data', check);
        resolve(listening?.[1] ?? '');
      }
    };
    child.stderr!.on('data', check);
    child.on('exit', (code) => reject(new Error(`ferry ${args[0]} exited ${code}:\n${log}`)));
  });
  return {
    process: child,
    killHard,
    url,
    name: options.pidNamespace ? '/1' : `/${child.pid}`,
    log: () => log,
    stdout: () => stdout,
  };
}
