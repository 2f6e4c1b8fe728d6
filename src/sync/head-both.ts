import { NotFoundError } from '../errors/kinds.ts';
import { isDigest } from '../oci/digest.ts';
import type { SyncItem } from './sync-types.ts';

/** Resolve both sides with HEADs; the source digest, and the destination's when present. */
export async function headBoth(
  item: SyncItem,
  signal?: AbortSignal,
): Promise<{ sourceDigest: string; destinationDigest: string | undefined }> {
  const destRef = item.destinationTag ?? (isDigest(item.reference) ? item.reference : undefined);
  const [source, destination] = await Promise.all([
    item.source.headManifest(item.reference, signal),
    destRef ? item.destination.headManifest(destRef, signal) : undefined,
  ]);
  if (!source) throw new NotFoundError(`${item.sourceLabel} not found`);
  return { sourceDigest: source.digest, destinationDigest: destination?.digest };
}
