/**
 * A policy applied to one source: containers/image v5.23 PolicyContext.IsRunningImageAllowed, as an
 * `Admit` hook for copy and sync. Every applicable requirement must allow every image that will be
 * copied, checked image by image in index order and requirement by requirement, stopping at the first
 * refusal (whose reason is then the error's).
 */
import type { KeyObject } from 'node:crypto';
import { readBoundedFile } from '../auth/read-bounded-file.ts';
import type { Admit } from '../copy/admission.ts';
import type { SignatureSource } from '../signature/cosign-classic.ts';
import type { ReferrerSource } from '../signature/sigstore-referrers.ts';
import { PolicyRejectedError, PolicyUnsupportedError } from './policy-errors.ts';
import { type PolicySubject, policySubject, type SubjectReference } from './policy-subject.ts';
import type { Policy, PolicyRequirement } from './policy-types.ts';
import { requirementsFor } from './requirements-for.ts';
import {
  evaluateSigstoreSigned,
  loadRequirementKey,
  type SigstoreContext,
  type SigstoreRequirement,
} from './sigstore-signed.ts';

export interface PolicyAdmissionOptions {
  readonly policy: Policy;
  /** The policy file, for messages (undefined with --insecure-policy). */
  readonly file?: string | undefined;
  readonly subject: PolicySubject;
  /** Where the source's signatures are read from (the copy source itself). */
  readonly source: SignatureSource;
  /** Where its Sigstore bundle referrers are listed; undefined for sources without referrers (layouts). */
  readonly referrers?: ReferrerSource | undefined;
  /** Reads a keyPath; the default reads at most 1 MiB. */
  readonly readFile?: ((path: string) => Promise<Uint8Array>) | undefined;
}

const MAX_KEY_BYTES = 1024 * 1024;

/** The hook, or undefined when every applicable requirement is insecureAcceptAnything (nothing to do). */
export function policyAdmission(options: PolicyAdmissionOptions): Admit | undefined {
  const { policy, subject } = options;
  const { requirements, scope } = requirementsFor(policy, subject);
  if (requirements.every((r) => r.type === 'insecureAcceptAnything')) return undefined;
  const readFile = options.readFile ?? readKeyFile;
  return async (candidate, signal) => {
    const keys = new Map<SigstoreRequirement, Promise<KeyObject>>();
    const ctx: SigstoreContext = {
      subject,
      source: options.source,
      referrers: options.referrers,
      signal,
      publicKey: (r: SigstoreRequirement) => {
        let key = keys.get(r);
        if (key === undefined) {
          key = loadRequirementKey(r, readFile);
          key.catch(() => undefined);
          keys.set(r, key);
        }
        return key;
      },
    };
    const needsImages = requirements.some((r) => r.type === 'sigstoreSigned');
    const listed = needsImages ? await candidate.images(signal) : [];
    // An index with no images to copy is still judged, by its own digest: stricter than containers/image
    // (which then checks nothing), never looser.
    const images = listed.length > 0 ? listed : [candidate.digest];
    for (const digest of images) {
      for (const requirement of requirements) {
        await check(requirement, digest, ctx);
      }
    }
  };

  async function check(requirement: PolicyRequirement, digest: string, ctx: SigstoreContext): Promise<void> {
    switch (requirement.type) {
      case 'insecureAcceptAnything':
        return;
      case 'reject':
        throw new PolicyRejectedError(`Running image ${subject.imageName} is rejected by policy.`);
      case 'signedBaseLayer':
        throw new PolicyRejectedError('signedBaseLayer not implemented yet!');
      case 'signedBy':
        throw new PolicyUnsupportedError(
          `GPG signatures (signedBy) are not supported by ferry; use sigstoreSigned ` +
            `(${options.file ?? 'policy'}: ${scope} applies to ${subject.imageName})`,
        );
      case 'sigstoreSigned': {
        const verdict = await evaluateSigstoreSigned(requirement, digest, ctx);
        if (!verdict.ok) throw new PolicyRejectedError(verdict.reason);
        return;
      }
    }
  }
}

/** A PEM public key is well under a kilobyte; a bigger file is the wrong one (EFBIG says so). */
async function readKeyFile(path: string): Promise<Uint8Array> {
  const { bytes, tooLarge } = await readBoundedFile(path, MAX_KEY_BYTES);
  if (tooLarge) throw Object.assign(new Error(`${path} is larger than 1 MiB`), { code: 'EFBIG' });
  return bytes;
}

/** The hook for a source named on the command line: its policy subject, then policyAdmission. */
export async function sourceAdmission(
  loaded: { readonly policy: Policy; readonly file: string | undefined },
  reference: SubjectReference,
  source: SignatureSource,
): Promise<Admit | undefined> {
  const subject = await policySubject(reference);
  const referrers = isReferrerSource(source) ? source : undefined;
  return policyAdmission({ policy: loaded.policy, file: loaded.file, subject, source, referrers });
}

/** A registry Repository lists referrers; layout and archive sources do not. */
function isReferrerSource(source: object): source is ReferrerSource {
  const s = source as Partial<ReferrerSource>;
  return typeof s.listReferrers === 'function' && typeof s.getBlobBytes === 'function';
}
