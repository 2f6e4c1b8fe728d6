/**
 * What `inspect` reads from: a registry repository or an image layout/archive, opened exactly as
 * `copy` opens its source (copy-side.ts openSourceSide), so every transport copy can read, inspect can
 * read too. skopeo prints `Name` and lists tags only for docker:// images (their DockerReference);
 * other transports have neither.
 */
import type { CopySource } from '../../copy/endpoints.ts';
import type { Descriptor } from '../../oci/manifest.ts';
import type { TransportReference } from '../../reference/image-reference.ts';
import type { Endpoint, Registries } from '../../registry/registries.ts';
import { Repository } from '../../registry/repository.ts';
import { type OpenedSide, openSourceSide } from './copy-side.ts';

export interface InspectSource {
  /** `registry/repository` for docker://, undefined otherwise. */
  readonly name: string | undefined;
  /** Tag or digest to read ('' = a layout's only image). */
  readonly reference: string;
  readonly source: CopySource;
  /** The repository's tags (docker:// only). */
  readonly listTags: (() => Promise<string[]>) | undefined;
  readBlob(desc: Descriptor): Promise<Buffer>;
  close(): Promise<void>;
}

export async function openInspectSource(
  ref: TransportReference,
  registries: Registries,
  endpoint: () => Promise<Endpoint>,
): Promise<InspectSource> {
  const side: OpenedSide<CopySource> = await openSourceSide(ref, registries, endpoint);
  const repository = side.repository instanceof Repository ? side.repository : undefined;
  return {
    name: ref.transport === 'docker' ? `${ref.ref.registry}/${ref.ref.repository}` : undefined,
    reference: side.reference ?? '',
    source: side.repository,
    listTags: repository ? () => repository.listTags() : undefined,
    readBlob: async (desc) => {
      if (repository) return repository.getBlobBytes(desc);
      // The reader checks size and digest as it goes.
      const chunks: Buffer[] = [];
      for await (const chunk of side.repository.openBlob(desc)) chunks.push(chunk);
      return Buffer.concat(chunks);
    },
    close: () => side.close(false),
  };
}
