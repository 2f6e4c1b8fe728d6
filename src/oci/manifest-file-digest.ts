/**
 * The digest of a manifest file as containers/image computes it (manifest.Digest, used by
 * `skopeo manifest-digest`): the SHA-256 of the bytes, except for a signed Docker schema 1 manifest,
 * whose digest is over the JWS payload without the `signatures` — rebuilt as libtrust does
 * (ParsePrettySignature/Payload): the first `formatLength` bytes of the file followed by the
 * base64url-decoded `formatTail` of the signatures' protected header. Pure.
 */
import { ErrorCode } from '../errors/codes.ts';
import { FerryError } from '../errors/ferry-error.ts';
import { sha256Digest } from './digest.ts';

/** Media types containers/image recognises before falling back to schemaVersion (GuessMIMEType). */
const KNOWN_MEDIA_TYPES = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
]);

export function manifestFileDigest(bytes: Uint8Array): string {
  let meta: unknown;
  try {
    meta = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return sha256Digest(bytes);
  }
  if (typeof meta !== 'object' || meta === null) return sha256Digest(bytes);
  const m = meta as { mediaType?: unknown; schemaVersion?: unknown; signatures?: unknown };
  const signedSchema1 =
    !(typeof m.mediaType === 'string' && KNOWN_MEDIA_TYPES.has(m.mediaType)) &&
    m.schemaVersion === 1 &&
    m.signatures !== undefined &&
    m.signatures !== null;
  return sha256Digest(signedSchema1 ? schema1Payload(bytes, m.signatures) : bytes);
}

function schema1Payload(bytes: Uint8Array, signatures: unknown): Uint8Array {
  const bad = (why: string) => new FerryError(ErrorCode.BadManifest, `signed schema 1 manifest: ${why}`);
  if (!Array.isArray(signatures) || signatures.length === 0) throw bad('no signatures');
  let format: { length: number; tail: string } | undefined;
  for (const signature of signatures) {
    const encoded = (signature as { protected?: unknown } | null)?.protected;
    if (typeof encoded !== 'string') throw bad('a signature has no protected header');
    let header: { formatLength?: unknown; formatTail?: unknown };
    try {
      header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as typeof header;
    } catch {
      throw bad('a protected header is not JSON');
    }
    if (typeof header.formatLength !== 'number' || typeof header.formatTail !== 'string')
      throw bad('a protected header lacks formatLength/formatTail');
    if (format && (format.length !== header.formatLength || format.tail !== header.formatTail))
      throw bad('signatures disagree on the signed payload');
    format = { length: header.formatLength, tail: header.formatTail };
  }
  if (format!.length < 0 || format!.length > bytes.byteLength) throw bad('formatLength is out of range');
  return Buffer.concat([bytes.subarray(0, format!.length), Buffer.from(format!.tail, 'base64url')]);
}
