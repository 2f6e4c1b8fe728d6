/**
 * Body size limits for trigger endpoints. Every trigger body is a few hundred bytes (the seed's OpenShift
 * body is ~300; a distribution notification envelope carries a handful of events), so 64 KiB is generous
 * while keeping a flood of large posts from costing memory and parse time. The limit is enforced three
 * times, cheapest first: the declared Content-Length, the bytes actually read, and the final buffer.
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

/**
 * Refuses before reading when Content-Length already exceeds the limit. Absent (chunked) is fine: the
 * read itself is limited. A malformed value is a 400 — RFC 9110 §8.6 allows only digits.
 */
export function checkContentLength(
  header: string | undefined,
  maxBytes: number = DEFAULT_MAX_BODY_BYTES,
): void {
  if (header === undefined) return;
  const value = header.trim();
  if (!/^[0-9]{1,16}$/.test(value)) {
    throw new TriggerError(
      TriggerErrorCode.BadHeader,
      'header Content-Length is not a non-negative integer',
      {
        fields: ['content-length'],
      },
    );
  }
  const length = Number(value);
  if (length > maxBytes) throw tooLarge(maxBytes, length);
}

/** Throws 413 when a body already in memory exceeds the limit. */
export function checkBodySize(rawBody: Uint8Array, maxBytes: number = DEFAULT_MAX_BODY_BYTES): void {
  if (rawBody.byteLength > maxBytes) throw tooLarge(maxBytes, rawBody.byteLength);
}

/**
 * Collects a request stream into one Buffer, failing with 413 as soon as more than `maxBytes` arrive, so
 * a lying or absent Content-Length cannot make the server buffer an unbounded body. The caller should
 * destroy the request on error (the rest of the body is not drained here).
 */
export async function readBodyWithLimit(
  chunks: AsyncIterable<Uint8Array | string>,
  maxBytes: number = DEFAULT_MAX_BODY_BYTES,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    const part = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk);
    total += part.byteLength;
    if (total > maxBytes) throw tooLarge(maxBytes);
    parts.push(part);
  }
  return Buffer.concat(parts, total);
}
