import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  readonly path: string;
  /** Removes the directory unless FERRY_RIG_KEEP=1, in which case it says where it is. */
  remove(): Promise<void>;
}

/** True when the developer asked to keep rig temp dirs (config, storage, logs) for debugging. */
export function keepTempDirs(): boolean {
  return process.env['FERRY_RIG_KEEP'] === '1';
}

/** `scratch` dirs (per-command throwaways) are removed even under FERRY_RIG_KEEP=1. */
export async function makeTempDir(prefix: string, opts: { scratch?: boolean } = {}): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `ferry-rig-${prefix}-`));
  let removed = false;
  return {
    path,
    async remove() {
      if (removed) return;
      removed = true;
      if (keepTempDirs() && !opts.scratch) {
        process.stderr.write(`ferry rig: keeping ${path} (FERRY_RIG_KEEP=1)\n`);
        return;
      }
      await rm(path, { recursive: true, force: true });
    },
  };
}
