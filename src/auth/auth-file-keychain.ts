/**
 * Credentials from containers `auth.json` / docker `config.json` files, looked up the way skopeo does
 * (containers/image pkg/docker/config findCredentialsInFile), plus docker's `credsStore`:
 *
 * Files are tried in authFilePaths() order; missing files are skipped, the first file that yields a
 * credential wins. Within one file:
 *   1. `credHelpers[registry]` → run that helper (per-registry helpers win over everything, as in both
 *      docker and containers/image);
 *   2. `auths` — exact keys first (`host/ns/repo`, `host/ns`, `host` when a repository is given: the
 *      containers per-namespace extension), then any key that normalises to the registry
 *      (`https://index.docker.io/v1/` → `docker.io`, `http://host:5000/v2/` → `host:5000`). The first
 *      matching entry decides; an empty entry (`{}`, which docker writes as a marker when a store is in
 *      use) falls through to step 3;
 *   3. `credsStore` → run the default helper. containers/image ignores `credsStore`; docker consults it
 *      *instead of* `auths`. We consult it after `auths`: docker never writes real credentials into
 *      `auths` while a store is configured, so any that are there came from another tool (podman, a CI
 *      script) and were meant to be used — and it saves spawning a helper.
 * Entries may hold `auth` (base64 `user:pass`), docker's separate `username`/`password` fields, and
 * `identitytoken` (an OAuth2 refresh token → `identity-token` credential).
 *
 * Docker Hub: helpers are asked for `https://index.docker.io/v1/` (the key docker's CLI stores Hub
 * credentials under) and then `docker.io` (what podman/skopeo use).
 *
 * Files are re-read on every resolve() (they may change between token exchanges: `podman login` in
 * another shell, a rotated mounted secret); within one resolve each file is read once.
 */
import { readFile } from 'node:fs/promises';
import { DOCKER_HUB_AUTH_KEY, DOCKER_HUB_REGISTRY } from '../reference/registry-host.ts';
import { AuthConfigError } from './auth-error.ts';
import { type AuthFilePath, type AuthFilePathOptions, authFilePaths } from './auth-file-paths.ts';
import type { Credential, Keychain } from './credential.ts';
import { ANONYMOUS } from './credential.ts';
import { getFromCredentialHelper } from './credential-helper.ts';
import { basicCredential, identityTokenCredential } from './credential-values.ts';
import { registryKey } from './registry-key.ts';

export interface AuthFileKeychainOptions extends AuthFilePathOptions {
  /** Per-helper-invocation timeout (default 30 s). */
  readonly helperTimeoutMs?: number | undefined;
}

interface AuthEntry {
  readonly auth?: string | undefined;
  readonly username?: string | undefined;
  readonly password?: string | undefined;
  readonly identitytoken?: string | undefined;
}

interface AuthFileContents {
  readonly auths: ReadonlyMap<string, AuthEntry>;
  readonly credHelpers: ReadonlyMap<string, string>;
  readonly credsStore: string | undefined;
}

export class AuthFileKeychain implements Keychain {
  readonly #options: AuthFileKeychainOptions;

  constructor(options: AuthFileKeychainOptions) {
    this.#options = options;
  }

  /** The files this keychain consults, in order (for diagnostics such as `ferry auth which`). */
  paths(): AuthFilePath[] {
    return authFilePaths(this.#options);
  }

  resolve(registry: string): Promise<Credential> {
    return this.resolveRepository(registry, undefined);
  }

  /**
   * Like resolve(), additionally honouring containers' per-repository/namespace `auths` keys
   * (`quay.io/team/app`, `quay.io/team`) for `repository`. Helpers are always asked by registry only,
   * as in containers/image ("we don't support namespaced credentials in helpers").
   */
  async resolveRepository(registry: string, repository: string | undefined): Promise<Credential> {
    for (const file of this.paths()) {
      const contents = await readAuthFile(file);
      if (contents === undefined) continue;
      const credential = await this.#findInFile(contents, file, registry, repository);
      if (credential.kind !== 'anonymous') return credential;
    }
    return ANONYMOUS;
  }

  toString(): string {
    return `AuthFileKeychain(${this.paths()
      .map((p) => p.path)
      .join(', ')})`;
  }

  async #findInFile(
    contents: AuthFileContents,
    file: AuthFilePath,
    registry: string,
    repository: string | undefined,
  ): Promise<Credential> {
    const wanted = registryKey(registry);

    const helper = lookup(
      contents.credHelpers,
      registry,
      (key) => normalizeAuthFileKey(key, false) === wanted,
    );
    if (helper !== undefined) return this.#askHelper(helper, registry);

    const entry = findAuthEntry(contents.auths, file.legacyFormat, registry, repository, wanted);
    if (entry !== undefined) {
      const credential = decodeEntry(file.path, entry.key, entry.value);
      if (credential.kind !== 'anonymous') return credential;
    }

    if (contents.credsStore !== undefined) return this.#askHelper(contents.credsStore, registry);
    return ANONYMOUS;
  }

  async #askHelper(helper: string, registry: string): Promise<Credential> {
    const options = { env: this.#options.env, timeoutMs: this.#options.helperTimeoutMs };
    for (const serverUrl of helperServerUrls(registry)) {
      const credential = await getFromCredentialHelper(helper, serverUrl, options);
      if (credential.kind !== 'anonymous') return credential;
    }
    return ANONYMOUS;
  }
}

/** Server URLs to ask a helper for, best first. */
function helperServerUrls(registry: string): string[] {
  return registryKey(registry) === DOCKER_HUB_REGISTRY
    ? [DOCKER_HUB_AUTH_KEY, DOCKER_HUB_REGISTRY]
    : [registry];
}

/**
 * containers/image normalizeAuthFileKey: strip `http(s)://`, and the path too when there was a scheme
 * or the file is legacy (v1 URLs such as `https://index.docker.io/v1/`); then map Hub aliases. A
 * scheme-less `host/ns` key keeps its namespace, so it never matches the bare registry here.
 */
export function normalizeAuthFileKey(key: string, legacyFormat: boolean): string {
  let stripped = key.replace(/^https?:\/\//, '');
  if (legacyFormat || stripped !== key) stripped = stripped.split('/')[0] ?? '';
  return registryKey(stripped);
}

function lookup<T>(
  map: ReadonlyMap<string, T>,
  exact: string,
  matches: (key: string) => boolean,
): T | undefined {
  const hit = map.get(exact);
  if (hit !== undefined) return hit;
  for (const [key, value] of map) if (matches(key)) return value;
  return undefined;
}

function findAuthEntry(
  auths: ReadonlyMap<string, AuthEntry>,
  legacyFormat: boolean,
  registry: string,
  repository: string | undefined,
  wanted: string,
): { key: string; value: AuthEntry } | undefined {
  // containers authKeyLookupOrder: most specific exact key first; legacy files are registry-only.
  const exactKeys =
    legacyFormat || repository === undefined ? [registry] : namespaceKeys(registry, repository);
  for (const key of exactKeys) {
    const value = auths.get(key);
    if (value !== undefined) return { key, value };
  }
  for (const [key, value] of auths) {
    if (normalizeAuthFileKey(key, legacyFormat) === wanted) return { key, value };
  }
  return undefined;
}

/** `quay.io/a/b/c` → `quay.io/a/b/c`, `quay.io/a/b`, `quay.io/a`, `quay.io`. */
function namespaceKeys(registry: string, repository: string): string[] {
  const keys: string[] = [];
  let key = `${registry}/${repository}`;
  for (;;) {
    keys.push(key);
    const slash = key.lastIndexOf('/');
    if (slash === -1) return keys;
    key = key.slice(0, slash);
  }
}

/** An `auths` entry to a credential; anonymous for empty marker entries. */
function decodeEntry(path: string, key: string, entry: AuthEntry): Credential {
  let username = entry.username ?? '';
  let password = entry.password ?? '';
  if (entry.auth !== undefined && entry.auth !== '') {
    const decoded = decodeBase64(entry.auth);
    if (decoded === undefined) {
      throw new AuthConfigError(
        `auth file ${path}: "auth" of entry ${JSON.stringify(key)} is not valid base64`,
        {
          path,
        },
      );
    }
    const colon = decoded.indexOf(':');
    // containers/image: "if it's invalid just skip, as docker does".
    if (colon === -1) return ANONYMOUS;
    username = decoded.slice(0, colon);
    // Trailing NULs: some old writers padded the field (containers/image strips them too).
    password = decoded.slice(colon + 1).replace(/\0+$/, '');
  }
  if (entry.identitytoken !== undefined && entry.identitytoken !== '') {
    return identityTokenCredential(entry.identitytoken, username === '' ? undefined : username);
  }
  if (username === '' && password === '') return ANONYMOUS;
  return basicCredential(username, password);
}

/** Strict-ish standard base64 (Go's StdEncoding, but tolerating missing padding). */
function decodeBase64(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(value, 'base64').toString('utf8');
}

/** Reads and shape-checks one auth file; undefined if it does not exist. */
async function readAuthFile(file: AuthFilePath): Promise<AuthFileContents | undefined> {
  const { path } = file;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new AuthConfigError(`cannot read auth file ${path}: ${code ?? 'unknown error'}`, {
      path,
      cause: err,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No cause and no position: V8's SyntaxError message quotes the surrounding text, i.e. secrets.
    throw new AuthConfigError(`auth file ${path} is not valid JSON`, { path });
  }
  if (!isRecord(parsed)) throw new AuthConfigError(`auth file ${path} must contain a JSON object`, { path });

  if (file.legacyFormat) {
    return { auths: parseAuths(path, parsed), credHelpers: new Map(), credsStore: undefined };
  }
  const auths = parsed['auths'];
  const credHelpers = parsed['credHelpers'];
  const credsStore = parsed['credsStore'];
  if (auths !== undefined && auths !== null && !isRecord(auths)) {
    throw new AuthConfigError(`auth file ${path}: "auths" must be an object`, { path });
  }
  if (credHelpers !== undefined && credHelpers !== null && !isRecord(credHelpers)) {
    throw new AuthConfigError(`auth file ${path}: "credHelpers" must be an object`, { path });
  }
  if (credsStore !== undefined && credsStore !== null && typeof credsStore !== 'string') {
    throw new AuthConfigError(`auth file ${path}: "credsStore" must be a string`, { path });
  }
  const helpers = new Map<string, string>();
  for (const [key, value] of Object.entries(isRecord(credHelpers) ? credHelpers : {})) {
    if (typeof value !== 'string') {
      throw new AuthConfigError(
        `auth file ${path}: credHelpers entry ${JSON.stringify(key)} must be a string`,
        { path },
      );
    }
    if (value !== '') helpers.set(key, value);
  }
  return {
    auths: parseAuths(path, isRecord(auths) ? auths : {}),
    credHelpers: helpers,
    credsStore: typeof credsStore === 'string' && credsStore !== '' ? credsStore : undefined,
  };
}

function parseAuths(path: string, auths: Record<string, unknown>): Map<string, AuthEntry> {
  const result = new Map<string, AuthEntry>();
  for (const [key, value] of Object.entries(auths)) {
    if (!isRecord(value)) {
      throw new AuthConfigError(`auth file ${path}: entry ${JSON.stringify(key)} must be an object`, {
        path,
      });
    }
    const entry: Record<string, string> = {};
    for (const field of ['auth', 'username', 'password', 'identitytoken'] as const) {
      const fieldValue = value[field];
      if (fieldValue === undefined || fieldValue === null) continue;
      if (typeof fieldValue !== 'string') {
        throw new AuthConfigError(
          `auth file ${path}: "${field}" of entry ${JSON.stringify(key)} must be a string`,
          {
            path,
          },
        );
      }
      entry[field] = fieldValue;
    }
    result.set(key, entry);
  }
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
