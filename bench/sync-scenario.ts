import { chown, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getManifest } from '../test/rig/rig-client.ts';
import type { BenchRegistry } from './environment.ts';
import type { SyncSet } from './fixture-library.ts';
import type { CustomRun } from './scenarios.ts';
import { runsAsNobody } from './tool-env.ts';
import { FERRY_BIN } from './tools.ts';

const NOBODY = 65534;

/**
 * Both tools read the same skopeo sync YAML (the source registry through its latency proxy) and
 * write to `DEST/<prefix>`; each image must then resolve to its source digest at the destination.
 * skopeo has no quiet flag for sync; its progress lines go to a pipe, which costs it next to nothing.
 */
export function syncRun(set: SyncSet, prod: BenchRegistry): CustomRun {
  return {
    async command(tool, env, sourceHost, destinationHost, dest) {
      const home = env.env.HOME!;
      const file = join(home, 'sync.yaml');
      const lines = [`${sourceHost}:`, '  tls-verify: false', '  images:'];
      for (const image of set.images) lines.push(`    ${image.repo}: [${JSON.stringify(set.tag)}]`);
      await writeFile(file, `${lines.join('\n')}\n`);
      if (runsAsNobody()) await chown(file, NOBODY, NOBODY);
      const target = `${destinationHost}/${dest.repo}`;
      if (tool === 'ferry') {
        return env.command(FERRY_BIN, [
          'sync',
          '--src',
          'yaml',
          '--dest',
          'docker',
          '--dest-tls-verify=false',
          '--quiet',
          file,
          target,
        ]);
      }
      return env.command('skopeo', [
        ...env.skopeoGlobalArgs,
        'sync',
        '--src',
        'yaml',
        '--dest',
        'docker',
        '--dest-tls-verify=false',
        file,
        target,
      ]);
    },
    async verify(dest) {
      for (const image of set.images) {
        const got = await getManifest(prod.direct, `${dest.repo}/${image.repo}`, set.tag);
        if (got.status !== 200 || got.digest !== image.digest) {
          return `destination ${dest.repo}/${image.repo}:${set.tag}: HTTP ${got.status}, ${got.digest ?? 'no digest'} (source ${image.digest})`;
        }
      }
      return undefined;
    },
  };
}
