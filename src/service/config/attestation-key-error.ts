/**
 * A rule's attestation key (`promotions[].attest.keyFile`, with `attest.passphrase` for a cosign-encrypted
 * key) cannot be used. Raised at start-up (the config check refuses the config) and, should a mounted
 * Secret be rotated into something unusable, when a promotion is attested (recorded as
 * `attestation_failed`). The message names the rule and where the key comes from (file or variable),
 * never the key's bytes or the passphrase.
 */
import { FerryError, type FerryErrorOptions } from '../../errors/ferry-error.ts';

/** Stable codes; new ones are appended, existing ones never change meaning. */
export const AttestationKeyErrorCode = {
  /** Not a PEM private key, not ECDSA P-256, or encrypted in a format ferry does not read. */
  Unusable: 'FERRY_E_ATTEST_KEY',
  /** A cosign-encrypted key and no `attest.passphrase`. */
  PassphraseMissing: 'FERRY_E_ATTEST_KEY_PASSPHRASE_MISSING',
  /** `attest.passphrase` does not decrypt the cosign key (or the key file is damaged). */
  PassphraseWrong: 'FERRY_E_ATTEST_KEY_PASSPHRASE_WRONG',
  /** `attest.passphrase` is set for a key that is not encrypted: one of the two is not what was meant. */
  PassphraseUnused: 'FERRY_E_ATTEST_KEY_NOT_ENCRYPTED',
} as const;

export type AttestationKeyErrorCodeValue =
  (typeof AttestationKeyErrorCode)[keyof typeof AttestationKeyErrorCode];

export class AttestationKeyError extends FerryError {
  /** Which setting to fix: the key itself, or the passphrase. */
  readonly setting: 'keyFile' | 'passphrase';
  constructor(
    code: AttestationKeyErrorCodeValue,
    message: string,
    setting: 'keyFile' | 'passphrase',
    options: FerryErrorOptions = {},
  ) {
    super(code, message, options);
    this.setting = setting;
  }
}
