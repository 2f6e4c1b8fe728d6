/**
 * JSON logs (pino, through Fastify) that never contain a credential. Three layers, because any one can
 * be bypassed by a careless log call:
 *
 *   1. the `req` serializer prints the method, the *path* with the OpenShift secret segment replaced,
 *      the route pattern and the client address — never headers, never query values;
 *   2. `redact` censors credential headers wherever a log call passes headers (`req.headers.*`,
 *      `headers.*`) and the `secret` path parameter (`params.secret`);
 *   3. Fastify's own per-request lines (which print the raw URL on a 404) are switched off in favour of
 *      one line per answered request written by the app (create-http-app.ts).
 *
 * The seed system pasted its webhook secret into a URL and its tokens into shell commands; both ended up
 * in logs. This is the test for that: log-redaction.test.ts greps every line for the secrets it used.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';

/** Header names that carry credentials (lower case, as Node delivers them). */
const CREDENTIAL_HEADERS = [
  'authorization',
  'cookie',
  'set-cookie',
  'proxy-authorization',
  'webhook-signature',
  'x-hub-signature-256',
  'x-hub-signature',
] as const;

export const REDACT_PATHS: readonly string[] = [
  ...CREDENTIAL_HEADERS.flatMap((name) => [`req.headers["${name}"]`, `headers["${name}"]`]),
  'req.params.secret',
  'params.secret',
];

const CENSOR = '[redacted]';

/**
 * The request path fit for a log: the OpenShift secret segment replaced, query *values* dropped (a
 * misconfigured client may put a token there). Works on unrouted URLs too (a 404 for a mistyped hook
 * path still carries the secret).
 */
export function redactUrl(url: string): string {
  const question = url.indexOf('?');
  const path = question === -1 ? url : url.slice(0, question);
  const redacted = path
    .replace(/^(\/+hooks\/+openshift\/+)[^/]*/i, `$1${CENSOR}`)
    .replace(/(\/webhooks\/+)[^/]*/gi, `$1${CENSOR}`);
  if (question === -1) return redacted;
  const names = url
    .slice(question + 1)
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => `${pair.split('=')[0] ?? ''}=…`);
  return names.length === 0 ? redacted : `${redacted}?${names.join('&')}`;
}

interface LoggableRequest {
  readonly method?: string;
  readonly url?: string;
  readonly ip?: string;
  readonly routeOptions?: { readonly url?: string | undefined };
}

/** `req` serializer: what a request log line shows. */
export function serializeRequest(request: LoggableRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactUrl(request.url),
    route: request.routeOptions?.url,
    remoteAddress: request.ip,
  };
}

/** `res` serializer: the status only (response headers may carry Set-Cookie or Location with ids only). */
export function serializeReply(reply: { readonly statusCode?: number }): Record<string, unknown> {
  return { statusCode: reply.statusCode };
}

/** Where logs go when the caller does not bring a logger of its own. */
export interface HttpLoggerOptions {
  /** pino level; default 'info'. */
  readonly level?: string | undefined;
  /** Default: stdout. */
  readonly stream?: { write(line: string): void } | undefined;
}

/** A pino logger of the composition root (its bindings and level are kept), options, or false for none. */
export type HttpLoggerSetting = FastifyBaseLogger | HttpLoggerOptions | false;

function isLogger(setting: FastifyBaseLogger | HttpLoggerOptions): setting is FastifyBaseLogger {
  return typeof (setting as { child?: unknown }).child === 'function';
}

/** The Fastify `logger`/`loggerInstance` options for a setting, with redaction and serializers applied. */
export function fastifyLoggerOptions(
  setting: HttpLoggerSetting,
): Pick<FastifyServerOptions, 'logger' | 'loggerInstance'> {
  if (setting === false) return { logger: false };
  const redact = { paths: [...REDACT_PATHS], censor: CENSOR };
  const serializers = { req: serializeRequest, res: serializeReply };
  if (isLogger(setting)) {
    // A child with its own redact and serializers: the root's logger is left as it is for other users.
    return { loggerInstance: setting.child({ component: 'http' }, { redact, serializers }) };
  }
  return {
    logger: {
      level: setting.level ?? 'info',
      redact,
      serializers,
      ...(setting.stream === undefined ? {} : { stream: setting.stream }),
    },
  };
}
