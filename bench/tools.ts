import { fileURLToPath } from 'node:url';
import type { Command, ToolEnv } from './tool-env.ts';

export type Tool = 'ferry' | 'skopeo';
export const TOOLS: readonly Tool[] = ['ferry', 'skopeo'];

/** The real CLI: bash wrapper that execs the bundle on the pinned Node 24. */
export const FERRY_BIN = fileURLToPath(new URL('../bin/ferry', import.meta.url));
export const PINNED_NODE = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));

export interface CopyRequest {
  /** `host/repo:tag` without transport. */
  readonly source: string;
  readonly destination: string;
  /** Scenario-specific flags, e.g. skopeo's `--all`. */
  readonly extraArgs?: readonly string[];
}

/**
 * Plain-HTTP registries on both sides; quiet so neither tool pays for progress output (skopeo
 * prints progress bars by default).
 */
export function copyCommand(tool: Tool, env: ToolEnv, req: CopyRequest): Command {
  const refs = [`docker://${req.source}`, `docker://${req.destination}`];
  const extra = req.extraArgs ?? [];
  if (tool === 'ferry') {
    return env.command(FERRY_BIN, [
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--quiet',
      ...extra,
      ...refs,
    ]);
  }
  return env.command('skopeo', [
    ...env.skopeoGlobalArgs,
    'copy',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    '-q',
    ...extra,
    ...refs,
  ]);
}
