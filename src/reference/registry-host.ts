/**
 * Docker Hub has one canonical name (`docker.io`, what references normalise to and what credentials are
 * looked up by) and different hosts for different purposes. Keeping the mapping in one place stops the
 * transport and the auth code from disagreeing about which name means Hub.
 */

/** Canonical registry name of Docker Hub (distribution/reference `defaultDomain`). */
export const DOCKER_HUB_REGISTRY = 'docker.io';

/** Host that actually serves the Hub's /v2/ API; `docker.io` itself only redirects. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

/**
 * Key docker's CLI stores Hub credentials under (config.json `auths` and credential helpers): the v1
 * "index" URL, kept for compatibility with `docker login` since the v1 registry days.
 */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** Official images live under this namespace (`ubuntu` → `docker.io/library/ubuntu`). */
export const OFFICIAL_REPO_PREFIX = 'library/';

/**
 * Host names that all mean Docker Hub. `index.docker.io` is the legacy name normalize.go maps;
 * `registry-1.docker.io` is the API host, which distribution/reference does *not* map — ferry does, so a
 * reference copied from a registry URL or log line still resolves Hub credentials and the `library/` rule.
 */
const DOCKER_HUB_ALIASES: ReadonlySet<string> = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
]);

export function isDockerHubHost(host: string): boolean {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase());
}

/** Canonical registry name for a host: Hub aliases → `docker.io`; anything else unchanged. */
export function normalizeRegistryHost(host: string): string {
  return isDockerHubHost(host) ? DOCKER_HUB_REGISTRY : host;
}

/** Host to send /v2/ API requests to for a canonical registry name (`docker.io` → `registry-1.docker.io`). */
export function registryApiHost(registry: string): string {
  return isDockerHubHost(registry) ? DOCKER_HUB_API_HOST : registry;
}
