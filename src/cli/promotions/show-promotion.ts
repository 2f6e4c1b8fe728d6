/** `ferry promotions show ID`: the promotion (`GET /api/v1/promotions/{id}`) and its audit timeline. */
import { promotionPath } from '../../api/paths.ts';
import { promotionDetailSchema } from '../../api/promotion-responses.ts';
import { type OperatorFlags, runOperatorCommand } from '../api-client/operator-command.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { promotionDetail } from './promotion-text.ts';
import { checkIdArgument, resolvePromotionId } from './resolve-promotion-id.ts';

export function showPromotion(idArgument: string, flags: OperatorFlags, io: CliIo): Promise<number> {
  return runOperatorCommand(
    flags,
    io,
    async (client, out) => {
      const id = await resolvePromotionId(client, idArgument);
      const path = promotionPath(id);
      const detail = await client.read(path, promotionDetailSchema);
      out.write(
        out.json
          ? `${JSON.stringify(detail, null, 2)}\n`
          : promotionDetail(detail.promotion, detail.timeline, client.url(path), out.width),
      );
      return ExitCode.Ok;
    },
    () => checkIdArgument(idArgument),
  );
}
