import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '../test/rig/temp-dir.ts';
import type { Command } from './tool-env.ts';

const GNU_TIME = '/usr/bin/time';
const OUTPUT_TAIL_CHARS = 16 * 1024;
const POLL_MS = 50;

export type RssMethod = 'gnu-time' | 'proc-vmhwm';

export interface MeasuredRun {
  /** Exit code; -1 when killed (timeout, abort or signal). */
  readonly code: number;
  readonly seconds: number;
  /** Peak resident set of the tool's process in KiB, when it could be read. */
  readonly peakRssKiB: number | undefined;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MeasureOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  /** Aborting (Ctrl-C) kills the tool's whole process group. */
  readonly signal?: AbortSignal;
}

let rssMethod: Promise<RssMethod> | undefined;

/**
 * GNU time reads the peak RSS from wait4's rusage: exact and free. Without it, VmHWM of the
 * child's /proc status is sampled instead (bin/ferry and setpriv exec, so the pid is the tool's).
 */
export function detectRssMethod(): Promise<RssMethod> {
  rssMethod ??= access(GNU_TIME, constants.X_OK).then(
    (): RssMethod => 'gnu-time',
    (): RssMethod => 'proc-vmhwm',
  );
  return rssMethod;
}

/**
 * Runs one command and measures wall time from spawn to exit as seen from here (process start-up
 * included: that is what a user waits for) and its peak RSS. Never rejects for a failing command.
 */
export async function measure(command: Command, opts: MeasureOptions): Promise<MeasuredRun> {
  const method = await detectRssMethod();
  const scratch = await makeTempDir('bench-measure', { scratch: true });
  try {
    const rssFile = join(scratch.path, 'rss');
    const [file, args] =
      method === 'gnu-time'
        ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command.file, ...command.args]]
        : [command.file, [...command.args]];
    const outcome = await spawnTimed(file, args, opts, method === 'proc-vmhwm');
    const peakRssKiB = method === 'gnu-time' ? await readGnuTimeRss(rssFile) : outcome.polledHwmKiB;
    return { ...outcome, peakRssKiB };
  } finally {
    await scratch.remove();
  }
}

interface SpawnOutcome extends Omit<MeasuredRun, 'peakRssKiB'> {
  readonly polledHwmKiB: number | undefined;
}

function spawnTimed(
  file: string,
  args: string[],
  opts: MeasureOptions,
  pollHwm: boolean,
): Promise<SpawnOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    // Own process group: a timeout or Ctrl-C then takes the tool down with its wrappers.
    const child = spawn(file, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout = (stdout + c.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    });
    let timedOut = false;
    let elapsed = 0;
    let hwm: number | undefined;
    const killGroup = () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', killGroup, { once: true });
    const poller =
      !pollHwm || child.pid === undefined
        ? undefined
        : setInterval(() => {
            readVmHwm(child.pid!).then((v) => {
              if (v !== undefined) hwm = Math.max(hwm ?? 0, v);
            });
          }, POLL_MS);
    child.once('exit', () => {
      elapsed = (performance.now() - started) / 1000;
      clearInterval(poller);
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      clearInterval(poller);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', killGroup);
      resolve({
        code: timedOut || code === null ? -1 : code,
        seconds: elapsed,
        timedOut,
        stdout,
        stderr: timedOut ? `${stderr}\n[bench] killed after ${opts.timeoutMs} ms` : stderr,
        polledHwmKiB: hwm,
      });
    });
  });
}

async function readVmHwm(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The format is `%M` alone; GNU time puts "Command exited with…" lines before it on failure. */
async function readGnuTimeRss(path: string): Promise<number | undefined> {
  try {
    const lines = (await readFile(path, 'utf8')).trim().split('\n');
    const value = Number(lines.at(-1));
    return Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}
