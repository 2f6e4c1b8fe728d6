/**
 * Promotion attestations (`promotions[].attest`, docs/signatures.md "Promotion attestations"): once the
 * destination tag has been verified, ferry signs an in-toto statement about the promotion with the
 * rule's key (promotion-statement.ts, sign-dsse-bundle.ts) and attaches the bundle to the destination
 * image the way cosign v3 stores bundles (sigstore-referrer-manifest.ts): the OCI 1.1 referrers API
 * where the registry has it, else the `sha256-<hex>` referrers tag (Repository.putManifest keeps it).
 * `attest.format: classic` (or `both`) also/instead appends the signed envelope to the image's
 * `sha256-<hex>.att` tag, where cosign v2 and older admission controllers look (push-attachment.ts).
 *
 * The image is in the destination by then, so by default a failure does not undo or fail anything: it
 * is recorded as `attestation_failed` (audit and a warning in the log) and the promotion succeeds.
 * `attest.required: true` turns the failure into the run's error instead (retried when temporary: the
 * copy is then up to date and costs a HEAD).
 */
import { FerryError } from '../../errors/ferry-error.ts';
import { MediaType } from '../../oci/media-types.ts';
import { COSIGN_SIGNATURE_ANNOTATION } from '../../signature/cosign-classic.ts';
import { DSSE_ENVELOPE_MEDIA_TYPE } from '../../signature/in-toto-statement.ts';
import {
  appendCosignAttachment,
  cosignAttestationTag,
  pushSmallBlob,
} from '../../signature/push-attachment.ts';
import { signStatementBundle } from '../../signature/sign-dsse-bundle.ts';
import { bundleReferrer } from '../../signature/sigstore-referrer-manifest.ts';
import type { AttestConfig } from '../config/attest-schema.ts';
import type { AttestationKeyCache } from '../config/attestation-key-cache.ts';
import type { ReadFile } from '../config/read-small-file.ts';
import { type Env, resolveSecret } from '../config/resolve-secret.ts';
import type { PromotionRule } from '../config/schema.ts';
import { listApprovals } from '../store/approval-store.ts';
import { appendAudit, listAudit } from '../store/audit-store.ts';
import type { Promotion } from '../store/promotion.ts';
import { AuditKind, SYSTEM_ACTOR } from './audit-kinds.ts';
import { describeError } from './describe-error.ts';
import type { EngineContext } from './engine-context.ts';
import { PromotionError, PromotionErrorCode } from './promotion-error.ts';
import { repositoryFor } from './promotion-repositories.ts';
import { PROMOTION_PREDICATE_TYPE, promotionStatement } from './promotion-statement.ts';

export interface AttestOptions {
  readonly env: Env;
  readonly readFile?: ReadFile | undefined;
  /** The keys decrypted at start (load-config.ts), decrypting again only what changed since. */
  readonly attestationKeys: AttestationKeyCache;
}

/**
 * Attests `promotion` (now at `digest` in its destination) when its rule asks for it, and records the
 * outcome. Throws only when the rule's `attest.required` is true and attesting failed.
 */
export async function attestPromotion(
  ctx: EngineContext,
  options: AttestOptions,
  rule: PromotionRule | undefined,
  promotion: Promotion,
  digest: string,
): Promise<void> {
  const attest = rule?.attest;
  if (rule === undefined || attest === undefined) return;
  const { registry, repository } = promotion.destination;
  try {
    const written = await attachAttestation(ctx, options, rule, attest, promotion, digest);
    await audit(ctx, {
      promotionId: promotion.id,
      actor: SYSTEM_ACTOR,
      kind: AuditKind.Attested,
      digest,
      outcome: 'ok',
      detail: {
        // `referrer`: the bundle referrer's manifest digest; `attestationTag`: the classic `.att` tag.
        ...written,
        predicateType: PROMOTION_PREDICATE_TYPE,
        subject: `${registry}/${repository}@${digest}`,
      },
    });
  } catch (err) {
    const { message, code } = describeError(err);
    ctx.logger.warn(
      { promotionId: promotion.id, rule: rule.name, error: message, code, required: attest.required },
      'promotion attestation failed',
    );
    await audit(ctx, {
      promotionId: promotion.id,
      actor: SYSTEM_ACTOR,
      kind: AuditKind.AttestationFailed,
      digest,
      outcome: 'error',
      detail: { reason: message, code, required: attest.required },
    });
    if (attest.required) {
      throw new PromotionError(
        PromotionErrorCode.AttestationFailed,
        `the promotion attestation could not be attached: ${message}`,
        { cause: err, temporary: err instanceof FerryError && err.temporary },
      );
    }
  }
}

/**
 * Signs the statement and attaches it in the rule's format(s); returns what was written: the bundle
 * referrer's manifest digest, the `.att` tag, or both.
 */
async function attachAttestation(
  ctx: EngineContext,
  options: AttestOptions,
  rule: PromotionRule,
  attest: AttestConfig,
  promotion: Promotion,
  digest: string,
): Promise<{ referrer?: string; attestationTag?: string }> {
  const index = ctx.config.promotions.indexOf(rule);
  // Read at each use, as every secret reference: a rotated Kubernetes Secret needs no restart. The cache
  // decrypts a cosign key only when the files changed (at start, the config check already did). Errors
  // name the key's file or variable, never its content or the passphrase.
  const secretOptions = { env: options.env, readFile: options.readFile };
  const pem = await resolveSecret(attest.keyFile, {
    ...secretOptions,
    key: `promotions[${index}].attest.keyFile`,
  });
  const passphrase =
    attest.passphrase === undefined
      ? undefined
      : await resolveSecret(attest.passphrase, {
          ...secretOptions,
          key: `promotions[${index}].attest.passphrase`,
        });
  const privateKey = await options.attestationKeys.privateKey(
    { rule: rule.name, keyRef: attest.keyFile, passphraseRef: attest.passphrase },
    pem,
    passphrase,
  );
  const destination = await repositoryFor(ctx, promotion.destination, true);
  const subject = await destination.headManifest(digest);
  if (subject?.mediaType === undefined || subject.size === undefined) {
    throw new PromotionError(
      PromotionErrorCode.VerifyFailed,
      `${destination.registry}/${destination.name}@${digest} is not in the destination (or its media type and size are not reported)`,
    );
  }
  const [approvals, events] = await Promise.all([
    listApprovals(ctx.db, [promotion.id]),
    listAudit(ctx.db, promotion.id),
  ]);
  const approvers = (approvals.get(promotion.id) ?? [])
    .filter((a) => a.decision === 'approve')
    .map((a) => a.approver);
  const verified = events.filter((e) => e.kind === AuditKind.SignatureVerified).at(-1);
  const statement = promotionStatement({
    promotion,
    digest,
    approvers,
    signatureRequired: rule.signature.required,
    signature: verified?.detail,
    promotedAt: new Date(ctx.now()),
  });
  const bundle = await signStatementBundle(statement, privateKey);
  const written: { referrer?: string; attestationTag?: string } = {};
  if (attest.format !== 'classic') {
    const referrer = bundleReferrer(
      { mediaType: subject.mediaType, digest, size: subject.size },
      bundle,
      PROMOTION_PREDICATE_TYPE,
      new Date(ctx.now()),
    );
    for (const blob of referrer.blobs) await pushSmallBlob(destination, blob.descriptor, blob.bytes);
    written.referrer = await destination.putManifest(referrer.digest, referrer.bytes, MediaType.OciManifest);
  }
  if (attest.format !== 'bundle') {
    // The same signed envelope, as cosign v2 stored attestations: a layer of the `.att` tag.
    const envelope = bundle.dsseEnvelope;
    if (envelope === undefined) {
      throw new PromotionError(
        PromotionErrorCode.AttestationFailed,
        'the signed bundle has no DSSE envelope',
      );
    }
    const tag = cosignAttestationTag(digest);
    await appendCosignAttachment(destination, tag, {
      mediaType: DSSE_ENVELOPE_MEDIA_TYPE,
      bytes: Buffer.from(
        JSON.stringify({
          payloadType: envelope.payloadType,
          payload: envelope.payload,
          signatures: envelope.signatures.map((sig) => ({ keyid: sig.keyid, sig: sig.sig })),
        }),
      ),
      annotations: { [COSIGN_SIGNATURE_ANNOTATION]: '', predicateType: PROMOTION_PREDICATE_TYPE },
    });
    written.attestationTag = tag;
  }
  return written;
}

async function audit(ctx: EngineContext, event: Parameters<typeof appendAudit>[1]): Promise<void> {
  ctx.events.publish({ type: 'audit', event: await appendAudit(ctx.db, event) });
}
