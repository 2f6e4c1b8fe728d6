/**
 * Every route receives its body as the raw bytes (create-http-app.ts registers one buffering parser for
 * all content types): webhook signatures are computed over exactly those bytes, and parsing them with
 * the trigger module's parseBody gives every route the same 413/415/400 answers and the same careful
 * syntax-error messages (position and reason, never a quote of the body).
 */
import type { FastifyRequest } from 'fastify';
import { type BodyFormat, parseBody } from '../triggers/parse-body.ts';

const EMPTY = Buffer.alloc(0);

/** The request's raw body; empty when none was sent. */
export function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : EMPTY;
}

/** Whether the request carries a body at all (optional bodies: an approval comment). */
export function hasBody(request: FastifyRequest): boolean {
  return rawBodyOf(request).byteLength > 0;
}

/** Parses the raw body as one of `formats`, by its Content-Type; throws 413/415/400 TriggerErrors. */
export function parseRequestBody(
  request: FastifyRequest,
  formats: readonly BodyFormat[],
  maxBytes: number,
): unknown {
  return parseBody(rawBodyOf(request), request.headers['content-type'], { formats, maxBytes });
}
