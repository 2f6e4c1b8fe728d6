import type { Command } from 'commander';
import type { CommandResult } from '../command-result.ts';
import { parseCount } from '../flags/bool-flags.ts';
import { addSideOptions } from '../flags/side-options.ts';
import { readGlobalOptions } from '../global-options.ts';
import type { CliIo } from '../io.ts';
import { manifestUnknown, runSingle } from './single-side.ts';

export function registerDigest(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('digest')
    .description('Print the manifest digest a reference resolves to (HEAD only: no pull is counted)')
    .argument('<image>', 'e.g. docker://registry.example/team/app:1.2');
  addSideOptions(cmd, '', 'registry');
  cmd
    .option('--retry-times <n>', 'retries for temporary failures', parseCount, 3)
    .action(async (arg: string, opts: Record<string, unknown>, command: Command) => {
      result.exitCode = await runSingle(
        'digest',
        arg,
        opts,
        io,
        readGlobalOptions(command),
        async (ref, repo) => {
          const reference = ref.digest ?? ref.tag ?? 'latest';
          const head = await repo.headManifest(reference);
          if (!head) throw manifestUnknown(reference, `${ref.registry}/${ref.repository}`);
          io.stdout.write(`${head.digest}\n`);
        },
      );
    });
}
