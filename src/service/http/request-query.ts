/**
 * Query strings parsed with the contract's schema (api/promotion-query.ts, api/release.ts), once, in
 * the route: the route hands the service typed values. A refusal is a 400 whose message and `fields`
 * name the query parameter (`unknown query parameter "tga"`, `query parameter "limit": …`), never the
 * body, and whose values are quoted escaped and cut short.
 */
import type { z } from 'zod';
import { quoteValue } from '../../api/quote-value.ts';
import { badRequest } from './errors.ts';

/** At most this many problems are listed in one message. */
const MAX_LISTED = 5;

function describe(issue: z.core.$ZodIssue, known: readonly string[]): { text: string; fields: string[] } {
  if (issue.code === 'unrecognized_keys') {
    const names = issue.keys.slice(0, MAX_LISTED).map((key) => quoteValue(key, 40));
    const plural = issue.keys.length === 1 ? '' : 's';
    return {
      text: `unknown query parameter${plural} ${names.join(', ')} (known: ${known.join(', ')})`,
      fields: issue.keys.map((key) => key.slice(0, 64)),
    };
  }
  const name = String(issue.path[0] ?? '');
  // Repeated parameters arrive as arrays: name them as such instead of zod's "expected string".
  return { text: `query parameter ${quoteValue(name, 40)}: ${issue.message}`, fields: [name] };
}

/** The query, parsed with `schema`; a 400 naming every offending parameter otherwise. */
export function parseQuery<T extends z.ZodObject>(schema: T, query: unknown): z.output<T> {
  const value = query ?? {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const known = Object.keys(schema.shape);
  const described = result.error.issues.map((issue) => {
    const name = issue.path[0];
    if (typeof name === 'string' && Array.isArray((value as Record<string, unknown>)[name])) {
      return { text: `query parameter ${quoteValue(name, 40)} may be given only once`, fields: [name] };
    }
    return describe(issue, known);
  });
  const listed = described.slice(0, MAX_LISTED).map((d) => d.text);
  const more = described.length > MAX_LISTED ? `; and ${described.length - MAX_LISTED} more` : '';
  throw badRequest(`invalid query: ${listed.join('; ')}${more}`, [
    ...new Set(described.flatMap((d) => d.fields)),
  ]);
}
