/**
 * Which auth files to consult, in skopeo's order (containers/image pkg/docker/config
 * getAuthFilePaths / getPathToAuthWithOS, Linux branch):
 *
 * 1. A user-specified file — `--authfile`, else `$REGISTRY_AUTH_FILE` (skopeo uses the variable as the
 *    flag's default). When one is given it is the *only* file consulted, as in skopeo.
 * 2. Otherwise: `$XDG_RUNTIME_DIR/containers/auth.json` (or `/run/containers/$UID/auth.json` when
 *    XDG_RUNTIME_DIR is unset), then `$XDG_CONFIG_HOME/containers/auth.json` (default `~/.config`),
 *    then `$DOCKER_CONFIG/config.json` *instead of* `~/.docker/config.json` when DOCKER_CONFIG is set
 *    (docker and skopeo both treat it as a replacement), then the legacy `~/.dockercfg`.
 *
 * Pure: everything comes from the options, so tests point it at temporary directories.
 */
import { join } from 'node:path';

export interface AuthFilePathOptions {
  /** `--authfile` value, if given. */
  readonly authFile?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  /** For the `/run/containers/$UID` fallback; defaults to the process uid. */
  readonly uid?: number | undefined;
}

export interface AuthFilePath {
  readonly path: string;
  /** `~/.dockercfg`: a bare `{ "host": {auth} }` map without the `auths` wrapper, keys are v1 URLs. */
  readonly legacyFormat: boolean;
}

export function authFilePaths(options: AuthFilePathOptions): AuthFilePath[] {
  const { env, homeDir } = options;
  const userSpecified = nonEmpty(options.authFile) ?? nonEmpty(env['REGISTRY_AUTH_FILE']);
  if (userSpecified !== undefined) return [{ path: userSpecified, legacyFormat: false }];

  const paths: AuthFilePath[] = [];
  const runtimeDir = nonEmpty(env['XDG_RUNTIME_DIR']);
  const uid = options.uid ?? process.getuid?.();
  if (runtimeDir !== undefined) {
    paths.push({ path: join(runtimeDir, 'containers', 'auth.json'), legacyFormat: false });
  } else if (uid !== undefined) {
    paths.push({ path: join('/run/containers', String(uid), 'auth.json'), legacyFormat: false });
  }
  const configHome = nonEmpty(env['XDG_CONFIG_HOME']) ?? join(homeDir, '.config');
  paths.push({ path: join(configHome, 'containers', 'auth.json'), legacyFormat: false });
  const dockerConfig = nonEmpty(env['DOCKER_CONFIG']);
  paths.push({
    path:
      dockerConfig === undefined
        ? join(homeDir, '.docker', 'config.json')
        : join(dockerConfig, 'config.json'),
    legacyFormat: false,
  });
  paths.push({ path: join(homeDir, '.dockercfg'), legacyFormat: true });
  return paths;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The file `login`/`logout` write when no --authfile is given (containers/common pkg/auth
 * GetDefaultAuthFile, then containers/image getPathToAuth): `$REGISTRY_AUTH_FILE`, else
 * `$DOCKER_CONFIG/config.json` when DOCKER_CONFIG is set, else `$XDG_RUNTIME_DIR/containers/auth.json`
 * (`/run/containers/$UID/auth.json` without XDG_RUNTIME_DIR) — the file podman login writes too.
 */
export function defaultWriteAuthFile(options: Omit<AuthFilePathOptions, 'authFile'>): string {
  const { env } = options;
  const userSpecified = nonEmpty(env['REGISTRY_AUTH_FILE']);
  if (userSpecified !== undefined) return userSpecified;
  const dockerConfig = nonEmpty(env['DOCKER_CONFIG']);
  if (dockerConfig !== undefined) return join(dockerConfig, 'config.json');
  const runtimeDir = nonEmpty(env['XDG_RUNTIME_DIR']);
  if (runtimeDir !== undefined) return join(runtimeDir, 'containers', 'auth.json');
  return join('/run/containers', String(options.uid ?? process.getuid?.() ?? 0), 'auth.json');
}
