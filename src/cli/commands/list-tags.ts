import type { Command } from 'commander';
import { BadUsageError } from '../../errors/kinds.ts';
import { parseTransportReference } from '../../reference/parse-transport-reference.ts';
import type { CommandResult } from '../command-result.ts';
import { reportError } from '../error-report.ts';
import { parseCount } from '../flags/bool-flags.ts';
import { addSideOptions } from '../flags/side-options.ts';
import { type GlobalOptions, readGlobalOptions } from '../global-options.ts';
import { type CliIo, ExitCode } from '../io.ts';
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
      if (arg.startsWith('docker-archive:')) {
        result.exitCode = await listArchiveTags(arg, io, readGlobalOptions(command));
        return;
      }
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

/**
 * `list-tags docker-archive:FILE`: the image names the archive carries, printed as skopeo prints them
 * (`{"Tags": [...]}`, no Repository). A name or index after the path is ignored, as skopeo 1.9 does.
 */
async function listArchiveTags(arg: string, io: CliIo, globals: GlobalOptions): Promise<number> {
  try {
    const ref = parseTransportReference(arg);
    if (ref.transport !== 'docker-archive') throw new BadUsageError(`${arg}: expected docker-archive:FILE`);
    // Loaded only here: every other command would otherwise load the archive reader at start-up.
    const { listDockerArchiveTags } = await import('../../copy/docker-archive-endpoint.ts');
    const tags = await listDockerArchiveTags(ref, { tmpDir: globals.tmpDir });
    io.stdout.write(`${JSON.stringify({ Tags: tags }, null, 4)}\n`);
    return ExitCode.Ok;
  } catch (err) {
    const { exitCode, message } = reportError(err, `list-tags ${arg}: `, globals);
    io.stderr.write(`${message}\n`);
    return exitCode;
  }
}
