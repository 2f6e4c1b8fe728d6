/**
 * `bin/ferry serve --config …` as a child process on a free loopback port, ready once `/readyz` says so
 * (database open, migrations done). Its log goes to a file (the demo's output stays short); a port
 * taken between choosing and binding it is retried on another. The environment is minimal, so a
 * FERRY_DATABASE_URL in the caller's shell cannot move the demo off the embedded store.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { killOnExit, terminate } from '../../test/rig/kill-on-exit.ts';
import { freePort } from '../../test/rig/ports.ts';
import { FERRY_BIN } from '../../test/support/run-ferry.ts';

export interface ServeProcess {
  readonly url: string;
  readonly logFile: string;
  /** Resolves when the process ends, for whatever reason. */
  readonly exited: Promise<void>;
  /** The last lines of its log, for a failure message. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

export interface StartServeOptions {
  /** Writes ferry.yaml for `port` and returns its path. */
  readonly writeConfig: (port: number) => Promise<string>;
  readonly home: string;
  readonly logFile: string;
  /** More `ferry serve` arguments (the demo's `--one-time-login FILE`). */
  readonly args?: readonly string[] | undefined;
  readonly timeoutMs?: number;
}

const TAIL_BYTES = 64 * 1024;

export async function startServe(opts: StartServeOptions): Promise<ServeProcess> {
  const log = createWriteStream(opts.logFile, { flags: 'a', mode: 0o600 });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_BYTES);
    log.write(chunk);
  };
  const logTail = (lines = 15) => tail.trimEnd().split('\n').slice(-lines).join('\n');
  const closeLog = () => new Promise<void>((resolve) => log.end(resolve));

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = await opts.writeConfig(port);
    const child = spawn(FERRY_BIN, ['serve', '--config', config, ...(opts.args ?? [])], {
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: opts.home, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const unregister = killOnExit(child);
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      await terminate(child, 10_000);
      unregister();
      await closeLog();
    };
    try {
      await waitUntilReady(child, url, opts.timeoutMs ?? 30_000);
      return { url, logFile: opts.logFile, exited, logTail, stop };
    } catch (err) {
      await terminate(child, 1_000);
      unregister();
      if (attempt < 2 && /EADDRINUSE|address already in use/i.test(tail)) continue;
      await closeLog();
      throw new Error(`${(err as Error).message}; its log (${opts.logFile}) ends with:\n${logTail()}`);
    }
  }
}

async function waitUntilReady(child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`ferry serve exited (${child.exitCode ?? child.signalCode}) while starting`);
    }
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`ferry serve was not ready at ${url}/readyz within ${timeoutMs / 1000} s`);
}
