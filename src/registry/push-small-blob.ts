/**
 * A blob of a few KiB (a signature payload, a config, a Sigstore bundle) pushed in one monolithic PUT,
 * skipped when the repository already has it.
 */
import type { Descriptor } from '../oci/manifest.ts';
import type { Repository } from './repository.ts';

export type SmallBlobDestination = Pick<Repository, 'headBlob' | 'startUpload' | 'putMonolithic'>;

export async function pushSmallBlob(
  destination: SmallBlobDestination,
  descriptor: Pick<Descriptor, 'mediaType' | 'digest' | 'size'>,
  bytes: Buffer,
  signal?: AbortSignal,
): Promise<void> {
  if ((await destination.headBlob(descriptor.digest, signal)) !== undefined) return;
  const started = await destination.startUpload(undefined, signal);
  if (started.mounted) return;
  await destination.putMonolithic(
    started.session,
    descriptor,
    (async function* () {
      yield bytes;
    })(),
    signal,
  );
}
