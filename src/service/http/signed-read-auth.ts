/**
 * `GET /api/v1/promotions/:id` also answers a read signed with a Standard Webhooks secret
 * (triggers/signed-read.ts), which is how `ferry trigger --wait` follows the promotion it created
 * without an API token. Such a read may see only promotions requested through the Standard Webhooks
 * trigger: a webhook secret is a promotion-requesting credential, and what it requests is what it may
 * follow; anything else still needs a token with `view`.
 *
 * A request with an `Authorization` header is a token request, whatever else it carries. With the
 * Standard Webhooks trigger disabled, signed reads are not accepted (the token check answers).
 */
import type { FastifyRequest } from 'fastify';
import { presentsSignedRead, verifySignedRead } from '../../api/signed-read.ts';
import type { Promotion } from '../store/promotion.ts';
import { forbidden, type TokenHook } from './auth.ts';
import type { RouteContext } from './route-context.ts';
import { resolveSecrets } from './trigger-secrets.ts';

export interface SignedReadAuth {
  /** An onRequest hook: a valid read signature, or else whatever `tokenHook` decides. */
  orToken(tokenHook: TokenHook): TokenHook;
  /** Throws 403 when the request was let in by a read signature and may not see `promotion`. */
  requireReadable(request: FastifyRequest, promotion: Pick<Promotion, 'triggerKind'>): void;
}

export function createSignedReadAuth(ctx: Pick<RouteContext, 'config' | 'secrets'>): SignedReadAuth {
  const signed = new WeakSet<FastifyRequest>();
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
        verifySignedRead({ headers: request.headers, method: request.method, path: request.url, secrets });
        signed.add(request);
      };
    },
    requireReadable(request, promotion) {
      if (!signed.has(request) || promotion.triggerKind === 'standard-webhook') return;
      throw forbidden(
        'a read signed with a webhook secret may follow only promotions requested through the Standard Webhooks trigger; use an API token with role viewer',
      );
    },
  };
}
