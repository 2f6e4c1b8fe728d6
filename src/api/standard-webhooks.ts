/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com, spec "Signature scheme"):
 *
 *   webhook-id:        unique message id, the same on every retry → the de-duplication key
 *   webhook-timestamp: integer Unix seconds of this attempt
 *   webhook-signature: space-delimited `v1,<base64 HMAC-SHA256>` entries (several during key rotation)
 *
 * The signed content is `${id}.${timestamp}.${body}` over the raw body bytes, keyed with the secret's
 * bytes: a `whsec_`-prefixed secret is base64 and decoded (the spec's format); any other configured value
 * is used as its UTF-8 bytes. Receivers must compare in constant time and reject timestamps outside a
 * tolerance (5 minutes, as the reference libraries use) to limit replays; the id is returned so a
 * durable store can refuse a replay inside that window.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { BadUsageError } from '../errors/kinds.ts';
import { deliveryIdProblem } from './field-rules.ts';
import { type HeaderSource, headerValues, singleHeader } from './headers.ts';
import { quoteValue } from './quote-value.ts';
import { TriggerError, TriggerErrorCode } from './trigger-error.ts';
import { assertSecretsConfigured } from './webhook-secrets.ts';

export const STANDARD_WEBHOOK_HEADERS = Object.freeze({
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const);

/** Replay window either side of "now", in seconds (the reference libraries' default). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = 'whsec_';
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A v1 signature is the base64 of a 32-byte digest: 43 characters and one `=`. */
const V1_SIGNATURE_RE = /^[A-Za-z0-9+/]{43}=$/;
const TIMESTAMP_RE = /^[0-9]{1,12}$/;

export interface VerifyStandardWebhookOptions {
  readonly headers: HeaderSource;
  readonly rawBody: Uint8Array;
  /** Every currently accepted secret; more than one while rotating. */
  readonly secrets: readonly string[];
  /** Default: the current time. */
  readonly now?: Date | undefined;
  /** Default DEFAULT_TOLERANCE_SECONDS (300). */
  readonly toleranceSeconds?: number | undefined;
}

export interface VerifiedStandardWebhook {
  /** `webhook-id`: the delivery id to de-duplicate on. */
  readonly id: string;
  /** `webhook-timestamp`, Unix seconds. */
  readonly timestamp: number;
  /** Which configured secret matched (lets the operator see when an old secret stops being used). */
  readonly secretIndex: number;
}

/** HMAC key bytes of a configured secret: `whsec_<base64>` decoded, anything else as UTF-8. */
export function standardWebhookKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) return Buffer.from(secret, 'utf8');
  const encoded = secret.slice(SECRET_PREFIX.length);
  // Buffer.from(…, 'base64') silently skips invalid characters; a typo in a secret must be loud.
  if (encoded === '' || !BASE64_RE.test(encoded)) {
    throw new FerryError(ErrorCode.AuthConfig, 'a webhook secret starting with "whsec_" is not valid base64');
  }
  return Buffer.from(encoded, 'base64');
}

function hmac(key: Buffer, id: string, timestamp: string, body: Uint8Array | string): Buffer {
  // Fed in pieces so the body's bytes are signed exactly as received, never re-encoded through a string.
  return createHmac('sha256', key)
    .update(`${id}.${timestamp}.`, 'utf8')
    .update(typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .digest();
}

/** The `webhook-signature` value (`v1,<base64>`) for one secret. */
export function signStandardWebhook(
  secret: string,
  id: string,
  timestamp: number,
  body: Uint8Array | string,
): string {
  if (deliveryIdProblem(id) !== undefined)
    throw new BadUsageError('webhook id must be 1-256 visible ASCII characters');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new BadUsageError('webhook timestamp must be a non-negative integer number of seconds');
  }
  return `v1,${hmac(standardWebhookKey(secret), id, String(timestamp), body).toString('base64')}`;
}

function badHeader(message: string, fields: readonly string[]): TriggerError {
  return new TriggerError(TriggerErrorCode.BadHeader, message, { fields });
}

function badSignature(message: string): TriggerError {
  return new TriggerError(TriggerErrorCode.BadSignature, message, {
    fields: [STANDARD_WEBHOOK_HEADERS.signature],
  });
}

/** The decoded digests of every well-formed `v1,` entry; other versions (`v1a` = ed25519) are skipped. */
function v1Signatures(header: string): Buffer[] {
  const out: Buffer[] = [];
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma === -1 || entry.slice(0, comma) !== 'v1') continue;
    const encoded = entry.slice(comma + 1);
    if (V1_SIGNATURE_RE.test(encoded)) out.push(Buffer.from(encoded, 'base64'));
  }
  return out;
}

/**
 * Verifies a Standard Webhooks request. Throws 400 when `webhook-id` / `webhook-timestamp` is missing
 * or malformed, 401 when the timestamp is outside the tolerance (naming the skew) or no signature
 * matches any configured secret. Throws a (5xx) config error when no usable secret is configured.
 */
export function verifyStandardWebhook(options: VerifyStandardWebhookOptions): VerifiedStandardWebhook {
  assertSecretsConfigured(options.secrets, 'Standard Webhooks');
  const keys = options.secrets.map(standardWebhookKey);
  const { headers } = options;

  const id = singleHeader(headers, STANDARD_WEBHOOK_HEADERS.id);
  const timestampText = singleHeader(headers, STANDARD_WEBHOOK_HEADERS.timestamp);
  const missing = [
    ...(id === undefined ? [STANDARD_WEBHOOK_HEADERS.id] : []),
    ...(timestampText === undefined ? [STANDARD_WEBHOOK_HEADERS.timestamp] : []),
  ];
  if (id === undefined || timestampText === undefined) {
    throw badHeader(`missing header${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`, missing);
  }
  const idReason = deliveryIdProblem(id);
  if (idReason !== undefined) {
    throw badHeader(`header webhook-id ${quoteValue(id)} is invalid: ${idReason}`, [
      STANDARD_WEBHOOK_HEADERS.id,
    ]);
  }
  if (!TIMESTAMP_RE.test(timestampText)) {
    throw badHeader(
      `header webhook-timestamp ${quoteValue(timestampText)} is not an integer number of seconds`,
      [STANDARD_WEBHOOK_HEADERS.timestamp],
    );
  }

  // Timestamp before signature, as the reference libraries do: a stale message is refused without
  // spending HMACs on it, and the skew is no secret (the sender chose it).
  const timestamp = Number(timestampText);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const skew = nowSeconds - timestamp;
  if (Math.abs(skew) > tolerance) {
    const direction = skew > 0 ? 'in the past' : 'in the future';
    throw new TriggerError(
      TriggerErrorCode.StaleTimestamp,
      `webhook-timestamp is ${Math.abs(skew)} s ${direction} (tolerance ${tolerance} s); check the sender's clock, and do not replay old deliveries`,
      { fields: [STANDARD_WEBHOOK_HEADERS.timestamp] },
    );
  }

  // Repeated header lines are one list (RFC 9110 §5.3), joined with the spec's delimiter.
  const signatureHeader = headerValues(headers, STANDARD_WEBHOOK_HEADERS.signature).join(' ').trim();
  if (signatureHeader === '') throw badSignature('missing header webhook-signature');
  const signatures = v1Signatures(signatureHeader);
  if (signatures.length === 0) {
    throw badSignature('header webhook-signature contains no well-formed "v1,<base64>" signature');
  }

  let secretIndex = -1;
  keys.forEach((key, index) => {
    const expected = hmac(key, id, timestampText, options.rawBody);
    for (const signature of signatures) {
      // Digests of equal length (32 bytes) compared in constant time; never the base64 strings.
      if (timingSafeEqual(expected, signature) && secretIndex === -1) secretIndex = index;
    }
  });
  if (secretIndex === -1) throw badSignature('no webhook-signature matches a configured secret');
  return { id, timestamp, secretIndex };
}
