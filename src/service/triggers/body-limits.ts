/**
 * Body size limits for trigger endpoints. Every trigger body is a few hundred bytes (the seed's OpenShift
 * body is ~300; a distribution notification envelope carries a handful of events), so 64 KiB is generous
 * while keeping a flood of large posts from costing memory and parse time. Fastify's `bodyLimit`
 * (create-http-app.ts) stops the read; checkBodySize guards bodies that reach a parser another way.
 */
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

function tooLarge(maxBytes: number, size?: number): TriggerError {
  const actual = size === undefined ? '' : ` (${size} bytes)`;
  return new TriggerError(
    TriggerErrorCode.BodyTooLarge,
    `request body is larger than the limit of ${maxBytes} bytes${actual}`,
  );
}

/** Throws 413 when a body already in memory exceeds the limit. */
export function checkBodySize(rawBody: Uint8Array, maxBytes: number = DEFAULT_MAX_BODY_BYTES): void {
  if (rawBody.byteLength > maxBytes) throw tooLarge(maxBytes, rawBody.byteLength);
}
