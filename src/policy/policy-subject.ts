/**
 * How a source image is named to the policy, per transport, as containers/image v5.23 names it:
 *
 * - `identity` and `namespaces`: PolicyConfigurationIdentity / PolicyConfigurationNamespaces, the
 *   scope keys looked up in `transports.<name>` from the most specific to the least;
 * - `imageName`: transports.ImageName, which the reject message quotes (`docker://host/repo:tag`);
 * - `dockerReference`: what a signature's docker-reference is matched against.
 *
 * docker (docker_transport.go, policyconfiguration/naming.go): identity `host/repo:tag` (or
 * `@digest`); namespaces `host/repo`, each parent namespace, `host[:port]`, then wildcard domains
 * (`*.example.com`, `*.com`). ferry accepts `name:tag@digest`, which containers/image refuses; the
 * digest is what is pulled, so the policy sees `name@digest`.
 *
 * Paths (oci, oci-archive, dir): the absolute path with symlinks resolved
 * (explicitfilepath.ResolvePathToFullyExplicit); namespaces are the enclosing directories, never "/".
 * oci and oci-archive include the path itself among their namespaces, dir does not. docker-archive has
 * no scopes but "" (its identity is empty).
 */
import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { formatReference, referenceName } from '../reference/format-reference.ts';
import type { ImageReference } from '../reference/image-reference.ts';

export interface PolicySubject {
  /** The transport's name as a key of policy.json `transports`. */
  readonly transport: string;
  readonly identity: string;
  readonly namespaces: readonly string[];
  readonly imageName: string;
  /** Undefined where the transport has no docker identity (oci, dir). */
  readonly dockerReference: ImageReference | undefined;
  /** Whether cosign `.sig` attachments are read from this source (registries only, as in containers/image). */
  readonly readsSignatures: boolean;
}

/** Any of ferry's transport references: docker, or a path-based one. */
export type SubjectReference =
  | { readonly transport: 'docker'; readonly ref: ImageReference }
  | {
      readonly transport: string;
      readonly path: string;
      readonly refName?: string | undefined;
      readonly ref?: ImageReference | undefined;
      readonly index?: number | undefined;
    };

export async function policySubject(reference: SubjectReference): Promise<PolicySubject> {
  if (reference.transport === 'docker') return dockerSubject((reference as { ref: ImageReference }).ref);
  const r = reference as Extract<SubjectReference, { readonly path: string }>;
  switch (r.transport) {
    case 'oci':
    case 'oci-archive': {
      const resolved = await resolvePathToFullyExplicit(r.path);
      return pathSubject(r.transport, `${r.transport}:${r.path}:${r.refName ?? ''}`, resolved, [
        resolved,
        ...parents(resolved),
      ]);
    }
    case 'dir': {
      const resolved = await resolvePathToFullyExplicit(r.path);
      return pathSubject('dir', `dir:${r.path}`, resolved, parents(resolved));
    }
    case 'docker-archive': {
      const suffix =
        r.ref !== undefined ? `:${formatReference(r.ref)}` : r.index !== undefined ? `:@${r.index}` : '';
      return { ...pathSubject('docker-archive', `docker-archive:${r.path}${suffix}`, '', []) };
    }
    default:
      return pathSubject(
        r.transport,
        `${r.transport}:${r.path}`,
        await resolvePathToFullyExplicit(r.path),
        [],
      );
  }
}

export function dockerSubject(given: ImageReference): PolicySubject {
  const ref: ImageReference =
    given.digest !== undefined && given.tag !== undefined
      ? { registry: given.registry, repository: given.repository, digest: given.digest }
      : given;
  const name = referenceName(ref);
  const identity = ref.digest !== undefined ? `${name}@${ref.digest}` : `${name}:${ref.tag ?? 'latest'}`;
  const namespaces: string[] = [];
  for (let n = name; ; n = n.slice(0, n.lastIndexOf('/'))) {
    namespaces.push(n);
    if (!n.includes('/')) break;
  }
  // naming.go: strip the port, then every suffix after a dot as `*.suffix`.
  let host = ref.registry.replace(/:\d+$/, '');
  for (let dot = host.indexOf('.'); dot !== -1; dot = host.indexOf('.')) {
    host = host.slice(dot + 1);
    namespaces.push(`*.${host}`);
  }
  return {
    transport: 'docker',
    identity,
    namespaces,
    imageName: `docker://${formatReference(ref, { short: true })}`,
    dockerReference: ref,
    readsSignatures: true,
  };
}

function pathSubject(
  transport: string,
  imageName: string,
  identity: string,
  namespaces: readonly string[],
): PolicySubject {
  return { transport, identity, namespaces, imageName, dockerReference: undefined, readsSignatures: false };
}

/** Enclosing directories of an absolute path, innermost first, without "/". */
function parents(path: string): string[] {
  const out: string[] = [];
  for (let p = dirname(path); p !== '/' && p !== '.'; p = dirname(p)) out.push(p);
  return out;
}

/** explicitfilepath.ResolvePathToFullyExplicit: absolute, symlinks resolved; a missing leaf is kept. */
export async function resolvePathToFullyExplicit(path: string): Promise<string> {
  try {
    await lstat(path);
    return await realpath(resolve(path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return join(await realpath(resolve(dirname(path))), basename(path));
  }
}
