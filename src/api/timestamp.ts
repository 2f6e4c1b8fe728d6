/** Times on the wire: ISO 8601 / RFC 3339 strings (`2026-12-07T08:43:31.123Z`), never epoch numbers. */
import { z } from 'zod';

export const timestampSchema = z.iso.datetime({ offset: true });

/** The wire form of a time the server holds as a Date. */
export function toTimestamp(date: Date): string {
  return date.toISOString();
}

export function toTimestampOrNull(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
