/**
 * The dashboard's pages (web/): the paths its router shows and `ferry serve` answers with the app's
 * index.html, so a reload or a shared link of a page works. Declared once here: the server registers
 * exactly these, the web app routes exactly these, and test/architecture.test.ts checks both agree.
 * Anything else that is not an API, hook or asset path stays a JSON 404.
 *
 * Patterns are Fastify's/React Router's (`:id`, `*` for the rest of the path: a release's repository
 * contains `/`).
 */
export const DASHBOARD_PATHS = Object.freeze({
  promotions: '/',
  promotion: '/promotions/:id',
  releases: '/releases',
  release: '/releases/*',
  rules: '/rules',
  audit: '/audit',
  signIn: '/sign-in',
} as const);

/** Where the built app's hashed files are served from (long-cached: their names change with content). */
export const DASHBOARD_ASSETS_PREFIX = '/assets/';

/** `/promotions/<id>` (the id percent-encoded). */
export function dashboardPromotionPath(id: string): string {
  return `/promotions/${encodeURIComponent(id)}`;
}

/** `/releases/<environment or ->/<repository>/<tag>`: the API's release path under the dashboard. */
export function dashboardReleasePath(environment: string | null, repository: string, tag: string): string {
  const env = environment === null ? '-' : encodeURIComponent(environment);
  const repo = repository.split('/').map(encodeURIComponent).join('/');
  return `/releases/${env}/${repo}/${encodeURIComponent(tag)}`;
}
