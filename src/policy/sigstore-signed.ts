/**
 * The `sigstoreSigned` requirement for one image digest: containers/image v5.23
 * signature/policy_eval_sigstore.go isRunningImageAllowed / isSignatureAccepted. The image is
 * admitted by the first signature that verifies with the key, signs this very manifest digest and
 * names an accepted identity; otherwise the reason is containers/image's (one signature: its reason;
 * several: all of them; none: "A signature was required, but no signature exists").
 *
 * Signatures are cosign's `.sig` attachments, read from registries only. skopeo reads them only when
 * registries.d says `use-sigstore-attachments: true` for the registry; ferry always looks when a
 * policy asks for them (there is nothing else to verify against).
 *
 * Beyond containers/image: when no `.sig` signature is accepted, the Sigstore bundles cosign v3 attaches
 * as referrers (sigstore-referrers.ts) are tried, verified by sigstore-bundle-verify.ts (sigstore-js)
 * with the requirement's key. As with classic signatures in skopeo 1.9 (which has no Rekor settings
 * for sigstoreSigned), a key-only requirement checks no transparency log: log entries and timestamps
 * in the bundle are ignored, neither required nor trusted. Only bundles whose statement has cosign's
 * signature predicate type count (an SBOM or provenance attestation signed by the same key is not a
 * signature). A bundle's statement names a digest and no docker reference (cosign v3 records none), so
 * `signedIdentity` has nothing to compare and is not applied to bundles: the key and the digest decide,
 * as with `cosign verify`. docs/skopeo-compatibility.md says so.
 */
import type { KeyObject } from 'node:crypto';
import { referenceName } from '../reference/format-reference.ts';
import {
  COSIGN_SIGNATURE_ANNOTATION,
  type CosignAttachment,
  checkCosignSignature,
  fetchCosignSignatures,
  isOciImageManifest,
  parsePublicKeyPem,
  parseSimpleSigningPayload,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type SignatureSource,
} from '../signature/cosign-classic.ts';
import { COSIGN_SIGN_PREDICATE_TYPE } from '../signature/in-toto-statement.ts';
import { BUNDLE_PREDICATE_TYPE_ANNOTATION } from '../signature/sigstore-referrer-manifest.ts';
import type { ReferrerSource } from '../signature/sigstore-referrers.ts';
import { describeReadError } from './describe-read-error.ts';
import { matchesDockerReference } from './identity-match.ts';
import type { PolicySubject } from './policy-subject.ts';
import type { PolicyRequirement } from './policy-types.ts';

export type SigstoreRequirement = Extract<PolicyRequirement, { type: 'sigstoreSigned' }>;

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface SigstoreContext {
  readonly subject: PolicySubject;
  readonly source: SignatureSource;
  /** The requirement's public key, loaded once per evaluation (throws with the reason). */
  readonly publicKey: (requirement: SigstoreRequirement) => Promise<KeyObject>;
  readonly signal?: AbortSignal | undefined;
  /** Where the source's referrers are listed (registries); undefined: bundles are not looked for. */
  readonly referrers?: ReferrerSource | undefined;
}

export async function evaluateSigstoreSigned(
  requirement: SigstoreRequirement,
  digest: string,
  ctx: SigstoreContext,
): Promise<Verdict> {
  const attachments: CosignAttachment[] = [];
  if (ctx.subject.readsSignatures) {
    const found = await fetchCosignSignatures(ctx.source, digest, ctx.signal);
    if (found !== undefined) {
      if (!isOciImageManifest(found.mediaType)) {
        const name = ctx.subject.dockerReference
          ? referenceName(ctx.subject.dockerReference)
          : ctx.subject.imageName;
        return {
          ok: false,
          reason: `unexpected MIME type for sigstore attachment manifest ${name}:${found.tag}: ${JSON.stringify(found.mediaType)}`,
        };
      }
      attachments.push(...found.attachments);
    }
  }
  const rejections: string[] = [];
  let nonSignatures = 0;
  for (const attachment of attachments) {
    // Attestations, SBOMs and the like can share the tag; only simple-signing layers are signatures.
    if (attachment.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE) {
      nonSignatures++;
      continue;
    }
    const verdict = await acceptSignature(requirement, digest, attachment, ctx);
    if (verdict.ok) return verdict;
    rejections.push(verdict.reason);
  }
  if (ctx.subject.readsSignatures && ctx.referrers !== undefined) {
    const bundles = await evaluateBundles(requirement, digest, ctx, ctx.referrers);
    if (bundles.ok) return bundles;
    rejections.push(...bundles.rejections);
    nonSignatures += bundles.nonSignatures;
  }
  if (rejections.length === 0) {
    return {
      ok: false,
      reason:
        nonSignatures === 0
          ? 'A signature was required, but no signature exists'
          : `A signature was required, but no signature exists (0 non-sigstore signatures, ${nonSignatures} sigstore non-signature attachments)`,
    };
  }
  if (rejections.length === 1) return { ok: false, reason: rejections[0]! };
  return { ok: false, reason: `None of the signatures were accepted, reasons: ${rejections.join('; ')}` };
}

type BundlesVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly rejections: string[]; readonly nonSignatures: number };

/** The first cosign signature bundle among the referrers that verifies with the key and names `digest`. */
async function evaluateBundles(
  requirement: SigstoreRequirement,
  digest: string,
  ctx: SigstoreContext,
  referrers: ReferrerSource,
): Promise<BundlesVerdict> {
  // sigstore-js is loaded only when a bundle may be judged: a plain copy does not pay for it
  // (test/integration/cli-startup.test.ts).
  const { fetchSigstoreBundles } = await import('../signature/sigstore-referrers.ts');
  const { bundles, skipped } = await fetchSigstoreBundles(referrers, digest, ctx.signal);
  const rejections = skipped.map((why) => `Sigstore bundle ${why}`);
  let nonSignatures = 0;
  let key: KeyObject | undefined;
  for (const stored of bundles) {
    const predicateType = stored.annotations[BUNDLE_PREDICATE_TYPE_ANNOTATION];
    // cosign's annotation saves verifying attestations that could not count anyway; the verified
    // statement's own predicate type is what decides below.
    if (predicateType !== undefined && predicateType !== COSIGN_SIGN_PREDICATE_TYPE) {
      nonSignatures++;
      continue;
    }
    if (key === undefined) {
      try {
        key = await ctx.publicKey(requirement);
      } catch (err) {
        return { ok: false, rejections: [(err as Error).message], nonSignatures };
      }
    }
    const { verifyBundle } = await import('../signature/sigstore-bundle-verify.ts');
    const verdict = verifyBundle(stored.json, digest, {
      keys: [key],
      identities: [],
      trust: undefined,
      tlog: false,
    });
    if (!verdict.verified) {
      rejections.push(`Sigstore bundle ${stored.referrer}: ${verdict.reason}`);
    } else if (verdict.statement.predicateType !== COSIGN_SIGN_PREDICATE_TYPE) {
      nonSignatures++;
    } else {
      return { ok: true };
    }
  }
  return { ok: false, rejections, nonSignatures };
}

async function acceptSignature(
  requirement: SigstoreRequirement,
  digest: string,
  attachment: CosignAttachment,
  ctx: SigstoreContext,
): Promise<Verdict> {
  let key: KeyObject;
  try {
    key = await ctx.publicKey(requirement);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  const signature = attachment.annotations[COSIGN_SIGNATURE_ANNOTATION];
  if (signature === undefined)
    return { ok: false, reason: `missing ${COSIGN_SIGNATURE_ANNOTATION} annotation` };
  if (attachment.payload === undefined)
    return { ok: false, reason: 'signature payload is larger than 4 MiB' };
  const checked = checkCosignSignature(key, attachment.payload, signature);
  if (!checked.ok) return checked;
  const payload = parseSimpleSigningPayload(attachment.payload);
  if (!payload.ok) return payload;
  // Digest first, then identity: the order of containers/image VerifySigstorePayload.
  if (payload.value.dockerManifestDigest !== digest) {
    return { ok: false, reason: `Signature for digest ${payload.value.dockerManifestDigest} does not match` };
  }
  const reference = payload.value.dockerReference;
  if (!matchesDockerReference(requirement.signedIdentity, ctx.subject.dockerReference, reference)) {
    return { ok: false, reason: `Signature for identity ${reference} is not accepted` };
  }
  return { ok: true };
}

/** The requirement's key: keyData, or keyPath read now (relative paths from the working directory). */
export async function loadRequirementKey(
  requirement: SigstoreRequirement,
  readFile: (path: string) => Promise<Uint8Array>,
): Promise<KeyObject> {
  let pem: Uint8Array;
  if (requirement.keyData !== undefined) pem = requirement.keyData;
  else {
    const path = requirement.keyPath ?? '';
    try {
      pem = await readFile(path);
    } catch (err) {
      throw new Error(`cannot read public key ${path}: ${describeReadError(err)}`);
    }
  }
  try {
    return parsePublicKeyPem(pem);
  } catch (err) {
    throw new Error(`parsing public key: ${(err as Error).message}`);
  }
}
