/**
 * Does an answer the server sent follow the contract? Looks up the route (method + path pattern) and
 * the status in the route table and validates the JSON body with that status's schema. Used by tests
 * (the server's `checkResponses` option), so every response the test suites provoke is checked.
 */
import type { z } from 'zod';
import { errorBodySchema } from './error-body.ts';
import { contractPath } from './paths.ts';
import { ROUTES, type RouteSpec } from './routes.ts';

export interface SentResponse {
  readonly method: string;
  /** The route pattern the server matched (`/api/v1/promotions/:id` or `{id}`); undefined when none did. */
  readonly route: string | undefined;
  readonly status: number;
  readonly contentType: string | undefined;
  /** The body as sent (text). */
  readonly body: string;
}

/** Route patterns the server registers differently from the contract's path (a wildcard). */
export const ROUTE_ALIASES: Readonly<Record<string, string>> = {
  '/api/v1/releases/*': '/api/v1/releases/{environment}/{repository}/{tag}',
};

export function findRoute(method: string, route: string): RouteSpec | undefined {
  const path = ROUTE_ALIASES[route] ?? contractPath(route);
  const lower = method.toLowerCase();
  return ROUTES.find((spec) => spec.path === path && spec.method === lower);
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}

/** Undefined when the response follows the contract, else what is wrong with it. */
export function checkResponse(response: SentResponse): string | undefined {
  const { method, status } = response;
  // HEAD answers carry no body; unmatched requests (404, 405) and any other error share the error body.
  if (method.toUpperCase() === 'HEAD') return undefined;
  const spec = response.route === undefined ? undefined : findRoute(method, response.route);
  const where = `${method.toUpperCase()} ${response.route ?? '(no route)'} ${status}`;
  let schema: z.ZodType | undefined;
  let expectedType = 'application/json';
  let otherTypes: readonly string[] = [];
  if (spec === undefined) {
    if (response.route !== undefined) return `${where}: the route is not in the contract`;
    schema = errorBodySchema;
  } else {
    const declared = spec.responses[status];
    if (declared === undefined) return `${where}: status ${status} is not declared for this route`;
    if (declared.empty === true) {
      return response.body === '' ? undefined : `${where}: a body was sent where none is declared`;
    }
    schema = declared.schema;
    expectedType = declared.contentType ?? 'application/json';
    otherTypes = declared.otherContentTypes ?? [];
  }
  const type = mediaType(response.contentType);
  // A download the contract describes in prose only (the audit export): its type is all there is to check.
  if (otherTypes.includes(type)) return undefined;
  if (type !== expectedType) return `${where}: Content-Type ${type || '(none)'}, expected ${expectedType}`;
  if (schema === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(response.body);
  } catch {
    return `${where}: the body is not JSON`;
  }
  const result = schema.safeParse(value);
  return result.success ? undefined : `${where}: ${describeIssues(result.error)}`;
}
