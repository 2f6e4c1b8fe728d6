/**
 * `ferry promotions approve|reject|cancel|rerun|rollback ID`: one POST, sent once. approve/reject/cancel
 * answer the promotion after the change; rerun/rollback answer a new promotion (202), or an equal one
 * already in flight (200). The outcome line names the promotion and its URL; `--json` prints the answer.
 * Without an answer the action may have happened: exit 3 (api-client.ts).
 */
import { promotionActionPath, promotionPath } from '../../api/paths.ts';
import { commentBodySchema } from '../../api/promotion-request.ts';
import { acceptedSchema, promotionLinkSchema } from '../../api/promotion-responses.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { type OperatorFlags, runOperatorCommand } from '../api-client/operator-command.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { actionLine } from './promotion-text.ts';
import { checkIdArgument, resolvePromotionId } from './resolve-promotion-id.ts';

export type Decision = 'approve' | 'reject' | 'cancel';
export type Repeat = 'rerun' | 'rollback';

export interface ActionFlags extends OperatorFlags {
  readonly comment?: string | undefined;
}

function commentBody(flags: ActionFlags): { comment: string } | undefined {
  if (flags.comment === undefined) return undefined;
  const parsed = commentBodySchema.safeParse({ comment: flags.comment });
  if (!parsed.success) throw new BadUsageError(`--comment is invalid: ${parsed.error.issues[0]?.message}`);
  return { comment: flags.comment };
}

export function decide(
  decision: Decision,
  idArgument: string,
  flags: ActionFlags,
  io: CliIo,
): Promise<number> {
  let body: { comment: string } | undefined;
  return runOperatorCommand(
    flags,
    io,
    async (client, out) => {
      const id = await resolvePromotionId(client, idArgument);
      const { value } = await client.act(promotionActionPath(id, decision), body, promotionLinkSchema);
      out.write(out.json ? `${JSON.stringify(value, null, 2)}\n` : actionLine(value.promotion, value.url));
      return ExitCode.Ok;
    },
    () => {
      checkIdArgument(idArgument);
      body = decision === 'cancel' ? undefined : commentBody(flags);
    },
  );
}

export function repeat(what: Repeat, idArgument: string, flags: OperatorFlags, io: CliIo): Promise<number> {
  return runOperatorCommand(
    flags,
    io,
    async (client, out) => {
      const id = await resolvePromotionId(client, idArgument);
      const { value } = await client.act(promotionActionPath(id, what), undefined, acceptedSchema);
      if (out.json) {
        out.write(`${JSON.stringify(value, null, 2)}\n`);
      } else {
        const note = value.created ? ` (new ${what} of ${id})` : ' (an equal promotion already existed)';
        out.write(
          actionLine(value.promotion, value.url ?? client.url(promotionPath(value.promotion.id)), note),
        );
      }
      return ExitCode.Ok;
    },
    () => checkIdArgument(idArgument),
  );
}
