import type { Command } from 'commander';
import { parseCount } from '../flags/bool-flags.ts';
import { addSideOptions } from '../flags/side-options.ts';
import { readGlobalOptions } from '../global-options.ts';
import type { CliIo } from '../io.ts';
import type { CommandResult } from '../program.ts';
import { runSingle } from './single-side.ts';

export function registerListTags(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('list-tags')
    .description('List the tags of a repository (JSON, like skopeo list-tags)')
    .argument('<repository>', 'e.g. docker://registry.example/team/app');
  addSideOptions(cmd, '', 'registry');
  cmd
    .option('--retry-times <n>', 'retries for temporary failures', parseCount, 3)
    .action(async (arg: string, opts: Record<string, unknown>, command: Command) => {
      result.exitCode = await runSingle(
        'list-tags',
        arg,
        opts,
        io,
        readGlobalOptions(command),
        async (ref, repo) => {
          const tags = await repo.listTags();
          io.stdout.write(
            `${JSON.stringify({ Repository: `${ref.registry}/${ref.repository}`, Tags: tags }, null, 4)}\n`,
          );
        },
      );
    });
}
