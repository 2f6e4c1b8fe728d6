/**
 * The `signature_verified` audit detail: which signature passed the gate (classic `.sig` tag or the
 * bundle referrer's digest), who signed it (the key file, or the certificate's issuer and subject),
 * and its transparency-log index, plus the same for each required attestation. This is what an
 * auditor reads in the promotion's timeline; key files are paths, never key material.
 */
import type { BundleEvidence, SignatureEvidence } from '../../signature/image-signature-policy.ts';
import type { BundleSigner } from '../../signature/sigstore-bundle-verify.ts';

export type AuditDetail = Record<string, string | AuditDetail[]>;

export function signatureAuditDetail(
  signature: SignatureEvidence,
  attestations: readonly BundleEvidence[],
  publicKeyFiles: readonly string[],
): AuditDetail {
  const detail =
    signature.kind === 'cosign-classic'
      ? compact({
          kind: signature.kind,
          signatureTag: signature.tag,
          publicKeyFile: publicKeyFiles[signature.keyIndex],
          logIndex: signature.logIndex,
          integratedTime: signature.integratedTime,
        })
      : bundleDetail(signature, publicKeyFiles);
  if (attestations.length > 0) detail.attestations = attestations.map((a) => bundleDetail(a, publicKeyFiles));
  return detail;
}

function bundleDetail(e: BundleEvidence, publicKeyFiles: readonly string[]): AuditDetail {
  return compact({
    kind: e.kind,
    referrer: e.referrer,
    predicateType: e.predicateType,
    ...signerDetail(e.signer, publicKeyFiles),
    logIndex: e.logIndex,
    integratedTime: e.integratedTime,
  });
}

function signerDetail(
  signer: BundleSigner,
  publicKeyFiles: readonly string[],
): Record<string, string | undefined> {
  return signer.kind === 'key'
    ? { publicKeyFile: publicKeyFiles[signer.keyIndex] }
    : { issuer: signer.issuer, subject: signer.subject };
}

function compact(fields: Record<string, string | undefined>): AuditDetail {
  const out: AuditDetail = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}
