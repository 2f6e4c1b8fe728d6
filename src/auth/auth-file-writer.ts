/**
 * Writing containers `auth.json` / docker `config.json` credentials, as `skopeo login`/`logout` and
 * `podman login` do (containers/image pkg/docker/config SetCredentials / RemoveAuthentication /
 * RemoveAllAuthentication, JSON-file branch):
 *
 * - an entry is `auths[KEY] = {"auth": base64("user:password")}`; KEY is `host[:port]` or a
 *   `host/namespace/repo` prefix;
 * - the file is replaced atomically (temp file in the same directory, fsync, rename) with mode 0600,
 *   its directory created 0700 when missing; indentation is a tab, as containers/image writes it;
 * - unlike containers/image, which re-marshals only `auths` and `credHelpers`, every other key of the
 *   file (docker's `credsStore`, `HttpHeaders`, `psFormat`, …) and every other entry is kept: the file
 *   is often docker's own config.json.
 *
 * Secrets never appear in errors.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AuthConfigError } from './auth-error.ts';

type AuthFileJson = Record<string, unknown> & { auths?: Record<string, unknown> };

async function readJson(path: string): Promise<AuthFileJson> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new AuthConfigError(`cannot read auth file ${path}: ${(err as NodeJS.ErrnoException).code}`, {
      path,
      cause: err,
    });
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // No cause: V8's SyntaxError quotes the text around the error, i.e. possibly a secret.
    throw new AuthConfigError(`auth file ${path} is not valid JSON`, { path });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new AuthConfigError(`auth file ${path} must contain a JSON object`, { path });
  const json = parsed as AuthFileJson;
  if (
    json.auths !== undefined &&
    (typeof json.auths !== 'object' || json.auths === null || Array.isArray(json.auths))
  )
    throw new AuthConfigError(`auth file ${path}: "auths" must be an object`, { path });
  return json;
}

async function writeJson(path: string, json: AuthFileJson): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(JSON.stringify(json, null, '\t'));
    await fh.sync();
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw new AuthConfigError(
      `cannot write auth file ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      {
        path,
        cause: err,
      },
    );
  }
}

/** Store `username:password` under `key`, replacing any entry for it. */
export async function setAuthFileCredential(
  path: string,
  key: string,
  username: string,
  password: string,
): Promise<void> {
  const json = await readJson(path);
  const auths = { ...(json.auths ?? {}) };
  auths[key] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  await writeJson(path, { ...json, auths });
}

/** Remove the entry for `key`; false (file untouched) when there was none. */
export async function removeAuthFileCredential(path: string, key: string): Promise<boolean> {
  const json = await readJson(path);
  const auths = { ...(json.auths ?? {}) };
  if (!Object.hasOwn(auths, key)) return false;
  delete auths[key];
  await writeJson(path, { ...json, auths });
  return true;
}

/** Remove every credential (`auths` and per-registry `credHelpers`, as containers/image does). */
export async function removeAllAuthFileCredentials(path: string): Promise<void> {
  const json = await readJson(path);
  const { credHelpers: _helpers, ...rest } = json;
  await writeJson(path, { ...rest, auths: {} });
}
