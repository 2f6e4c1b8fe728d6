import type { Command } from 'commander';
import { Registries } from '../../registry/registries.ts';
import { reportError } from '../error-report.ts';
import { parseCount } from '../flags/bool-flags.ts';
import { addSideOptions } from '../flags/side-options.ts';
import { type CliIo, ExitCode } from '../io.ts';
import type { CommandResult } from '../program.ts';
import { VERSION } from '../version.ts';
import { openSingle } from './single-side.ts';

export function registerListTags(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('list-tags')
    .description('List the tags of a repository (JSON, like skopeo list-tags)')
    .argument('<repository>', 'e.g. docker://registry.example/team/app');
  addSideOptions(cmd, '', 'registry');
  cmd
    .option('--retry-times <n>', 'retries for temporary failures', parseCount, 3)
    .action(async (arg: string, opts: Record<string, unknown>) => {
      const registries = new Registries({
        retryTimes: opts.retryTimes as number,
        userAgent: `ferry/${VERSION}`,
        env: io.env,
      });
      try {
        const { ref, repo } = await openSingle(arg, opts, io, registries);
        const tags = await repo.listTags();
        io.stdout.write(
          `${JSON.stringify({ Repository: `${ref.registry}/${ref.repository}`, Tags: tags }, null, 4)}\n`,
        );
        result.exitCode = ExitCode.Ok;
      } catch (err) {
        const { exitCode, message } = reportError(err, `list-tags ${arg}: `);
        io.stderr.write(`${message}\n`);
        result.exitCode = exitCode;
      } finally {
        await registries.destroy();
      }
    });
}
