import os from 'node:os';
import { runCommand } from '../test/rig/run-command.ts';
import { detectRssMethod, type RssMethod } from './measure.ts';
import { runsAsNobody } from './tool-env.ts';
import { FERRY_BIN, PINNED_NODE } from './tools.ts';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly totalMemoryBytes: number;
  readonly kernel: string;
}

export interface Versions {
  /** The pinned runtime bin/ferry executes. */
  readonly ferryNode: string;
  readonly ferry: string;
  readonly skopeo: string;
  readonly registry: string;
}

export interface RunConditions {
  readonly rssMethod: RssMethod;
  /** Both tools dropped to `nobody` (see tool-env.ts for why). */
  readonly toolsRunAsNobody: boolean;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryBytes: os.totalmem(),
    kernel: os.release(),
  };
}

export async function versions(): Promise<Versions> {
  const [ferryNode, ferry, skopeo, registry] = await Promise.all([
    firstLine(PINNED_NODE, ['--version']),
    firstLine(FERRY_BIN, ['--version']),
    firstLine('skopeo', ['--version']),
    firstLine('docker-registry', ['--version']),
  ]);
  return { ferryNode, ferry, skopeo, registry };
}

export async function runConditions(): Promise<RunConditions> {
  return { rssMethod: await detectRssMethod(), toolsRunAsNobody: runsAsNobody() };
}

async function firstLine(file: string, args: string[]): Promise<string> {
  try {
    const result = await runCommand(file, args, { timeoutMs: 30_000 });
    const line = (result.stdout.trim() || result.stderr.trim()).split('\n')[0] ?? '';
    return result.code === 0 ? line : `unknown (exit ${result.code}: ${line})`;
  } catch (err) {
    return `unknown (${String(err)})`;
  }
}
