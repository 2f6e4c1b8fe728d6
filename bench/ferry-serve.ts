import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killOnExit, terminate } from '../test/rig/kill-on-exit.ts';
import type { CleanupStack } from './cleanup.ts';
import { FERRY_BIN } from './tools.ts';

export interface FerryServeOptions {
  readonly configPath: string;
  /** HOME of the process and where its log file goes. */
  readonly dir: string;
  /** FERRY_LOG_LEVEL of the service (its default is info). */
  readonly logLevel: string;
  /** NODE_OPTIONS for the service, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (written at exit). */
  readonly nodeOptions?: string | undefined;
  readonly startTimeoutMs?: number | undefined;
  /** More arguments after `serve --config …` (e.g. `--listen 127.0.0.1:0` for several replicas). */
  readonly args?: readonly string[] | undefined;
  /** More environment (e.g. FERRY_DATABASE_URL: a URL with a password does not belong in argv). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Log file name in `dir`; default `serve.log`. */
  readonly logName?: string | undefined;
}

/** A running `bin/ferry serve`. */
export interface FerryServe {
  /** `http://127.0.0.1:PORT` as the service printed it. */
  readonly url: string;
  readonly pid: number;
  /** stdout + stderr of the service (pino JSON lines). */
  readonly logFile: string;
  readonly logLevel: string;
  /** Current size of the log file: the difference over a phase is what the service logged in it. */
  logBytes(): Promise<number>;
  /** SIGTERM (graceful shutdown), SIGKILL after the grace period. */
  stop(): Promise<void>;
}

const LISTENING_RE = /listening on (http:\/\/\S+)/;
const LOG_TAIL_CHARS = 4000;
/** SIGTERM lets running promotions finish for `--grace` seconds; then it gets this much more to exit. */
const GRACE_SECONDS = 5;
const KILL_AFTER_MS = (GRACE_SECONDS + 10) * 1000;

/**
 * Starts the real CLI as users run it and waits for its "listening on" line. Its output goes to a file,
 * not a pipe: pino writes synchronously, so a pipe drained by this (busy) process would throttle the
 * service, while a log collector in production reads from another process.
 */
export async function startFerryServe(
  options: FerryServeOptions,
  cleanup: CleanupStack,
): Promise<FerryServe> {
  const logFile = join(options.dir, options.logName ?? 'serve.log');
  const fd = openSync(logFile, 'w');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: options.dir,
    FERRY_LOG_LEVEL: options.logLevel,
    ...options.env,
  };
  if (options.nodeOptions !== undefined) env['NODE_OPTIONS'] = options.nodeOptions;
  const child = spawn(
    FERRY_BIN,
    ['serve', '--config', options.configPath, '--grace', String(GRACE_SECONDS), ...(options.args ?? [])],
    { env, stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const unregister = killOnExit(child);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminate(child, KILL_AFTER_MS);
    unregister();
  };
  cleanup.defer('ferry serve', stop);

  const tail = async () => (await readFile(logFile, 'utf8').catch(() => '')).slice(-LOG_TAIL_CHARS);
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let url: string | undefined;
  while (url === undefined) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `ferry serve exited (${child.exitCode ?? child.signalCode}) before listening:\n${await tail()}`,
      );
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`ferry serve did not start listening in time:\n${await tail()}`);
    }
    url = LISTENING_RE.exec(await readFile(logFile, 'utf8'))?.[1];
    if (url === undefined) await sleep(50);
  }
  return {
    url,
    pid: child.pid ?? -1,
    logFile,
    logLevel: options.logLevel,
    logBytes: async () => (await stat(logFile)).size,
    stop,
  };
}
