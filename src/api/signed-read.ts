/**
 * Signed reads: `ferry trigger --wait` follows the promotion it created with the Standard Webhooks
 * secret it triggered with, so a pipeline needs one secret rather than that and an API token.
 *
 * A read is signed like a delivery (webhook-id, webhook-timestamp, webhook-signature; see
 * standard-webhooks.ts), but the signed content is the request line `GET <path>` instead of a body.
 * A delivery's signed content is a JSON body, so neither signature can pass for the other, and a read
 * signature names the one resource it reads. The 5-minute timestamp window bounds a replay; the
 * webhook-id is not de-duplicated (a read changes nothing, and polling repeats it by design).
 *
 * What a signed read may see is the server's decision (service/http/signed-read-auth.ts: promotions
 * requested through the Standard Webhooks trigger, and the one a delivery was answered with when the read
 * is signed with that delivery's webhook-id).
 */
import { randomBytes } from 'node:crypto';
import { type HeaderSource, headerValues } from './headers.ts';
import {
  STANDARD_WEBHOOK_HEADERS,
  signStandardWebhook,
  type VerifiedStandardWebhook,
  verifyStandardWebhook,
} from './standard-webhooks.ts';

/** The content a read signature covers: method and path (with any query), as the server routes it. */
export function signedReadContent(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/**
 * Headers that sign one read of `path` (a path on the API, e.g. `/api/v1/promotions/<id>`). `deliveryId`:
 * sign as the delivery whose answer is being followed (its `webhook-id`), which lets the server show the
 * promotion that delivery was answered with even when another trigger requested it
 * (service/http/signed-read-auth.ts); without it the read gets a random id of its own.
 */
export function signedReadHeaders(
  secret: string,
  method: string,
  path: string,
  now: Date,
  deliveryId?: string,
): Record<string, string> {
  const id = deliveryId ?? `read_${randomBytes(18).toString('base64url')}`;
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [STANDARD_WEBHOOK_HEADERS.id]: id,
    [STANDARD_WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [STANDARD_WEBHOOK_HEADERS.signature]: signStandardWebhook(
      secret,
      id,
      timestamp,
      signedReadContent(method, path),
    ),
  };
}

/** Whether a request presents a read signature (and no API token, which would take precedence). */
export function presentsSignedRead(headers: HeaderSource): boolean {
  const present = (name: string) => headerValues(headers, name).some((v) => v.trim() !== '');
  return present(STANDARD_WEBHOOK_HEADERS.signature) && !present('authorization');
}

export interface VerifySignedReadOptions {
  readonly headers: HeaderSource;
  readonly method: string;
  readonly path: string;
  readonly secrets: readonly string[];
  readonly now?: Date | undefined;
}

/** Throws like verifyStandardWebhook (400 malformed headers, 401 stale or not matching). */
export function verifySignedRead(options: VerifySignedReadOptions): VerifiedStandardWebhook {
  return verifyStandardWebhook({
    headers: options.headers,
    rawBody: Buffer.from(signedReadContent(options.method, options.path), 'utf8'),
    secrets: options.secrets,
    now: options.now,
  });
}
