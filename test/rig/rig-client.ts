import { Agent, type Dispatcher, request } from 'undici';
import type { BuiltImage, Fixture } from './fixtures.ts';
import { blobStream, type FixtureBlob, MEDIA_TYPES, sha256Digest } from './oci.ts';
import type { TokenIssuer } from './token-issuer.ts';

/**
 * Where and how the rig itself talks to a registry. A RegistryInstance fits as is; to go
 * through a proxy, spread it and override `url` (and drop `caPem` for a plain-http proxy).
 * Deliberately independent of ferry's client: fixtures must not depend on the code under test.
 */
export interface RigTarget {
  url: string;
  auth?: 'none' | 'basic' | 'token';
  caPem?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  issuer?: TokenIssuer | undefined;
  service?: string | undefined;
}

export interface RegistryResponse {
  /** The URL requested, to resolve relative Location headers against. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface RigSession {
  /** One request with the rig's own credentials for `repo` (pull,push,delete). */
  send(
    method: Dispatcher.HttpMethod,
    pathOrUrl: string,
    opts?: { repo?: string; headers?: Record<string, string>; body?: Buffer | NodeJS.ReadableStream },
  ): Promise<RegistryResponse>;
  close(): Promise<void>;
}

/** Opens a connection pool (with the test CA for https) that `close()` tears down. */
export function openSession(target: RigTarget): RigSession {
  const dispatcher = new Agent({ connect: target.caPem ? { ca: target.caPem } : {} });
  return {
    async send(method, pathOrUrl, opts = {}) {
      const url = new URL(pathOrUrl, target.url);
      const headers: Record<string, string> = { ...opts.headers };
      const authorization = authHeader(target, opts.repo);
      if (authorization) headers['authorization'] = authorization;
      const res = await request(url, {
        method,
        headers,
        body: opts.body as Buffer | undefined,
        dispatcher,
      });
      const body = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await res.body.arrayBuffer());
      if (method === 'HEAD') await res.body.dump();
      return { url: url.toString(), status: res.statusCode, headers: res.headers, body };
    },
    close: () => dispatcher.close(),
  };
}

/** The Authorization header the rig uses: Basic, or a token minted directly by the issuer. */
export function authHeader(target: RigTarget, repo: string | undefined): string | undefined {
  if (target.auth === 'basic' && target.username !== undefined) {
    return `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`;
  }
  if (target.auth === 'token' && target.issuer) {
    const access = repo ? [{ type: 'repository', name: repo, actions: ['pull', 'push', 'delete'] }] : [];
    return `Bearer ${target.issuer.mintToken(access, { service: target.service, subject: 'ferry-rig' })}`;
  }
  return undefined;
}

/** Pushes blobs (skipping ones present), child manifests, then `ref`. Returns the top digest. */
export async function pushImage(
  target: RigTarget,
  repo: string,
  ref: string,
  fixture: Fixture,
): Promise<string> {
  const session = openSession(target);
  try {
    if (fixture.kind === 'index') {
      // Children by digest first: the registry rejects an index whose children are unknown.
      await Promise.all(fixture.images.map((img) => pushOne(session, repo, img.manifestDigest, img)));
      await putManifest(session, repo, ref, fixture.mediaType, fixture.manifestBytes);
    } else {
      await pushOne(session, repo, ref, fixture);
    }
    return fixture.manifestDigest;
  } finally {
    await session.close();
  }
}

async function pushOne(session: RigSession, repo: string, ref: string, image: BuiltImage): Promise<void> {
  await Promise.all(image.blobs.map((b) => pushBlobWith(session, repo, b)));
  await putManifest(session, repo, ref, image.mediaType, image.manifestBytes);
}

export async function pushBlob(target: RigTarget, repo: string, blob: FixtureBlob): Promise<void> {
  const session = openSession(target);
  try {
    await pushBlobWith(session, repo, blob);
  } finally {
    await session.close();
  }
}

/** POST then one monolithic PUT (the simplest upload every registry supports). */
async function pushBlobWith(session: RigSession, repo: string, blob: FixtureBlob): Promise<void> {
  const head = await session.send('HEAD', `/v2/${repo}/blobs/${blob.digest}`, { repo });
  if (head.status === 200) return;
  const start = await session.send('POST', `/v2/${repo}/blobs/uploads/`, { repo });
  const location = start.headers['location'];
  if (start.status !== 202 || typeof location !== 'string') throw responseError('start upload', start);
  const put = new URL(location, start.url);
  put.searchParams.set('digest', blob.digest);
  const done = await session.send('PUT', put.toString(), {
    repo,
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    body: blobStream(blob),
  });
  if (done.status !== 201) throw responseError(`upload ${blob.digest}`, done);
}

export async function putManifest(
  session: RigSession,
  repo: string,
  ref: string,
  mediaType: string,
  bytes: Buffer,
): Promise<void> {
  const res = await session.send('PUT', `/v2/${repo}/manifests/${ref}`, {
    repo,
    headers: { 'content-type': mediaType },
    body: bytes,
  });
  if (res.status !== 201) throw responseError(`put manifest ${repo}:${ref}`, res);
  const digest = res.headers['docker-content-digest'];
  if (typeof digest === 'string' && digest !== sha256Digest(bytes)) {
    throw new Error(`registry stored ${repo}:${ref} as ${digest}, expected ${sha256Digest(bytes)}`);
  }
}

export interface FetchedManifest {
  status: number;
  mediaType: string | undefined;
  digest: string | undefined;
  bytes: Buffer;
}

const ACCEPT_ALL = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.dockerManifest,
].join(', ');

/** Reads a manifest as stored (for asserting what ferry wrote). 404 → status 404, no throw. */
export async function getManifest(target: RigTarget, repo: string, ref: string): Promise<FetchedManifest> {
  const session = openSession(target);
  try {
    const res = await session.send('GET', `/v2/${repo}/manifests/${ref}`, {
      repo,
      headers: { accept: ACCEPT_ALL },
    });
    const ct = res.headers['content-type'];
    const dcd = res.headers['docker-content-digest'];
    return {
      status: res.status,
      mediaType: typeof ct === 'string' ? ct : undefined,
      digest: typeof dcd === 'string' ? dcd : undefined,
      bytes: res.body,
    };
  } finally {
    await session.close();
  }
}

export async function blobExists(target: RigTarget, repo: string, digest: string): Promise<boolean> {
  const session = openSession(target);
  try {
    return (await session.send('HEAD', `/v2/${repo}/blobs/${digest}`, { repo })).status === 200;
  } finally {
    await session.close();
  }
}

export async function listTags(target: RigTarget, repo: string): Promise<string[]> {
  const session = openSession(target);
  try {
    const res = await session.send('GET', `/v2/${repo}/tags/list`, { repo });
    if (res.status === 404) return [];
    if (res.status !== 200) throw responseError(`list tags ${repo}`, res);
    return (JSON.parse(res.body.toString('utf8')) as { tags: string[] | null }).tags ?? [];
  } finally {
    await session.close();
  }
}

function responseError(what: string, res: RegistryResponse): Error {
  return new Error(`rig client: ${what}: HTTP ${res.status}: ${res.body.toString('utf8').slice(0, 500)}`);
}
