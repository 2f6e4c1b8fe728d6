import { type AdmissionCandidate, admissionCandidate } from '../copy/admission.ts';
import type { SyncItem } from './sync-types.ts';

/** sync's admission hook: copy's, told which item it judges (the item names the policy scope). */
export type SyncAdmit = (
  item: SyncItem,
  candidate: AdmissionCandidate,
  signal?: AbortSignal,
) => Promise<void>;

/** The admission check of one image, by the digest the HEAD saw (the one that will be copied). */
export async function admitItem(
  item: SyncItem,
  sourceDigest: string,
  options: { readonly admit?: SyncAdmit | undefined; readonly signal?: AbortSignal | undefined },
): Promise<void> {
  if (!options.admit) return;
  const candidate = admissionCandidate(item.source, sourceDigest, undefined, item.platforms);
  await options.admit(item, candidate, options.signal);
}
