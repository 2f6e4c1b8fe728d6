import type { CopyDestination, CopySource } from '../../copy/endpoints.ts';
import { openLayoutForRead, openLayoutForWrite } from '../../copy/layout-endpoint.ts';
import { formatTransportReference } from '../../reference/format-transport-reference.ts';
import type { ImageReference, TransportReference } from '../../reference/image-reference.ts';
import type { Endpoint, Registries } from '../../registry/registries.ts';

/** One side of `ferry copy`, opened: the repository (registry or layout) and what to name. */
export interface OpenedSide<R> {
  readonly repository: R;
  /** Source: tag/digest/layout name to read ('' = the layout's only image). Destination: tag, or undefined. */
  readonly reference: string | undefined;
  /** Expected digest (`name@sha256:…` on the destination). */
  readonly digest: string | undefined;
  /** For messages: `registry/repo:tag` or `oci:path:name`. */
  readonly display: string;
  /** Finish: packs a written oci-archive when `commit`, removes temp files either way. */
  close(commit: boolean): Promise<void>;
}

const nothingToClose = async () => {};

// dir: and docker-archive: code (tar, zod schemas of docker save's manifest.json) is imported only when
// one of them is named: every registry copy would otherwise load it (test/integration/cli-startup.test.ts).

export interface SourceSideOptions {
  /** docker-archive: serve layers gzip-compressed (registry and OCI destinations, as skopeo does). */
  readonly compressLayers?: boolean | undefined;
  /** oci: blobs in a shared directory (`--src-shared-blob-dir`). */
  readonly sharedBlobDir?: string | undefined;
}

export interface DestinationSideOptions {
  /** docker-archive: RepoTags besides the destination reference (`--additional-tag`). */
  readonly additionalTags?: readonly ImageReference[] | undefined;
  /** oci: blobs in a shared directory (`--dest-shared-blob-dir`). */
  readonly sharedBlobDir?: string | undefined;
}

export async function openSourceSide(
  ref: TransportReference,
  registries: Registries,
  endpoint: () => Promise<Endpoint>,
  options: SourceSideOptions = {},
): Promise<OpenedSide<CopySource>> {
  if (ref.transport === 'docker') {
    const r = ref.ref;
    return {
      repository: await registries.repository(await endpoint(), r.registry, r.repository, false),
      reference: r.digest ?? r.tag ?? 'latest',
      digest: r.digest,
      display: `${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}`,
      close: nothingToClose,
    };
  }
  if (ref.transport === 'dir') {
    const { openImageDirForRead } = await import('../../copy/image-dir-endpoint.ts');
    const opened = await openImageDirForRead(ref.path);
    return { ...opened, reference: '', digest: undefined, display: formatTransportReference(ref) };
  }
  if (ref.transport === 'docker-archive') {
    const { openDockerArchiveForRead } = await import('../../copy/docker-archive-endpoint.ts');
    const opened = await openDockerArchiveForRead(ref, { compressLayers: options.compressLayers });
    return { ...opened, reference: '', digest: undefined, display: formatTransportReference(ref) };
  }
  const opened = await openLayoutForRead(ref, undefined, options.sharedBlobDir);
  return {
    repository: opened.repository(),
    reference: ref.refName ?? '',
    digest: undefined,
    display: `${ref.transport}:${ref.path}${ref.refName ? `:${ref.refName}` : ''}`,
    close: opened.close,
  };
}

export async function openDestinationSide(
  ref: TransportReference,
  registries: Registries,
  endpoint: () => Promise<Endpoint>,
  options: DestinationSideOptions = {},
): Promise<OpenedSide<CopyDestination>> {
  if (ref.transport === 'docker') {
    const r = ref.ref;
    return {
      repository: await registries.repository(await endpoint(), r.registry, r.repository, true),
      reference: r.tag ?? (r.digest ? undefined : 'latest'),
      digest: r.digest,
      display: `${r.registry}/${r.repository}${r.tag ? `:${r.tag}` : ''}`,
      close: nothingToClose,
    };
  }
  if (ref.transport === 'dir') {
    const { openImageDirForWrite } = await import('../../copy/image-dir-endpoint.ts');
    const opened = await openImageDirForWrite(ref.path);
    return { ...opened, reference: undefined, digest: undefined, display: formatTransportReference(ref) };
  }
  if (ref.transport === 'docker-archive') {
    const { openDockerArchiveForWrite } = await import('../../copy/docker-archive-endpoint.ts');
    const opened = await openDockerArchiveForWrite(ref, options.additionalTags);
    return { ...opened, reference: undefined, digest: undefined, display: formatTransportReference(ref) };
  }
  const opened = await openLayoutForWrite(ref, undefined, options.sharedBlobDir);
  return {
    repository: opened.repository(),
    reference: ref.refName,
    digest: undefined,
    display: `${ref.transport}:${ref.path}${ref.refName ? `:${ref.refName}` : ''}`,
    close: opened.close,
  };
}
