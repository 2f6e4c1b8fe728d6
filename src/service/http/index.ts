/**
 * The HTTP layer of `ferry serve`. The composition root builds the metrics, the PromotionService and
 * the app, then listens:
 *
 *   const metrics = createMetrics({ queueDepth, promotionsRunning, processMetrics: true });
 *   const ready = createReadinessCheck({ started, db, queue });   // /readyz, asked on every probe
 *   const app = createHttpApp({ config, service, logger, metrics, version, ready });
 *   await app.listen({ host: config.server.listen.host, port: config.server.listen.port });
 *   …
 *   await app.close();                                              // ends open event streams too
 */
export type { Admitted } from './admission.ts';
export { createHttpApp, type HttpAppOptions } from './create-http-app.ts';
export { type ErrorBody, HttpError, HttpErrorCode, toErrorResponse } from './errors.ts';
export {
  GITHUB_HOOK_PATH,
  OPENSHIFT_HOOK_PATH,
  OPENSHIFT_LEGACY_HOOK_PATH,
  STANDARD_HOOK_PATH,
} from './hook-routes.ts';
export { type HttpLoggerOptions, type HttpLoggerSetting, REDACT_PATHS, redactUrl } from './logging.ts';
export {
  type ByteKind,
  type CreateMetricsOptions,
  createMetrics,
  type FerryMetrics,
  type PromotionOutcome,
} from './metrics.ts';
export { buildOpenApiDocument, type OpenApiDocument } from './openapi.ts';
export { OPS_PATHS } from './ops-routes.ts';
export { type AcceptedBody, PROMOTIONS_PATH, type ReplayedBody } from './promotion-links.ts';
export { createReadinessCheck, type Readiness, type ReadinessCheckOptions } from './readiness.ts';
export { DISTRIBUTION_HOOK_PATH, HARBOR_HOOK_PATH, type RegistryHookBody } from './registry-hook-routes.ts';
