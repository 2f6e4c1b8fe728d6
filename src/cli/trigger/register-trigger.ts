/**
 * `ferry trigger`: registration only. The implementation (and what it loads: zod, undici) is imported
 * when the command runs, so other commands' start-up does not pay for it.
 */
import { type Command, Option } from 'commander';
import { addServerOptions } from '../api-client/server-options.ts';
import type { CommandResult } from '../command-result.ts';
import { collect, parseCount } from '../flags/bool-flags.ts';
import type { CliIo } from '../io.ts';
import type { TriggerFlags } from './trigger-flags.ts';

export function registerTrigger(program: Command, io: CliIo, result: CommandResult): void {
  const command = program
    .command('trigger')
    .description(
      'Ask ferry serve to promote an image (a signed Standard Webhook); with --wait, follow it and exit 0 only if it succeeded',
    )
    .option('--image <repository>', 'repository in the source registry, e.g. team-a/app')
    .option(
      '--tag <tag>',
      'tag to promote, e.g. "$GIT_COMMIT" (its digest is pinned when the server accepts)',
    )
    .option('--digest <digest>', 'promote exactly this manifest digest (sha256:…)')
    .option('--from <environment>', 'source environment (default: the matching rule decides)')
    .option('--to <environment>', 'destination environment (default: the matching rule decides)')
    .option('--git-commit <sha>', 'git commit recorded with the promotion')
    .option(
      '--label <key=value>',
      'label recorded with the promotion, e.g. ci.url=$BUILD_URL (repeatable)',
      collect,
    )
    .option('--webhook-id <id>', 'delivery id (default: a random msg_…); the server acts on an id once')
    .option('--wait', 'follow the promotion to its end (exit codes below)')
    .option('--timeout <duration>', 'give up after this long, e.g. 90s, 15m, 1h', '15m')
    .option(
      '--secret-file <path>',
      'file holding the Standard Webhooks secret (default: $FERRY_WEBHOOK_SECRET)',
    );
  addServerOptions(
    command,
    'file holding an API token to follow the promotion with --wait, checked before anything is sent',
  )
    .option('--retry-times <n>', 'delivery retries on network errors, 408, 429 and 5xx', parseCount, 5)
    .option('--json', 'print the result (the promotion) as JSON on standard output')
    .option('--dry-run', 'check the flags and print the request (signature omitted) without sending it')
    .addOption(
      new Option('--poll-interval <duration>', 'how often --wait reads the state').default('1s').hideHelp(),
    )
    // Accepted only to refuse it by name: commander's own errors would echo the value.
    .addOption(new Option('--secret [value]').hideHelp())
    .addHelpText(
      'after',
      `
Exit codes:
  0  accepted (without --wait), or the promotion succeeded (with --wait)
  1  not promoted: refused by the server, not deliverable, or the promotion failed, was rejected or cancelled
  2  bad usage: a flag, the secret, or the API token (checked before anything is sent) is wrong
  3  the promotion was accepted but its result is unknown (following it failed, or --timeout passed);
     its URL is printed: look there before triggering again`,
    )
    // Unknown options and extra arguments reach the action instead of commander's error, which would
    // quote them whole: `--secrets=whsec_…` (a typo) must not print the secret.
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (opts: TriggerFlags, cmd: Command) => {
      const { runTrigger } = await import('./run-trigger.ts');
      result.exitCode = await runTrigger({ ...opts, extraArgs: cmd.args }, io);
    });
}
