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
  return { text: `query parameter ${quoteValue(name, 40)}: ${messageOf(issue)}`, fields: [name] };
}

/**
 * The issue's message; for a parameter that takes one value or several (`status`), the message of the
 * alternative the value had the shape of, not zod's bare "Invalid input".
 */
function messageOf(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_union') return issue.message;
  const shaped = issue.errors.find(
    (branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
  );
  const inner = shaped?.[0];
  if (inner === undefined) return issue.message;
  const element = inner.path.length > 0 ? `value ${Number(inner.path[0]) + 1}: ` : '';
  return `${element}${inner.message}`;
}

/** The query, parsed with `schema`; a 400 naming every offending parameter otherwise. */
export function parseQuery<T extends z.ZodObject>(schema: T, query: unknown): z.output<T> {
  const value = query ?? {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const known = Object.keys(schema.shape);
  const described = result.error.issues.map((issue) => {
    const name = issue.path[0];
    // Repeated parameters arrive as arrays: where one value is expected, name that instead of zod's
    // "expected string". Parameters that take several (`status`) get their own message.
    if (
      typeof name === 'string' &&
      issue.code === 'invalid_type' &&
      Array.isArray((value as Record<string, unknown>)[name])
    ) {
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
