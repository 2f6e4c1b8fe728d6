/**
 * `ferry promotions list`: one page of `GET /api/v1/promotions` with the API's filters, newest first.
 * Flags are checked with the contract's own query schema before anything is sent, so a bad `--tag`
 * fails with exit 2 naming the flag, not as a 400 from the server.
 */
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
  readonly status?: string | undefined;
  readonly rule?: string | undefined;
  readonly repository?: string | undefined;
  readonly environment?: string | undefined;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
  readonly requestedBy?: string | undefined;
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
  createdAfter: '--created-after',
  createdBefore: '--created-before',
  limit: '--limit',
  cursor: '--cursor',
};

/** The query the flags ask for, checked with the contract's schema; throws BadUsageError naming the flag. */
export function listQuery(flags: ListFlags): Query {
  const query = Object.fromEntries(
    Object.keys(FLAG_OF)
      .map((name) => [name, flags[name as keyof ListFlags]] as const)
      .filter(([, value]) => value !== undefined),
  ) as Record<string, string>;
  const parsed = listPromotionsQuerySchema.safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? '');
    const flag = FLAG_OF[name] ?? name;
    throw new BadUsageError(`${flag} ${quoteValue(query[name] ?? '')} is invalid: ${issue.message}`);
  }
  return query;
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
