/**
 * Verification of one Sigstore bundle about one image digest, as `cosign verify` does for what cosign
 * v3 writes (a DSSE envelope of an in-toto statement). All cryptography (DSSE signature, certificate
 * chain to a Fulcio CA at the signing time, SCTs, Rekor inclusion proof / signed entry timestamp and
 * entry body, RFC 3161 timestamps) is @sigstore/verify's; this module chooses what to trust and reads
 * the verified statement:
 *
 * - key-based bundles (verification material is a public-key hint): each configured key is tried; the
 *   hint is ignored, as cosign ignores it when given `--key` (cosign v3 writes base64(SHA-256(DER)), other
 *   signers write other things). A transparency-log entry, verified against the trusted root's Rekor
 *   keys, is required unless `tlog` is false (cosign `--insecure-ignore-tlog`), in which case log
 *   entries and timestamps are ignored altogether (neither checked nor counted).
 * - keyless bundles (a Fulcio certificate): verified against the trusted root with @sigstore/verify's
 *   defaults (one SCT, one log entry, one verified timestamp within the certificate's validity), then
 *   the certificate's issuer and subject (SAN) must match one of the policy's identities.
 * - then the statement: payload type in-toto, and one of its subjects must be the image digest
 *   (the signature of another image, re-attached here, is refused).
 *
 * Pure: bundle JSON, digest, keys and trust material in; verdict out. Fetching is sigstore-referrers.ts,
 * the policy over many bundles is the caller's.
 */
import type { KeyObject } from 'node:crypto';
import { type Bundle, bundleFromJSON, isBundleWithDsseEnvelope } from '@sigstore/bundle';
import {
  PolicyError,
  type SignedEntity,
  type Signer,
  type TrustMaterial,
  toSignedEntity,
  VerificationError,
  Verifier,
} from '@sigstore/verify';
import {
  IN_TOTO_PAYLOAD_TYPE,
  type InTotoStatement,
  parseInTotoStatement,
  statementDigests,
  statementNamesDigest,
} from './in-toto-statement.ts';

/** A keyless identity: the OIDC issuer and the certificate subject (exact or a regular expression). */
export interface KeylessIdentity {
  readonly issuer: string;
  readonly subject?: string | undefined;
  readonly subjectRegExp?: RegExp | undefined;
}

export interface BundlePolicy {
  /** Index-aligned with the rule's key files; undefined entries (unloadable keys) are skipped. */
  readonly keys: readonly (KeyObject | undefined)[];
  readonly identities: readonly KeylessIdentity[];
  /** Trust anchors for keyless bundles and for transparency-log entries of key-based ones. */
  readonly trust: TrustMaterial | undefined;
  /** Whether key-based bundles need a verified transparency-log entry (cosign's default: yes). */
  readonly tlog: boolean;
}

export type BundleSigner =
  | { readonly kind: 'key'; readonly keyIndex: number }
  | {
      readonly kind: 'identity';
      readonly identityIndex: number;
      readonly issuer: string;
      readonly subject: string;
    };

export type BundleVerdict =
  | {
      readonly verified: true;
      readonly signer: BundleSigner;
      readonly statement: InTotoStatement;
      /** The transparency-log entry that was verified (undefined when the log was not required). */
      readonly logIndex: string | undefined;
      readonly integratedTime: string | undefined;
    }
  | {
      readonly verified: false;
      readonly reason: string;
      /** True when a valid signature by a trusted signer was found, but over another image. */
      readonly wrongSubject?: boolean;
    };

export function verifyBundle(json: unknown, digest: string, policy: BundlePolicy): BundleVerdict {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (err) {
    return { verified: false, reason: `not a valid Sigstore bundle: ${describe(err)}` };
  }
  if (!isBundleWithDsseEnvelope(bundle)) {
    // A message signature signs an opaque digest: cosign v3 never stores one as an image signature.
    return { verified: false, reason: 'the bundle holds a message signature, not a DSSE envelope' };
  }
  const envelope = bundle.content.dsseEnvelope;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    return { verified: false, reason: `the DSSE payload type is ${envelope.payloadType}, not in-toto` };
  }
  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle);
  } catch (err) {
    return { verified: false, reason: `unreadable bundle: ${describe(err)}` };
  }
  const signed =
    entity.key.$case === 'public-key' ? verifyWithKeys(entity, policy) : verifyKeyless(entity, policy);
  if (!signed.ok) return { verified: false, reason: signed.reason };

  const parsed = parseInTotoStatement(envelope.payload);
  if (!parsed.ok) return { verified: false, reason: parsed.reason };
  const { statement } = parsed;
  if (!statementNamesDigest(statement, digest)) {
    return {
      verified: false,
      wrongSubject: true,
      reason: `the bundle signed by ${describeSigner(signed.signer)} is about ${statementDigests(statement).join(', ')}, not ${digest}`,
    };
  }
  const entry = signed.countsLog ? bundle.verificationMaterial.tlogEntries[0] : undefined;
  return {
    verified: true,
    signer: signed.signer,
    statement,
    logIndex: entry?.logIndex,
    integratedTime: entry?.integratedTime,
  };
}

export function describeSigner(signer: BundleSigner): string {
  return signer.kind === 'key'
    ? `key #${signer.keyIndex + 1}`
    : `${signer.subject} (issuer ${signer.issuer})`;
}

type SignerCheck =
  | { readonly ok: true; readonly signer: BundleSigner; readonly countsLog: boolean }
  | { readonly ok: false; readonly reason: string };

function verifyWithKeys(entity: SignedEntity, policy: BundlePolicy): SignerCheck {
  if (!policy.keys.some((k) => k !== undefined)) {
    return { ok: false, reason: 'the bundle is signed with a key, and the rule trusts no public key' };
  }
  if (policy.tlog && policy.trust === undefined) {
    return { ok: false, reason: 'a transparency-log entry is required, and no trusted root is configured' };
  }
  // Without the log, entries and their timestamps are dropped rather than checked: cosign's
  // --insecure-ignore-tlog, and the only way to verify an entry whose log key ferry does not have.
  const checked: SignedEntity = policy.tlog ? entity : { ...entity, tlogEntries: [], timestamps: [] };
  const base = policy.trust ?? EMPTY_TRUST;
  let firstFailure: string | undefined;
  for (const [keyIndex, key] of policy.keys.entries()) {
    if (key === undefined) continue;
    const trust: TrustMaterial = { ...base, publicKey: () => ({ publicKey: key, validFor: () => true }) };
    // A public key has no validity period, so no timestamp is needed to anchor the signing time.
    const verifier = new Verifier(trust, {
      tlogThreshold: policy.tlog ? 1 : 0,
      ctlogThreshold: 0,
      timestampThreshold: 0,
    });
    try {
      verifier.verify(checked);
      return { ok: true, signer: { kind: 'key', keyIndex }, countsLog: policy.tlog };
    } catch (err) {
      // A signature by another key is expected while trying keys; any other failure is the one to tell.
      if (!(err instanceof VerificationError && err.code === 'SIGNATURE_ERROR')) {
        firstFailure ??= `with key #${keyIndex + 1}: ${describe(err)}`;
      }
    }
  }
  return {
    ok: false,
    reason: firstFailure ?? 'the bundle signature verifies with none of the configured public keys',
  };
}

function verifyKeyless(entity: SignedEntity, policy: BundlePolicy): SignerCheck {
  if (policy.identities.length === 0) {
    return {
      ok: false,
      reason: 'the bundle is signed keyless (a certificate), and the rule trusts no identity',
    };
  }
  if (policy.trust === undefined) {
    return { ok: false, reason: 'the bundle is signed keyless, and no trusted root is configured' };
  }
  let signer: Signer;
  try {
    signer = new Verifier(policy.trust).verify(entity);
  } catch (err) {
    return { ok: false, reason: describe(err) };
  }
  const issuer = signer.identity?.extensions?.issuer ?? '';
  const subject = signer.identity?.subjectAlternativeName ?? '';
  for (const [identityIndex, identity] of policy.identities.entries()) {
    if (identityMatches(identity, issuer, subject)) {
      return { ok: true, signer: { kind: 'identity', identityIndex, issuer, subject }, countsLog: true };
    }
  }
  return {
    ok: false,
    reason: `the certificate names ${JSON.stringify(subject)} issued by ${JSON.stringify(issuer)}, which no identity of the rule matches`,
  };
}

/** cosign `--certificate-oidc-issuer` (exact) and `--certificate-identity[-regexp]`. */
export function identityMatches(identity: KeylessIdentity, issuer: string, subject: string): boolean {
  if (identity.issuer !== issuer || subject === '') return false;
  if (identity.subject !== undefined) return identity.subject === subject;
  return identity.subjectRegExp?.test(subject) ?? false;
}

const EMPTY_TRUST: TrustMaterial = {
  certificateAuthorities: [],
  timestampAuthorities: [],
  tlogs: [],
  ctlogs: [],
  publicKey: () => {
    throw new VerificationError({ code: 'PUBLIC_KEY_ERROR', message: 'no public key' });
  },
};

/** sigstore-js wraps the telling error (e.g. "certificate is not valid or expired") in a generic one. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const own =
    err instanceof VerificationError || err instanceof PolicyError
      ? `${err.code}: ${err.message}`
      : err.message;
  return err.cause === undefined ? own : `${own}: ${describe(err.cause)}`;
}
