/**
 * `ferry releases [list|show]`: what is in production — per destination environment/repository/tag,
 * the digest, the promotion that put it there and what was there before. Registration only.
 */
import type { Command } from 'commander';
import { addServerOptions, OPERATOR_EXIT_CODES } from '../api-client/server-options.ts';
import type { CommandResult } from '../command-result.ts';
import type { CliIo } from '../io.ts';
import type { ReleaseListFlags } from './run-releases.ts';

function withServer(command: Command): Command {
  return addServerOptions(command, 'file holding an API token with role viewer or more')
    .option('--json', "print the API's JSON answer on standard output")
    .addHelpText('after', OPERATOR_EXIT_CODES);
}

export function registerReleases(program: Command, io: CliIo, result: CommandResult): void {
  const releases = program
    .command('releases')
    .description('What each destination tag points at now, who put it there, and its history');

  withServer(
    releases
      .command('list', { isDefault: true })
      .description('Current releases (the default subcommand)')
      .option('--environment <name>', 'only this destination environment')
      .option('--repository <repository>', 'only this destination repository, e.g. team-a/app')
      .option('--rule <name>', 'only releases made by this rule'),
  ).action(async (opts: ReleaseListFlags) => {
    const { listReleases } = await import('./run-releases.ts');
    result.exitCode = await listReleases(opts, io);
  });

  withServer(
    releases
      .command('show')
      .description('One release and the history of its tag, newest first')
      .argument('<environment>', 'destination environment ("-" for a destination without one)')
      .argument('<repository>', 'destination repository, e.g. team-a/app')
      .argument('<tag>', 'destination tag, e.g. prod'),
  ).action(async (environment: string, repository: string, tag: string, opts: ReleaseListFlags) => {
    const { showRelease } = await import('./run-releases.ts');
    result.exitCode = await showRelease(environment, repository, tag, opts, io);
  });
}
