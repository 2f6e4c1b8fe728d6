/**
 * Where everything is: the paths the server mounts and clients call, in OpenAPI form (`{id}`), with
 * builders that percent-encode what came from the network. The server registers its routes with
 * fastifyPath(); clients build URLs with the builders.
 */

export const PATHS = Object.freeze({
  promotions: '/api/v1/promotions',
  promotion: '/api/v1/promotions/{id}',
  promotionEvents: '/api/v1/promotions/{id}/events',
  approve: '/api/v1/promotions/{id}/approve',
  reject: '/api/v1/promotions/{id}/reject',
  cancel: '/api/v1/promotions/{id}/cancel',
  rerun: '/api/v1/promotions/{id}/rerun',
  rollback: '/api/v1/promotions/{id}/rollback',
  /** Every promotion change as server-sent events (the dashboard's live list). */
  events: '/api/v1/events',
  rules: '/api/v1/rules',
  audit: '/api/v1/audit',
  releases: '/api/v1/releases',
  me: '/api/v1/me',
  /** `repository` may contain `/`; `environment` is `-` when the destination names none. */
  release: '/api/v1/releases/{environment}/{repository}/{tag}',
  login: '/auth/login',
  callback: '/auth/callback',
  logout: '/auth/logout',
  oneTimeLogin: '/auth/one-time',
  standardHook: '/hooks/standard',
  githubHook: '/hooks/github',
  openshiftHook: '/hooks/openshift/{secret}/generic',
  openshiftLegacyHook: '/oapi/v1/namespaces/{namespace}/buildconfigs/{name}/webhooks/{secret}/generic',
  distributionHook: '/hooks/registry/distribution',
  harborHook: '/hooks/registry/harbor',
  health: '/healthz',
  ready: '/readyz',
  metrics: '/metrics',
  openapi: '/api/openapi.json',
} as const);

export type PathName = keyof typeof PATHS;

/** Promotion actions: `POST /api/v1/promotions/{id}/<action>`. */
export const PROMOTION_ACTIONS = ['approve', 'reject', 'cancel', 'rerun', 'rollback'] as const;
export type PromotionAction = (typeof PROMOTION_ACTIONS)[number];

/** `/a/{id}/b` → `/a/:id/b`, the form Fastify registers. */
export function fastifyPath(path: string): string {
  return path.replace(/\{([A-Za-z]+)\}/g, ':$1');
}

/** `/a/:id/b` → `/a/{id}/b`: a Fastify route pattern in the contract's form. */
export function contractPath(route: string): string {
  return route.replace(/:([A-Za-z]+)/g, '{$1}');
}

/** `/api/v1/promotions/<id>` (the id percent-encoded: it comes from the network). */
export function promotionPath(id: string): string {
  return `${PATHS.promotions}/${encodeURIComponent(id)}`;
}

/** `/api/v1/promotions/<id>/<action>`. */
export function promotionActionPath(id: string, action: PromotionAction): string {
  return `${promotionPath(id)}/${action}`;
}

/** `/api/v1/releases/<environment or ->/<repository>/<tag>`; the repository keeps its `/`. */
export function releasePath(environment: string | null, repository: string, tag: string): string {
  const env = environment === null ? '-' : encodeURIComponent(environment);
  const repo = repository.split('/').map(encodeURIComponent).join('/');
  return `${PATHS.releases}/${env}/${repo}/${encodeURIComponent(tag)}`;
}

/** A query string (`?a=1&b=2`) of the defined values, or '' when there are none. */
export function queryString(
  query: Readonly<Record<string, string | number | readonly string[] | undefined>>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    // A repeatable parameter (`status`): one `key=value` per element.
    if (Array.isArray(value)) for (const element of value) params.append(key, element);
    else params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
