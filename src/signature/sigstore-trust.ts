/**
 * The trust anchors for Sigstore verification, read from a `trusted_root.json` (sigstore
 * protobuf-specs `dev.sigstore.trustedroot.v1.TrustedRoot`: Fulcio CAs, Rekor and CT log keys, TSAs,
 * each with a validity window). ferry never fetches it over TUF at run time: the operator ships the
 * file (e.g. `cosign trusted-root create`, or the public-good root from sigstore/root-signing), so a
 * gate decision depends only on files ferry was configured with.
 *
 * The conversion into @sigstore/verify's TrustMaterial (parsing certificates and keys) is done once
 * per gate run, not per bundle.
 */
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { type TrustMaterial, toTrustMaterial } from '@sigstore/verify';

const TRUSTED_ROOT_MEDIA_TYPE_PREFIX = 'application/vnd.dev.sigstore.trustedroot';

export type TrustParse =
  | { readonly ok: true; readonly material: TrustMaterial }
  | { readonly ok: false; readonly reason: string };

/**
 * Parses trusted_root.json bytes, or the JSON Lines form `gh attestation trusted-root` prints (one
 * trusted root per line, e.g. Sigstore's public-good instance and GitHub's): their anchors are merged.
 * A wrong file is refused with why, never half-used.
 */
export function parseTrustedRoot(bytes: Uint8Array): TrustParse {
  const text = Buffer.from(bytes).toString('utf8');
  let documents: unknown[];
  try {
    documents = [JSON.parse(text)];
  } catch {
    try {
      documents = text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as unknown);
    } catch {
      return { ok: false, reason: 'not JSON' };
    }
  }
  if (documents.length === 0) return { ok: false, reason: 'empty' };
  const roots: TrustedRoot[] = [];
  for (const json of documents) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return { ok: false, reason: 'not a JSON object' };
    }
    const mediaType = (json as { mediaType?: unknown }).mediaType;
    if (typeof mediaType !== 'string' || !mediaType.startsWith(TRUSTED_ROOT_MEDIA_TYPE_PREFIX)) {
      return { ok: false, reason: `mediaType ${JSON.stringify(mediaType)} is not a Sigstore trusted root` };
    }
    try {
      roots.push(TrustedRoot.fromJSON(json));
    } catch (err) {
      return { ok: false, reason: `unusable: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  const merged: TrustedRoot = {
    mediaType: roots[0]!.mediaType,
    tlogs: roots.flatMap((r) => r.tlogs),
    certificateAuthorities: roots.flatMap((r) => r.certificateAuthorities),
    ctlogs: roots.flatMap((r) => r.ctlogs),
    timestampAuthorities: roots.flatMap((r) => r.timestampAuthorities),
  };
  if (merged.tlogs.length === 0 && merged.certificateAuthorities.length === 0) {
    return {
      ok: false,
      reason: 'a trusted root listing neither transparency logs nor certificate authorities',
    };
  }
  try {
    return { ok: true, material: toTrustMaterial(merged) };
  } catch (err) {
    return { ok: false, reason: `unusable: ${err instanceof Error ? err.message : String(err)}` };
  }
}
