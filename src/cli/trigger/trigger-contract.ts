/**
 * The HTTP contract between `ferry trigger` and `ferry serve`. The server mounts its routes at these
 * paths and answers with these shapes; both sides import them from here.
 *
 *   POST <server>/hooks/standard                       Standard Webhooks-signed StandardWebhookBody
 *     headers  content-type: application/json, webhook-id, webhook-timestamp, webhook-signature
 *     202      PromotionEnvelope  (a new promotion)
 *     200      PromotionEnvelope  (an equal promotion already existed, or this webhook-id was already
 *                                  accepted: a redelivery gets the same promotion back, not an error)
 *     4xx      ErrorBody {code, message}   (not retried, except 408 and 429)
 *     5xx      anything               (retried with the same webhook-id and body)
 *
 *   GET <server>/api/v1/promotions/<id>                optional `Authorization: Bearer <API token>`
 *     200      PromotionEnvelope
 *     401/403/404  ErrorBody
 *
 * A server that answers a redelivered webhook-id with 409 should put the PromotionEnvelope in the body
 * (then it is treated like 200); a 409 without it is reported as an error naming the delivery id.
 */
import type { PromotionStatus } from '../../service/store/promotion.ts';

export const STANDARD_HOOK_PATH = '/hooks/standard';
export const PROMOTIONS_API_PATH = '/api/v1/promotions';

/** `/api/v1/promotions/<id>` (the id percent-encoded: it comes from the network). */
export function promotionApiPath(id: string): string {
  return `${PROMOTIONS_API_PATH}/${encodeURIComponent(id)}`;
}

/**
 * A promotion as the API serialises it (ferry's Promotion record, dates as ISO strings). The client
 * relies only on `id`, `status` and `reason`; the rest is shown when present.
 */
export interface PromotionView {
  readonly id: string;
  readonly status: PromotionStatus;
  /** Why it failed, was rejected or cancelled, or why it is waiting. */
  readonly reason: string | null;
  readonly rule?: string | undefined;
  readonly source?:
    | {
        readonly environment?: string | null | undefined;
        readonly registry: string;
        readonly repository: string;
        readonly tag?: string | null | undefined;
        readonly digest: string;
      }
    | undefined;
  readonly destination?:
    | {
        readonly environment?: string | null | undefined;
        readonly registry: string;
        readonly repository: string;
        readonly tag: string;
      }
    | undefined;
  readonly resultDigest?: string | null | undefined;
  readonly requestedBy?: string | undefined;
  readonly approvalsRequired?: number | undefined;
}

/** Body of 200/202 from the hook and of GET /api/v1/promotions/<id>. */
export interface PromotionEnvelope {
  readonly promotion: PromotionView;
  /** Where a person follows the promotion (dashboard page); absent when the server has no public URL. */
  readonly url?: string | undefined;
  /** false when an equal promotion already existed (idempotent acceptance). */
  readonly created?: boolean | undefined;
}

/** Body of every 4xx/5xx the server generates itself. */
export interface ErrorBody {
  readonly code: string;
  readonly message: string;
}
