/**
 * The two sides of `ferry sync` from the command line: `--src yaml|docker|dir|oci|oci-archive SOURCE`
 * and `--dest docker|dir|oci|oci-archive DESTINATION` (skopeo's form), or the transport and path in
 * one (`--dest oci-archive:bundle.tar`, no DESTINATION argument).
 */
import { basename, dirname, resolve } from 'node:path';
import type { Keychain } from '../../auth/credential.ts';
import { basicCredential } from '../../auth/credential-values.ts';
import { readBoundedFile } from '../../auth/read-bounded-file.ts';
import { TokenFileKeychain } from '../../auth/token-file-keychain.ts';
import type { CopyDestination } from '../../copy/endpoints.ts';
import { ImageDirSetDestination, ImageDirSetSource } from '../../copy/image-dir-set-repository.ts';
import { type OpenedLayout, openLayoutForRead, openLayoutForWrite } from '../../copy/layout-endpoint.ts';
import { scopedImages } from '../../copy/layout-repository.ts';
import { BadUsageError } from '../../errors/kinds.ts';
import { ImageDirPool } from '../../layout/image-dir-pool.ts';
import { findImageDirs, parseImageDirName } from '../../layout/image-dir-set.ts';
import { isDigest } from '../../oci/digest.ts';
import { PATH_COMPONENT_RE, TAG_RE } from '../../reference/grammar.ts';
import { tryParseReference } from '../../reference/parse-reference.ts';
import type { Endpoint, Registries } from '../../registry/registries.ts';
import { NO_RETRY } from '../../registry/retry.ts';
import type { SourceRepository } from '../../sync/collect-items.ts';
import { SyncConfigError } from '../../sync/sync-config-error.ts';
import { parseSyncFile } from '../../sync/sync-file.ts';
import type { DestinationTransport, SourceTransport } from './sync-transports.ts';

/** Sync files are small; a multi-megabyte one is the wrong file. */
const MAX_SYNC_FILE_BYTES = 4 * 1024 * 1024;

/** Split `--src`/`--dest` and the positional argument into a transport and a location. */
export function resolveSide<T extends string>(
  flag: '--src' | '--dest',
  value: string | undefined,
  positional: string | undefined,
  allowed: readonly T[],
): { transport: T; location: string } {
  if (!value) throw new BadUsageError(`${flag} is required (one of: ${allowed.join(', ')})`);
  const colon = value.indexOf(':');
  const transport = (colon === -1 ? value : value.slice(0, colon)) as T;
  if (!allowed.includes(transport)) {
    throw new BadUsageError(
      `${flag} ${JSON.stringify(value)}: unknown transport (one of: ${allowed.join(', ')})`,
    );
  }
  const inline = colon === -1 ? undefined : value.slice(colon + 1);
  if (inline !== undefined && positional !== undefined) {
    throw new BadUsageError(
      `${flag} ${JSON.stringify(value)} already names the location; drop the extra argument`,
    );
  }
  const location = inline ?? positional;
  if (!location)
    throw new BadUsageError(
      `${flag} ${transport}: the ${flag === '--src' ? 'source' : 'destination'} is missing`,
    );
  return { transport, location };
}

export interface SourceContext {
  readonly registries: Registries;
  /** Endpoint from the --src-* flags (used where the sync file says nothing). */
  readonly flagsEndpoint: () => Promise<Endpoint>;
  readonly tmpDir?: string | undefined;
}

export interface OpenedSources {
  readonly repositories: readonly SourceRepository[];
  close(): Promise<void>;
}

export async function openSources(
  transport: SourceTransport,
  location: string,
  ctx: SourceContext,
): Promise<OpenedSources> {
  if (transport === 'yaml') return yamlSources(location, ctx);
  if (transport === 'docker') {
    const parsed = tryParseReference(location);
    if (!parsed.ok) throw new BadUsageError(`--src docker ${JSON.stringify(location)}: ${parsed.reason}`);
    const { registry, repository, tag, digest } = parsed.ref;
    const endpoint = await ctx.flagsEndpoint();
    const reference = digest ?? tag;
    return {
      repositories: [
        {
          registry,
          repository,
          label: `${registry}/${repository}`,
          selection: reference ? { kind: 'list', references: [reference] } : { kind: 'all' },
          rename: [],
          open: () => ctx.registries.repository(endpoint, registry, repository, false),
        },
      ],
      close: async () => {},
    };
  }
  if (transport === 'dir') return imageDirSources(location);
  const opened = await openLayoutForRead({ transport, path: location }, ctx.tmpDir);
  try {
    const byScope = await scopedImages(opened.layout);
    if (byScope.size === 0) {
      throw new BadUsageError(
        `--src ${transport} ${location}: no images named "repository:tag" in the layout (ferry sync writes them that way; for a single image use ferry copy ${transport}:${location}:NAME)`,
      );
    }
    const repositories: SourceRepository[] = [...byScope].map(([scope, tags]) => ({
      registry: undefined,
      repository: scope,
      label: `${transport}:${location}:${scope}`,
      selection: { kind: 'list', references: tags },
      rename: [],
      open: async () => opened.repository(scope),
    }));
    return { repositories, close: () => opened.close(false) };
  } catch (err) {
    await opened.close(false);
    throw err;
  }
}

/**
 * `--src dir ROOT`: every image directory under ROOT (skopeo sync `imagesToCopyFromDir`), grouped by
 * repository. A directory `team/app:v1` is repository `team/app`, tag `v1` (ferry keeps the whole
 * path, as for registry sources; skopeo keeps the last component unless --scoped); ROOT itself may be
 * the image, named by its own base name.
 */
async function imageDirSources(location: string): Promise<OpenedSources> {
  const root = resolve(location);
  const found = await findImageDirs(root);
  if (found.length === 0)
    throw new BadUsageError(`--src dir ${JSON.stringify(location)}: no images to sync found`);
  const byRepository = new Map<string, Map<string, string>>();
  for (const image of found) {
    const { repository, reference } = parseImageDirName(
      image.relative === '' ? basename(root) : image.relative,
    );
    const validName = repository.split('/').every((c) => PATH_COMPONENT_RE.test(c));
    if (!validName || !(TAG_RE.test(reference) || isDigest(reference))) {
      throw new BadUsageError(
        `--src dir: ${JSON.stringify(image.path)} is not named REPOSITORY:TAG (lowercase path components, a valid tag)`,
      );
    }
    const refs = byRepository.get(repository) ?? new Map<string, string>();
    refs.set(reference, image.path);
    byRepository.set(repository, refs);
  }
  const repositories: SourceRepository[] = [...byRepository].map(([repository, refs]) => ({
    registry: undefined,
    repository,
    label: `dir:${root}/${repository}`,
    selection: { kind: 'list', references: [...refs.keys()] },
    rename: [],
    open: async () => new ImageDirSetSource(root, repository, refs),
  }));
  return { repositories, close: async () => {} };
}

async function yamlSources(file: string, ctx: SourceContext): Promise<OpenedSources> {
  let text: string;
  try {
    const { bytes, tooLarge } = await readBoundedFile(file, MAX_SYNC_FILE_BYTES);
    if (tooLarge) throw new SyncConfigError(file, [{ key: '', message: 'is larger than 4 MiB' }]);
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    if (err instanceof SyncConfigError) throw err;
    const reason = (err as NodeJS.ErrnoException).code ?? 'not valid UTF-8';
    throw new SyncConfigError(file, [{ key: '', message: `cannot read the file (${reason})` }], {
      cause: err,
    });
  }
  const spec = parseSyncFile(text, file);
  const baseDir = dirname(resolve(file));
  const repositories: SourceRepository[] = [];
  for (const entry of spec.registries) {
    let endpoint: Promise<Endpoint> | undefined;
    const endpointFor = () => {
      endpoint ??= (async (): Promise<Endpoint> => {
        const fromFlags = await ctx.flagsEndpoint();
        let keychain: Keychain = fromFlags.keychain;
        const creds = entry.credentials;
        if (creds?.password !== undefined) {
          const credential = basicCredential(creds.username, creds.password);
          keychain = { resolve: async () => credential };
        } else if (creds?.passwordFile !== undefined) {
          keychain = new TokenFileKeychain({
            path: resolve(baseDir, creds.passwordFile),
            username: creds.username,
          });
        }
        return {
          keychain,
          tlsVerify: entry.tlsVerify ?? fromFlags.tlsVerify,
          certDir: entry.certDir !== undefined ? resolve(baseDir, entry.certDir) : fromFlags.certDir,
        };
      })();
      return endpoint;
    };
    for (const repo of entry.repositories) {
      repositories.push({
        registry: entry.registry,
        repository: repo.repository,
        label: `${entry.registry}/${repo.repository}`,
        selection: repo.selection,
        platforms: entry.platforms,
        rename: entry.rename,
        open: async () =>
          ctx.registries.repository(await endpointFor(), entry.registry, repo.repository, false),
      });
    }
  }
  return { repositories, close: async () => {} };
}

export interface OpenedDestination {
  readonly prefix: string;
  /** Registry destinations name repositories as skopeo does; layouts keep whole paths. */
  readonly lastComponent: boolean;
  open(repository: string): Promise<CopyDestination>;
  label(repository: string): string;
  /** Pack a written archive when `commit`; always remove temp files. */
  close(commit: boolean): Promise<void>;
}

export async function openDestination(
  transport: DestinationTransport,
  location: string,
  ctx: {
    registries: Registries;
    endpoint: () => Promise<Endpoint>;
    dryRun: boolean;
    tmpDir?: string | undefined;
  },
): Promise<OpenedDestination> {
  if (transport === 'docker') {
    const slash = location.indexOf('/');
    const host = slash === -1 ? location : location.slice(0, slash);
    const prefix = slash === -1 ? '' : location.slice(slash + 1).replace(/\/+$/, '');
    // A registry host has a dot or a port, or is localhost (distribution/reference's domain rule).
    const looksLikeHost = /[.:]/.test(host) || host === 'localhost';
    const probe = tryParseReference(`${location.replace(/\/+$/, '')}/x`);
    if (!looksLikeHost || !probe.ok || probe.ref.tag !== undefined) {
      throw new BadUsageError(
        `--dest docker ${JSON.stringify(location)}: expected REGISTRY[/PATH], e.g. registry.example.com/mirror`,
      );
    }
    const endpoint = await ctx.endpoint();
    return {
      prefix,
      lastComponent: true,
      open: (repository) => ctx.registries.repository(endpoint, probe.ref.registry, repository, true),
      label: (repository) => `${probe.ref.registry}/${repository}`,
      close: async () => {},
    };
  }
  if (transport === 'dir') {
    // One directory per image, assembled from a pool created on first write (a dry run writes none).
    const pool = new ImageDirPool(location);
    return {
      prefix: '',
      // skopeo sync names image directories as it names registry repositories.
      lastComponent: true,
      open: async (repository) => new ImageDirSetDestination(pool, repository),
      label: (repository) => `dir:${pool.root}/${repository}`,
      close: () => pool.close(),
    };
  }
  const target = { transport, path: location };
  const layout: OpenedLayout | undefined = ctx.dryRun
    ? await openLayoutForRead(target, ctx.tmpDir).catch(() => undefined)
    : await openLayoutForWrite(target, ctx.tmpDir);
  return {
    prefix: '',
    lastComponent: false,
    open: async (repository) => layout?.repository(repository) ?? EMPTY_DESTINATION,
    label: (repository) => `${transport}:${location}:${repository}`,
    close: (commit) => layout?.close(commit && !ctx.dryRun) ?? Promise.resolve(),
  };
}

/** A layout that does not exist yet, for a dry run (which must not create it): holds nothing. */
const EMPTY_DESTINATION: CopyDestination = {
  registry: 'oci:(new)',
  name: '',
  retry: NO_RETRY,
  headManifest: async () => undefined,
  listTagsPage: async () => ({ tags: [], next: undefined }),
  headBlob: async () => undefined,
  startUpload: () => Promise.reject(new BadUsageError('dry run: nothing is written')),
  putMonolithic: () => Promise.reject(new BadUsageError('dry run: nothing is written')),
  putChunked: () => Promise.reject(new BadUsageError('dry run: nothing is written')),
  cancelUpload: async () => {},
  putManifest: () => Promise.reject(new BadUsageError('dry run: nothing is written')),
};
