/**
 * The auth-file key a `login`/`logout` argument names (containers/common pkg/auth
 * parseCredentialsKey with AcceptRepositories, as skopeo calls it): an `http(s)://` URL is cut to its
 * host[:port]; `host[:port]` is the key as given; `host/ns[/repo]` is a per-namespace key, which must be
 * a valid repository name without tag or digest. Pure.
 */
import { BadUsageError } from '../../errors/kinds.ts';
import { tryParseReference } from '../../reference/parse-reference.ts';

export interface CredentialsKey {
  /** `host[:port]` or `host[:port]/namespace…`, as stored under `auths`. */
  readonly key: string;
  /** `host[:port]`: where the credentials are checked. */
  readonly registry: string;
  /** The path after the registry, for per-namespace lookups. */
  readonly repository: string | undefined;
}

export function parseCredentialsKey(arg: string): CredentialsKey {
  let key = arg;
  if (/^https?:\/\//.test(arg)) {
    try {
      key = new URL(arg).host;
    } catch {
      throw new BadUsageError(`trimming http{s} prefix: ${JSON.stringify(arg)} is not a URL`);
    }
  }
  const slash = key.indexOf('/');
  const registry = slash === -1 ? key : key.slice(0, slash);
  if (registry === '') throw new BadUsageError(`${JSON.stringify(arg)} names no registry`);
  if (slash === -1) return { key, registry, repository: undefined };
  const parsed = tryParseReference(key);
  if (!parsed.ok) throw new BadUsageError(`parse reference from ${JSON.stringify(key)}: ${parsed.reason}`);
  if (parsed.ref.tag !== undefined || parsed.ref.digest !== undefined)
    throw new BadUsageError(`reference ${JSON.stringify(key)} contains tag or digest`);
  return { key, registry, repository: key.slice(slash + 1) };
}
