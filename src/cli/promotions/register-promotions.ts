/**
 * `ferry promotions list|show|approve|reject|cancel|rerun|rollback`: the operator's side of the
 * promotions API, on the contract in src/api/. Registration only; the implementations (and zod,
 * undici) load when a subcommand runs.
 */
import type { Command } from 'commander';
import { addServerOptions, OPERATOR_EXIT_CODES } from '../api-client/server-options.ts';
import type { CommandResult } from '../command-result.ts';
import type { CliIo } from '../io.ts';
import type { ActionFlags } from './act-on-promotion.ts';
import type { ListFlags } from './list-promotions.ts';

const ID_HELP = 'promotion id: the full id, or the 8 characters ferry promotions list shows';

function withServer(command: Command, role: string): Command {
  return addServerOptions(command, `file holding an API token with role ${role} or more`)
    .option('--json', "print the API's JSON answer on standard output")
    .addHelpText('after', OPERATOR_EXIT_CODES);
}

export function registerPromotions(program: Command, io: CliIo, result: CommandResult): void {
  const promotions = program
    .command('promotions')
    .description('List, inspect, approve, reject, cancel, rerun and roll back promotions on ferry serve');

  withServer(
    promotions
      .command('list')
      .description('List promotions, newest first (one page; --cursor for the next)')
      .option(
        '--status <status>',
        'only this status, e.g. awaiting_approval, failed; repeat it for several (any of them)',
        (value: string, previous: string[] = []) => [...previous, value],
      )
      .option('--rule <name>', 'only promotions of this rule')
      .option('--repository <repository>', 'source or destination repository, e.g. team-a/app')
      .option('--environment <name>', 'source or destination environment')
      .option('--tag <tag>', 'source or destination tag')
      .option('--digest <digest>', 'source or result digest (sha256:…)')
      .option('--requested-by <name>', 'API token, webhook (standard-webhooks#1) or registry user that asked')
      .option('--requester <text>', 'text in who asked, ignoring case (alice finds alice@example.com (oidc))')
      .option(
        '--trigger <kind>',
        'trigger that asked: api, standard-webhook, github, openshift, distribution, harbor',
      )
      .option('--kind <kind>', 'promotion, rerun or rollback')
      .option('--search <text>', 'text in the source or destination tag, or the start of a digest')
      .option('--created-after <time>', 'created at or after this ISO 8601 time, e.g. 2026-12-01T00:00:00Z')
      .option('--created-before <time>', 'created before this ISO 8601 time')
      .option('--limit <n>', 'page size, 1-500 (default 50)')
      .option('--cursor <cursor>', 'the page after the one that printed this cursor'),
    'viewer',
  ).action(async (opts: ListFlags) => {
    const { listPromotions } = await import('./list-promotions.ts');
    result.exitCode = await listPromotions(opts, io);
  });

  withServer(
    promotions
      .command('show')
      .description('Show a promotion and its audit timeline')
      .argument('<id>', ID_HELP),
    'viewer',
  ).action(async (id: string, opts: ActionFlags) => {
    const { showPromotion } = await import('./show-promotion.ts');
    result.exitCode = await showPromotion(id, opts, io);
  });

  for (const [decision, description, role] of [
    ['approve', 'Approve a promotion awaiting approval', 'approver'],
    ['reject', 'Reject a promotion awaiting approval', 'approver'],
  ] as const) {
    withServer(
      promotions
        .command(decision)
        .description(description)
        .argument('<id>', ID_HELP)
        .option('--comment <text>', 'kept with the decision in the audit trail'),
      role,
    ).action(async (id: string, opts: ActionFlags) => {
      const { decide } = await import('./act-on-promotion.ts');
      result.exitCode = await decide(decision, id, opts, io);
    });
  }

  withServer(
    promotions
      .command('cancel')
      .description('Cancel a queued, waiting or running promotion (an admin may cancel anyone’s)')
      .argument('<id>', ID_HELP),
    'promoter',
  ).action(async (id: string, opts: ActionFlags) => {
    const { decide } = await import('./act-on-promotion.ts');
    result.exitCode = await decide('cancel', id, opts, io);
  });

  for (const [what, description] of [
    ['rerun', 'Repeat a failed, cancelled or rejected promotion (as a new promotion)'],
    [
      'rollback',
      "Point the rule's release tag (or a mutable destination tag) back at this promotion's digest, as a new promotion",
    ],
  ] as const) {
    withServer(
      promotions.command(what).description(description).argument('<id>', ID_HELP),
      'promoter',
    ).action(async (id: string, opts: ActionFlags) => {
      const { repeat } = await import('./act-on-promotion.ts');
      result.exitCode = await repeat(what, id, opts, io);
    });
  }
}
