/**
 * A promotion rule's `attest:` section (`promotions[].attest`): after every promotion that moved a
 * destination tag, ferry signs an in-toto statement describing it (docs/signatures.md "Promotion
 * attestations") and attaches the Sigstore bundle to the destination image as an OCI referrer.
 *
 * Shape checks only: the key is read, decrypted and parsed at start by check-sources.ts. Its secrets are
 * read again at each use, as every secret reference is, so a rotated Kubernetes Secret is picked up
 * without a restart; attestation-key-cache.ts decrypts each distinct key once.
 */
import { z } from 'zod';
import type { SchemaParts } from './schema-parts.ts';

export function attestSchema({ secretRef }: Pick<SchemaParts, 'secretRef'>) {
  return z.strictObject({
    // Secret reference to the ECDSA P-256 private key, e.g. `{ file: /var/run/secrets/ferry/attest/cosign.key }`:
    // cosign's encrypted key file (`cosign generate-key-pair`, `ferry generate-sigstore-key`) with
    // `passphrase`, or an unencrypted PEM private key (PKCS#8 or SEC1) without. Publish its public key to
    // the verifiers.
    keyFile: secretRef,
    // Secret reference to the password of a cosign-encrypted keyFile (what cosign reads from
    // COSIGN_PASSWORD). Set exactly when keyFile is encrypted; checked at start (attestation-key.ts).
    passphrase: secretRef.optional(),
    // Upload to a transparency log (Rekor). Only false is supported: bundles carry the public-key hint
    // and verify offline (cosign --insecure-ignore-tlog, policy-controller `ctlog.enabled: false`).
    tlog: z
      .boolean()
      .default(false)
      .check((ctx) => {
        if (ctx.value) {
          ctx.issues.push({
            code: 'custom',
            message:
              'tlog: true (Rekor upload of promotion attestations) is not supported yet; set tlog: false',
            input: ctx.value,
          });
        }
      }),
    // Storage format. bundle: a Sigstore bundle v0.3 in an OCI referrer manifest, as cosign v3 stores
    // bundles. classic: the DSSE envelope as a layer of the `sha256-<hex>.att` tag, as cosign v2 stored
    // attestations, for verifiers that do not read referrers yet. both: each, from one signature.
    format: z.enum(['bundle', 'classic', 'both']).default('bundle'),
    // Whether a failed attestation fails the promotion. Default false: the tag has already moved (the
    // image is in the destination), so the failure is recorded (`attestation_failed` audit event, a
    // warning in the log) and the promotion still succeeds. true marks the promotion failed instead.
    required: z.boolean().default(false),
  });
}

export type AttestConfig = z.output<ReturnType<typeof attestSchema>>;
