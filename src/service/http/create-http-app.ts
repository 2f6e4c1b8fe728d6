/**
 * The HTTP face of `ferry serve`: a Fastify app built from the config and the PromotionService. It
 * authenticates, parses and enqueues (through the service) and reads; it never copies. The composition
 * root creates it, calls `listen`, and `close` on shutdown (which also ends open event streams).
 *
 * App-wide choices, made here once:
 *   - one body parser for every Content-Type that hands routes the raw bytes (signatures are over the
 *     bytes; every route parses with the trigger module, so 413/415/400 answers are the same everywhere),
 *     with a 64 KiB limit enforced while reading;
 *   - errors answered as `{code, message, fields?}` JSON (errors.ts), 404 JSON for unknown routes;
 *   - one log line per answered request, with the route pattern and a redacted path (logging.ts);
 *   - `ferry_http_requests_total{route,status}` counted per route pattern.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  fastify,
  LogController,
} from 'fastify';
import { buildOpenApiDocument } from '../../api/openapi.ts';
import type { Grant } from '../config/identity.ts';
import type { ReadFile } from '../config/read-small-file.ts';
import type { Env } from '../config/resolve-secret.ts';
import type { FerryConfig } from '../config/schema.ts';
import type { PromotionService } from '../promote/promotion-service.ts';
import { briefError, safeError } from '../safe-error.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../triggers/body-limits.ts';
import { createAdmission } from './admission.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import { createApiAuth } from './auth.ts';
import { type DashboardOptions, dashboard, isDashboardRoute } from './dashboard.ts';
import { HttpErrorCode, toErrorResponse } from './errors.ts';
import { registerHookRoutes } from './hook-routes.ts';
import { fastifyLoggerOptions, type HttpLoggerSetting } from './logging.ts';
import type { FerryMetrics } from './metrics.ts';
import type { OidcSignIn } from './oidc-sign-in.ts';
import type { OneTimeLogins } from './one-time-login.ts';
import { OPS_PATHS, registerOpsRoutes } from './ops-routes.ts';
import { registerPromotionRoutes } from './promotion-routes.ts';
import { createPromotionViews } from './promotion-view.ts';
import type { Readiness } from './readiness.ts';
import { registerRegistryHookRoutes } from './registry-hook-routes.ts';
import { registerReleaseRoutes } from './release-routes.ts';
import { addResponseContractCheck } from './response-contract.ts';
import type { RouteContext } from './route-context.ts';
import { registerRuleRoutes } from './rule-routes.ts';
import { registerSessions, type SessionClaims, type SessionRevocations } from './sessions.ts';
import { registerSignInRoutes } from './sign-in-routes.ts';
import { createEventStreams } from './sse.ts';

export interface HttpAppOptions {
  readonly config: FerryConfig;
  readonly service: PromotionService;
  /**
   * A pino logger (a child with redaction is derived from it), options for one the app creates
   * (level, stream), or false for none.
   */
  readonly logger: HttpLoggerSetting;
  readonly metrics: FerryMetrics;
  /** ferry's version, shown by /healthz and the OpenAPI document. */
  readonly version: string;
  /** Whether this replica can take work now (/readyz): start-up done, database answering, queue running. */
  readonly ready: () => Readiness | Promise<Readiness>;
  /** Environment for `{ env: … }` secret references. Default process.env. */
  readonly env?: Env | undefined;
  /** File reader for `{ file: … }` secret references (tests). Default: the file system. */
  readonly readFile?: ReadFile | undefined;
  /** Event-stream heartbeat interval. Default 15 s. */
  readonly heartbeatMs?: number | undefined;
  /** Check every answer against the API contract (tests: response-contract.ts). Default false. */
  readonly checkResponses?: boolean | undefined;
  /** Serve the built dashboard at `/` (dashboard.ts). Default: no dashboard. */
  readonly dashboard?: DashboardOptions | undefined;
  /** Browser sessions (sign-in). Default: a random key per app, so sessions end with the process. */
  readonly sessions?: SessionSettings | undefined;
}

export interface SessionSettings {
  /** Master key of the session cookies, at least 32 bytes (session-key.ts). */
  readonly key: Buffer;
  /** `Secure` cookies; false only when ferry is reached over plain HTTP. Default true. */
  readonly secure?: boolean | undefined;
  readonly ttlSeconds?: number | undefined;
  /** OpenID Connect sign-in; absent: `/auth/login` answers 404. */
  readonly oidc?: OidcSignIn | undefined;
  /** The grants of a signed-in person (auth.oidc.roles). Default: none, admin for one-time logins. */
  readonly grantsFor?: ((claims: SessionClaims) => readonly Grant[]) | undefined;
  /** Single-use demo links (`--one-time-login`). */
  readonly oneTime?: OneTimeLogins | undefined;
  /** Signed-out sessions. Default: this process only; `ferry serve` keeps them in the store. */
  readonly revocations?: SessionRevocations | undefined;
}

/** Route pattern for metrics and logs; requests no route matched share one label. */
function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

/** Probes and scrapes arrive every few seconds: their log lines go to debug. */
const QUIET_ROUTES: ReadonlySet<string> = new Set([OPS_PATHS.health, OPS_PATHS.ready, OPS_PATHS.metrics]);

export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const bodyLimit = DEFAULT_MAX_BODY_BYTES;
  const sendError = (err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    // The client went away while its request was being read (a CI job cancelled, a proxy timeout): not
    // ferry's failure, nobody to answer, and a stack trace at error level would page someone for it.
    if (request.raw.readableAborted || request.raw.socket?.destroyed === true) {
      const { message, code } = briefError(err);
      request.log.info({ error: message, code }, 'client closed the connection before the answer');
      return reply.code(400).send();
    }
    const response = toErrorResponse(err, request.id, bodyLimit);
    if (response.internal) request.log.error({ error: safeError(err) }, 'request failed');
    else request.log.info({ code: response.body.code, reason: response.body.message }, 'request refused');
    // Clients (`ferry trigger`, registries) retry a 503; this paces them.
    if (response.status === 503) reply.header('retry-after', '5');
    return reply.code(response.status).send(response.body);
  };

  const app = fastify({
    ...fastifyLoggerOptions(options.logger),
    // One line per request is written by the onResponse hook below; Fastify's own lines would print
    // the raw URL of unmatched requests (an OpenShift secret in a mistyped path).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => randomUUID(),
    bodyLimit,
    // Webhook secrets in the OpenShift path can be long random strings.
    routerOptions: { maxParamLength: 512 },
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      sendError(error, request, reply);
    },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));

  app.setErrorHandler((err, request, reply) => sendError(err, request, reply));
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send({ code: HttpErrorCode.NotFound, message: 'no such endpoint' }),
  );

  if (options.checkResponses === true) {
    addResponseContractCheck(app, { exempt: (request) => isDashboardRoute(request.routeOptions.url) });
  }

  app.addHook('onResponse', async (request, reply) => {
    const route = routeLabel(request);
    options.metrics.recordHttpRequest(route, reply.statusCode);
    const line = { req: request, res: reply, responseTime: Math.round(reply.elapsedTime) };
    if (QUIET_ROUTES.has(route)) request.log.debug(line, 'request completed');
    else request.log.info(line, 'request completed');
  });

  const views = createPromotionViews(options.service);
  const streams = createEventStreams({ service: options.service, views, heartbeatMs: options.heartbeatMs });
  // Open event streams would keep close() waiting until every client left.
  app.addHook('preClose', async () => streams.closeAll());

  const settings = options.sessions;
  const sessions = registerSessions(app, {
    key: settings?.key ?? randomBytes(32),
    secure: settings?.secure ?? true,
    ttlSeconds: settings?.ttlSeconds,
    revocations: settings?.revocations,
  });
  const mapGrants = settings?.grantsFor ?? (() => []);
  // One-time logins are the demo's admin; everyone else gets what ferry.yaml's role mapping says.
  const grantsFor = (claims: SessionClaims): readonly Grant[] =>
    claims.kind === 'one-time' ? [{ role: 'admin' }] : mapGrants(claims);

  const ctx: RouteContext = {
    config: options.config,
    service: options.service,
    admission: createAdmission({ config: options.config, service: options.service }),
    auth: createApiAuth({ config: options.config, sessions, grantsFor }),
    views,
    secrets: { env: options.env ?? process.env, readFile: options.readFile },
    bodyLimit,
  };
  registerSignInRoutes(app, ctx, { sessions, oidc: settings?.oidc, oneTime: settings?.oneTime });
  registerPromotionRoutes(app, ctx, streams);
  registerReleaseRoutes(app, ctx);
  registerRuleRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerHookRoutes(app, ctx);
  registerRegistryHookRoutes(app, ctx);
  registerOpsRoutes(app, {
    version: options.version,
    ready: options.ready,
    metrics: options.metrics,
    openapi: buildOpenApiDocument({ version: options.version }),
  });
  if (options.dashboard !== undefined) {
    const provider = settings?.oidc?.providerOrigin;
    app.register(dashboard, { ...options.dashboard, formTargets: provider === undefined ? [] : [provider] });
  }
  return app;
}
