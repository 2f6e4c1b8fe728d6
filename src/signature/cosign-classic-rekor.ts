/**
 * The transparency-log evidence of a classic cosign signature: `cosign sign` (before v3's bundle
 * format) uploads a `hashedrekord` entry to Rekor and stores Rekor's answer in the signature layer's
 * annotation `dev.sigstore.cosign/bundle`:
 *
 *   {"SignedEntryTimestamp": "<base64>", "Payload": {"body": "<base64 canonical entry>",
 *    "integratedTime": <unix s>, "logIndex": <n>, "logID": "<hex sha256 of the log key>"}}
 *
 * (cosign pkg/cosign/bundle/rekor.go `RekorBundle`). That is exactly a v0.1 Sigstore bundle's
 * transparency-log entry with an inclusion promise, so it is re-expressed as one (a message-signature
 * bundle over the simple-signing payload) and verified by @sigstore/verify: the signed entry timestamp
 * against the trusted root's Rekor keys, the entry body against the payload digest and the signature,
 * the signature against the key. Nothing here checks a signature by hand.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { type TrustMaterial, toSignedEntity, VerificationError, Verifier } from '@sigstore/verify';

export const COSIGN_REKOR_BUNDLE_ANNOTATION = 'dev.sigstore.cosign/bundle';

export type LogEntryCheck =
  | { readonly ok: true; readonly logIndex: string; readonly integratedTime: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Verifies the Rekor entry of one classic signature made with `key` over `payload`. `annotation` is
 * the layer's `dev.sigstore.cosign/bundle` value (undefined: the signature was never logged).
 */
export function verifyClassicLogEntry(input: {
  readonly payload: Uint8Array;
  readonly signature: string;
  readonly annotation: string | undefined;
  readonly key: KeyObject;
  readonly trust: TrustMaterial;
}): LogEntryCheck {
  if (input.annotation === undefined) {
    return { ok: false, reason: `it carries no transparency-log entry (${COSIGN_REKOR_BUNDLE_ANNOTATION})` };
  }
  const entry = parseRekorBundle(input.annotation);
  if (typeof entry === 'string') return { ok: false, reason: entry };
  const serialized = {
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: {
      publicKey: { hint: '' },
      tlogEntries: [
        {
          logIndex: String(entry.logIndex),
          logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
          kindVersion: { kind: entry.kind, version: entry.apiVersion },
          integratedTime: String(entry.integratedTime),
          inclusionPromise: { signedEntryTimestamp: entry.signedEntryTimestamp },
          canonicalizedBody: entry.body,
        },
      ],
    },
    messageSignature: {
      messageDigest: {
        algorithm: 'SHA2_256',
        digest: createHash('sha256').update(input.payload).digest('base64'),
      },
      signature: input.signature,
    },
  };
  try {
    const bundle = bundleFromJSON(serialized);
    const entity = toSignedEntity(bundle, Buffer.from(input.payload));
    const trust: TrustMaterial = {
      ...input.trust,
      publicKey: () => ({ publicKey: input.key, validFor: () => true }),
    };
    new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
  } catch (err) {
    const what = err instanceof VerificationError ? `${err.code}: ${err.message}` : String(err);
    return { ok: false, reason: `its transparency-log entry does not verify (${what})` };
  }
  return { ok: true, logIndex: String(entry.logIndex), integratedTime: String(entry.integratedTime) };
}

interface RekorEntry {
  readonly signedEntryTimestamp: string;
  readonly body: string;
  readonly integratedTime: number;
  readonly logIndex: number;
  readonly logID: string;
  readonly kind: string;
  readonly apiVersion: string;
}

function parseRekorBundle(annotation: string): RekorEntry | string {
  const bad = `its ${COSIGN_REKOR_BUNDLE_ANNOTATION} annotation is malformed`;
  let json: unknown;
  try {
    json = JSON.parse(annotation);
  } catch {
    return bad;
  }
  const set = (json as { SignedEntryTimestamp?: unknown })?.SignedEntryTimestamp;
  const p = (json as { Payload?: Record<string, unknown> })?.Payload;
  if (typeof set !== 'string' || typeof p !== 'object' || p === null) return bad;
  const { body, integratedTime, logIndex, logID } = p;
  if (
    typeof body !== 'string' ||
    typeof integratedTime !== 'number' ||
    typeof logIndex !== 'number' ||
    typeof logID !== 'string' ||
    !/^[0-9a-f]{64}$/.test(logID)
  ) {
    return bad;
  }
  // The body names its own kind and version; the v0.1 bundle entry must repeat them.
  let kind: unknown;
  let apiVersion: unknown;
  try {
    ({ kind, apiVersion } = JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as Record<
      string,
      unknown
    >);
  } catch {
    return bad;
  }
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') return bad;
  return { signedEntryTimestamp: set, body, integratedTime, logIndex, logID, kind, apiVersion };
}
