/**
 * Operations endpoints, unauthenticated (they reveal no promotion data and no secret; probes and
 * Prometheus carry no tokens):
 *
 *   GET /healthz            200 {status: "ok", version}: the process is up and serving (liveness)
 *   GET /readyz             200 {status: "ready"} when `ready()` says so (start-up done, database answering,
 *                           queue running: readiness.ts), else 503 {code, message} naming what is missing:
 *                           take this replica out of the Service (readiness)
 *   GET /metrics            Prometheus text exposition (metrics.ts)
 *   GET /api/openapi.json   the OpenAPI 3.1 description of this API, generated from the contract
 *                           (api/openapi.ts)
 */
import type { FastifyInstance } from 'fastify';
import type { OpenApiDocument } from '../../api/openapi.ts';
import { PATHS } from '../../api/paths.ts';
import { HttpErrorCode } from './errors.ts';
import type { FerryMetrics } from './metrics.ts';
import type { Readiness } from './readiness.ts';

export const OPS_PATHS = Object.freeze({
  health: PATHS.health,
  ready: PATHS.ready,
  metrics: PATHS.metrics,
  openapi: PATHS.openapi,
});

export interface OpsRouteOptions {
  readonly version: string;
  /** Asked on every probe (readiness.ts bounds its cost). */
  readonly ready: () => Readiness | Promise<Readiness>;
  readonly metrics: FerryMetrics;
  readonly openapi: OpenApiDocument;
}

export function registerOpsRoutes(app: FastifyInstance, options: OpsRouteOptions): void {
  app.get(OPS_PATHS.health, async () => ({ status: 'ok', version: options.version }));

  app.get(OPS_PATHS.ready, async (_request, reply) => {
    let readiness: Readiness;
    try {
      readiness = await options.ready();
    } catch {
      // A readiness check that throws is not ready; the probe must still get an answer.
      readiness = { ready: false, reason: 'the readiness check failed' };
    }
    if (readiness.ready) return { status: 'ready' };
    return reply.code(503).send({ code: HttpErrorCode.NotReady, message: `not ready: ${readiness.reason}` });
  });

  app.get(OPS_PATHS.metrics, async (_request, reply) => {
    const { contentType, body } = await options.metrics.expose();
    return reply.type(contentType).send(body);
  });

  // Serialised once: the document never changes while the app runs.
  const openapi = JSON.stringify(options.openapi);
  app.get(OPS_PATHS.openapi, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(openapi),
  );
}
