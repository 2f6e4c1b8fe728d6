/**
 * `ferry promotions list`: one page of `GET /api/v1/promotions` with the API's filters, newest first.
 * Flags are checked with the contract's own query schema before anything is sent, so a bad `--tag`
 * fails with exit 2 naming the flag, not as a 400 from the server.
 */
import type { z } from 'zod';
import { PATHS } from '../../api/paths.ts';
import { listPromotionsQuerySchema } from '../../api/promotion-query.ts';
import { promotionPageSchema } from '../../api/promotion-responses.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import type { Query } from '../api-client/api-client.ts';
import { type OperatorFlags, runOperatorCommand } from '../api-client/operator-command.ts';
import { quoteValue } from '../flags/quote-value.ts';
import type { CliIo } from '../io.ts';
import { ExitCode } from '../io.ts';
import { promotionTable } from './promotion-text.ts';

export interface ListFlags extends OperatorFlags {
  /** Repeatable: any of them. */
  readonly status?: readonly string[] | undefined;
  readonly rule?: string | undefined;
  readonly repository?: string | undefined;
  readonly environment?: string | undefined;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
  readonly requestedBy?: string | undefined;
  readonly requester?: string | undefined;
  readonly trigger?: string | undefined;
  readonly kind?: string | undefined;
  readonly search?: string | undefined;
  readonly createdAfter?: string | undefined;
  readonly createdBefore?: string | undefined;
  readonly limit?: string | undefined;
  readonly cursor?: string | undefined;
}

/** Query parameter → the flag that sets it, for messages. */
const FLAG_OF: Readonly<Record<string, string>> = {
  status: '--status',
  rule: '--rule',
  repository: '--repository',
  environment: '--environment',
  tag: '--tag',
  digest: '--digest',
  requestedBy: '--requested-by',
  requester: '--requester',
  trigger: '--trigger',
  kind: '--kind',
  q: '--search',
  createdAfter: '--created-after',
  createdBefore: '--created-before',
  limit: '--limit',
  cursor: '--cursor',
};

/** The query the flags ask for, checked with the contract's schema; throws BadUsageError naming the flag. */
export function listQuery(flags: ListFlags): Query {
  const values: Record<string, unknown> = {
    ...flags,
    q: flags.search,
    // One status is sent as one parameter, several as the parameter repeated.
    status: flags.status?.length === 1 ? flags.status[0] : flags.status,
  };
  const query = Object.fromEntries(
    Object.keys(FLAG_OF)
      .map((name) => [name, values[name]] as const)
      .filter(([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0)),
  ) as Record<string, string | readonly string[]>;
  const parsed = listPromotionsQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    const flag = FLAG_OF[name] ?? name;
    const given = query[name];
    const shown = Array.isArray(given) ? given.join(', ') : ((given as string | undefined) ?? '');
    throw new BadUsageError(`${flag} ${quoteValue(shown)} is invalid: ${describeIssue(issue)}`);
  }
  return query;
}

/** zod's message, or for a repeatable flag (`--status`) the message of the value that is wrong. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_union') return issue.message;
  const branch = issue.errors.find((b) => !b.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  return branch?.[0]?.message ?? issue.message;
}

export function listPromotions(flags: ListFlags, io: CliIo): Promise<number> {
  let query: Query = {};
  return runOperatorCommand(
    flags,
    io,
    async (client, out) => {
      const page = await client.read(PATHS.promotions, promotionPageSchema, query);
      if (out.json) {
        out.write(`${JSON.stringify(page, null, 2)}\n`);
        return ExitCode.Ok;
      }
      if (page.promotions.length === 0) out.note('no promotions match\n');
      else out.write(promotionTable(page.promotions, out.width));
      if (page.nextCursor !== null) out.note(`more: add --cursor ${page.nextCursor}\n`);
      return ExitCode.Ok;
    },
    () => {
      query = listQuery(flags);
    },
  );
}
