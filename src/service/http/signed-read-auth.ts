/**
 * `GET /api/v1/promotions/:id` also answers a read signed with a Standard Webhooks secret
 * (triggers/signed-read.ts), which is how `ferry trigger --wait` follows the promotion it created
 * without an API token. A webhook secret is a promotion-requesting credential, and what it requests is
 * what it may follow. Such a read may see:
 *
 * - a promotion requested through the Standard Webhooks trigger, and
 * - a promotion a Standard Webhooks delivery was *answered with*: an equal promotion that already
 *   existed (requested by the API, another trigger, a rerun…). The read proves which delivery it follows
 *   by signing with that delivery's `webhook-id` as its own id (the id is covered by the signature), and
 *   the server accepts it only if its record shows a Standard Webhooks delivery with that id answered
 *   with this promotion: it created it (`deliveryId`) or was told about it (the `duplicate_request`
 *   audit event that names the delivery). Whoever holds the secret could have sent that same delivery
 *   and been answered with this promotion, so this opens nothing beyond what the secret already allows.
 *
 * Anything else still needs a token with `view`.
 *
 * A request with an `Authorization` header is a token request, whatever else it carries. With the
 * Standard Webhooks trigger disabled, signed reads are not accepted (the token check answers).
 */
import type { FastifyRequest } from 'fastify';
import { presentsSignedRead, verifySignedRead } from '../../api/signed-read.ts';
import { AuditKind } from '../promote/audit-kinds.ts';
import type { AuditEvent } from '../store/audit-event.ts';
import type { Promotion } from '../store/promotion.ts';
import { type AuthHook, forbidden } from './auth.ts';
import type { RouteContext } from './route-context.ts';
import { resolveSecrets } from './trigger-secrets.ts';

export interface SignedReadAuth {
  /** An onRequest hook: a valid read signature, or else whatever `tokenHook` decides. */
  orToken(tokenHook: AuthHook): AuthHook;
  /**
   * Throws 403 when the request was let in by a read signature and may not see `promotion` (whose
   * audit trail is `timeline`).
   */
  requireReadable(
    request: FastifyRequest,
    promotion: Pick<Promotion, 'triggerKind' | 'deliveryId'>,
    timeline: readonly Pick<AuditEvent, 'kind' | 'detail'>[],
  ): void;
}

const TRIGGER_KIND = 'standard-webhook';

/** Whether the record shows Standard Webhooks delivery `deliveryId` answered with this promotion. */
function answeredDelivery(
  deliveryId: string,
  promotion: Pick<Promotion, 'triggerKind' | 'deliveryId'>,
  timeline: readonly Pick<AuditEvent, 'kind' | 'detail'>[],
): boolean {
  if (promotion.triggerKind === TRIGGER_KIND && promotion.deliveryId === deliveryId) return true;
  return timeline.some(
    (event) =>
      event.kind === AuditKind.DuplicateRequest &&
      event.detail['triggerKind'] === TRIGGER_KIND &&
      event.detail['deliveryId'] === deliveryId,
  );
}

export function createSignedReadAuth(ctx: Pick<RouteContext, 'config' | 'secrets'>): SignedReadAuth {
  /** Requests let in by a read signature → the signed webhook-id. */
  const signed = new WeakMap<FastifyRequest, string>();
  const trigger = ctx.config.triggers.standardWebhooks;
  return {
    orToken(tokenHook) {
      return async (request, reply) => {
        if (!trigger.enabled || !presentsSignedRead(request.headers)) return tokenHook(request, reply);
        const secrets = await resolveSecrets(
          trigger.secrets,
          'triggers.standardWebhooks.secrets',
          ctx.secrets,
        );
        const verified = verifySignedRead({
          headers: request.headers,
          method: request.method,
          path: request.url,
          secrets,
        });
        signed.set(request, verified.id);
      };
    },
    requireReadable(request, promotion, timeline) {
      const readId = signed.get(request);
      if (readId === undefined || promotion.triggerKind === TRIGGER_KIND) return;
      if (answeredDelivery(readId, promotion, timeline)) return;
      throw forbidden(
        "a read signed with a webhook secret may follow only promotions requested through the Standard Webhooks trigger, or the one a delivery was answered with (sign the read with that delivery's webhook-id); use an API token with role viewer",
      );
    },
  };
}
