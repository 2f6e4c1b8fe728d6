/**
 * A promotion rule's `signature:` policy (`promotions[].signature`), the signature gate of a rule (docs/signatures.md). Keys and keyless
 * identities say who may sign; the trusted root says which Sigstore instance (Fulcio CAs, Rekor and CT
 * log keys) vouches for certificates and log entries; `predicateTypes` which signed statements count as
 * a signature; `attestations` what must be attested besides.
 *
 * Shape checks only: the files themselves are read and checked at start by check-sources.ts.
 */
import { z } from 'zod';
import { COSIGN_SIGN_PREDICATE_TYPE } from '../../signature/in-toto-statement.ts';
import type { SchemaParts } from './schema-parts.ts';

/** Why `pattern` is not a usable regular expression, or undefined. */
function regExpProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return `is not a valid regular expression: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The `signature` object of a rule; `filePath` resolves relative paths against ferry.yaml's directory. */
export function signaturePolicySchema({ filePath }: Pick<SchemaParts, 'filePath'>) {
  const identity = z
    .strictObject({
      // The OIDC issuer the certificate names, compared exactly (cosign --certificate-oidc-issuer), e.g.
      // https://token.actions.githubusercontent.com.
      issuer: z.string().min(1, 'issuer is empty'),
      // The certificate subject (SAN) exactly, e.g. a GitHub workflow ref (cosign --certificate-identity).
      subject: z.string().min(1, 'subject is empty').optional(),
      // Or a JavaScript regular expression the subject must match; not anchored for you (write ^…$), as
      // cosign --certificate-identity-regexp.
      subjectRegExp: z
        .string()
        .min(1, 'subjectRegExp is empty')
        .check((ctx) => {
          const problem = regExpProblem(ctx.value);
          if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
        })
        .optional(),
    })
    .check((ctx) => {
      const given = [ctx.value.subject, ctx.value.subjectRegExp].filter((v) => v !== undefined).length;
      if (given !== 1) {
        ctx.issues.push({
          code: 'custom',
          message: 'an identity takes exactly one of subject, subjectRegExp',
          input: ctx.value,
        });
      }
    });

  return z
    .strictObject({
      // Promote only digests signed by one of `publicKeyFiles` or `identities` (classic `.sig` tag or a
      // Sigstore bundle referrer, as cosign v3 writes). Default false.
      required: z.boolean().default(false),
      // PEM public keys (cosign.pub, ECDSA P-256); any one verifying suffices: list old and new during rotation.
      publicKeyFiles: z.array(filePath).default([]),
      // Keyless signers: certificates issued by the trusted root's Fulcio for one of these OIDC identities.
      identities: z.array(identity).default([]),
      // Sigstore trusted_root.json (or the JSON Lines of `gh attestation trusted-root`). Required with
      // `identities`, and with `publicKeyFiles` while `tlog` is true. Never fetched by ferry: ship it.
      trustedRootFile: filePath.optional(),
      // Key-based signatures need a transparency-log (Rekor) entry verified against the trusted root, as
      // `cosign verify --key` does. false = cosign --insecure-ignore-tlog. Keyless always needs it. Default true.
      tlog: z.boolean().default(true),
      // Predicate types of the signed in-toto statements that count as a signature, or "any" (cosign
      // verify's behaviour). Default: only what `cosign sign` writes, so an SBOM attestation is not one.
      predicateTypes: z
        .union([z.literal('any'), z.array(z.string().min(1)).min(1, 'predicateTypes is empty')])
        .default([COSIGN_SIGN_PREDICATE_TYPE]),
      // Attestations that must also be attached, signed by the same keys or identities. Default none.
      attestations: z
        .array(z.strictObject({ predicateType: z.string().min(1, 'predicateType is empty') }))
        .default([]),
    })
    .check((ctx) => {
      const v = ctx.value;
      const issue = (path: string, message: string) =>
        ctx.issues.push({ code: 'custom', path: [path], message, input: undefined });
      if (!v.required) return;
      if (v.publicKeyFiles.length === 0 && v.identities.length === 0) {
        issue('publicKeyFiles', 'a required signature needs at least one public key file or identity');
      }
      if (v.trustedRootFile !== undefined) return;
      if (v.identities.length > 0) {
        issue('trustedRootFile', 'keyless identities need the Sigstore trusted root (trusted_root.json)');
      } else if (v.publicKeyFiles.length > 0 && v.tlog) {
        issue(
          'trustedRootFile',
          'key-based signatures are checked against the transparency log: set trustedRootFile (Sigstore trusted_root.json) or tlog: false (as cosign --insecure-ignore-tlog)',
        );
      }
    })
    .prefault({});
}
