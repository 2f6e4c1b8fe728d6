/**
 * `ferry trigger`: registration only. The implementation (and what it loads: zod, undici) is imported
 * when the command runs, so other commands' start-up does not pay for it.
 */
import { type Command, Option } from 'commander';
import type { CommandResult } from '../command-result.ts';
import { collect, parseCount } from '../flags/bool-flags.ts';
import type { CliIo } from '../io.ts';
import type { TriggerFlags } from './trigger-flags.ts';

export function registerTrigger(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('trigger')
    .description(
      'Ask ferry serve to promote an image (a signed Standard Webhook); with --wait, follow it and exit 0 only if it succeeded',
    )
    .option('--server <url>', 'base URL of ferry serve, e.g. https://ferry.prod.example')
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
    .option('--wait', 'follow the promotion to its end: exit 0 if it succeeded, 1 otherwise')
    .option('--timeout <duration>', 'give up after this long, e.g. 90s, 15m, 1h', '15m')
    .option(
      '--secret-file <path>',
      'file holding the Standard Webhooks secret (default: $FERRY_WEBHOOK_SECRET)',
    )
    .option(
      '--token-file <path>',
      'file holding an API token to read the promotion with --wait (default: $FERRY_TOKEN)',
    )
    .option(
      '--cacert <file>',
      'PEM CA certificate(s) to trust for the server, in addition to the system roots',
    )
    .option('--insecure', 'do not verify the server certificate (test servers only)')
    .option('--retry-times <n>', 'delivery retries on network errors, 408, 429 and 5xx', parseCount, 5)
    .option('--json', 'print the result (the promotion) as JSON on standard output')
    .option('--dry-run', 'check the flags and print the request (signature omitted) without sending it')
    .addOption(
      new Option('--poll-interval <duration>', 'how often --wait reads the state').default('1s').hideHelp(),
    )
    // Accepted only to refuse them by name: commander's own errors would echo the value.
    .addOption(new Option('--secret [value]').hideHelp())
    .addOption(new Option('--token [value]').hideHelp())
    // Unknown options and extra arguments reach the action instead of commander's error, which would
    // quote them whole: `--secrets=whsec_…` (a typo) must not print the secret.
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (opts: TriggerFlags, cmd: Command) => {
      const { runTrigger } = await import('./run-trigger.ts');
      result.exitCode = await runTrigger({ ...opts, extraArgs: cmd.args }, io);
    });
}
