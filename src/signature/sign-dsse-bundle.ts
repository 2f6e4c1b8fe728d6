/**
 * Signs an in-toto statement as a DSSE envelope in a Sigstore bundle v0.3 with a local ECDSA P-256 key,
 * as `cosign attest --key … --tlog-upload=false` does: the verification material is a public-key hint
 * (base64 SHA-256 of the key's DER SubjectPublicKeyInfo, cosign's convention), no certificate and no
 * transparency-log entry, so verifiers need the public key (cosign --insecure-ignore-tlog, or a policy
 * with the log disabled). @sigstore/sign's DSSEBundleBuilder builds the envelope (PAE, DSSE v1) and the
 * bundle; only the signer is ours, because the key lives in memory rather than in a KMS.
 */
import { createHash, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { DSSEBundleBuilder, type Signer } from '@sigstore/sign';
import { IN_TOTO_PAYLOAD_TYPE } from './in-toto-statement.ts';

/** cosign's key hint: base64(SHA-256(DER SubjectPublicKeyInfo)). */
export function publicKeyHint(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

/** A signer over an in-memory key, as `cosign sign --key`. */
export function localKeySigner(privateKey: KeyObject): Signer {
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  const hint = publicKeyHint(publicKey);
  return {
    // DER-encoded ECDSA signature (ASN.1 SEQUENCE of r, s), what Sigstore bundles carry.
    sign: async (data) => ({
      signature: sign('sha256', data, { key: privateKey, dsaEncoding: 'der' }),
      key: { $case: 'publicKey', publicKey, hint },
    }),
  };
}

/** The serialized bundle of `statement` signed with `privateKey`; no witness (no Rekor, no TSA). */
export async function signStatementBundle(
  statement: unknown,
  privateKey: KeyObject,
): Promise<SerializedBundle> {
  const builder = new DSSEBundleBuilder({ signer: localKeySigner(privateKey), witnesses: [] });
  const bundle = await builder.create({
    data: Buffer.from(JSON.stringify(statement)),
    type: IN_TOTO_PAYLOAD_TYPE,
  });
  return bundleToJSON(bundle);
}
