/**
 * The private key a rule's promotion attestations are signed with (`promotions[].attest`), from the
 * contents of its `keyFile` and `passphrase` secrets. Two forms are read:
 *
 * - an unencrypted PEM private key (PKCS#8 or SEC1), with no passphrase;
 * - the encrypted key file `cosign generate-key-pair` and `ferry generate-sigstore-key` write ("ENCRYPTED
 *   SIGSTORE PRIVATE KEY", older "ENCRYPTED COSIGN PRIVATE KEY": scrypt + NaCl secretbox, decrypted by
 *   cosign-private-key.ts, the reader `ferry copy --sign-by-sigstore-private-key` uses), with the
 *   passphrase cosign reads from COSIGN_PASSWORD.
 *
 * Either way the key must be ECDSA P-256: what cosign verifiers and policy controllers expect of `--key`.
 * Everything else is refused with the rule that is wrong rather than guessed at: a cosign key without a
 * passphrase, a passphrase that does not decrypt it, a passphrase next to an unencrypted key (one of the
 * two is not the file that was meant), and OpenSSL's encrypted PEM forms. Messages name the rule and the
 * key's file or variable; never the PEM (not even its first line) or the passphrase.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import {
  COSIGN_PRIVATE_KEY_PEM_TYPE,
  CosignKeyDecryptionError,
  CosignKeyFormatError,
  decryptCosignPrivateKey,
  SIGSTORE_PRIVATE_KEY_PEM_TYPE,
} from '../../signature/cosign-private-key.ts';
import {
  AttestationKeyError,
  AttestationKeyErrorCode,
  type AttestationKeyErrorCodeValue,
} from './attestation-key-error.ts';
import { describeSecretRef } from './resolve-secret.ts';
import type { SecretRef } from './schema.ts';

export interface AttestationKeySource {
  /** The rule's name, for messages. */
  readonly rule: string;
  /** Where the key and the passphrase come from, for messages. */
  readonly keyRef: SecretRef;
  readonly passphraseRef?: SecretRef | undefined;
}

/** Why a key cannot be used, before it is told which rule and file it is about. */
export class AttestationKeyProblem extends Error {
  readonly code: AttestationKeyErrorCodeValue;
  readonly reason: (source: AttestationKeySource) => string;
  readonly setting: 'keyFile' | 'passphrase';
  constructor(
    code: AttestationKeyErrorCodeValue,
    reason: (source: AttestationKeySource) => string,
    setting: 'keyFile' | 'passphrase' = 'keyFile',
  ) {
    super(code);
    this.code = code;
    this.reason = reason;
    this.setting = setting;
  }

  /** The error for `source`: names the rule and the key's file or variable. */
  about(source: AttestationKeySource): AttestationKeyError {
    const subject = `attestation key ${describeSecretRef(source.keyRef)} of rule "${source.rule}"`;
    return new AttestationKeyError(this.code, `${subject} ${this.reason(source)}`, this.setting);
  }
}

/**
 * The key in `pem`, decrypted with `passphrase` when it is a cosign key file. Throws AttestationKeyProblem
 * (`about(source)` words it for a rule); attestation-key-cache.ts is the caller.
 */
export async function decodeAttestationKey(pem: string, passphrase: string | undefined): Promise<KeyObject> {
  let key: KeyObject;
  if (isCosignKey(pem)) {
    if (passphrase === undefined) {
      throw new AttestationKeyProblem(
        AttestationKeyErrorCode.PassphraseMissing,
        () =>
          'is encrypted (cosign key file) and the rule sets no attest.passphrase; add attest.passphrase pointing at its password (what cosign reads from COSIGN_PASSWORD)',
      );
    }
    const bytes = Buffer.from(passphrase, 'utf8');
    try {
      key = await decryptCosignPrivateKey(pem, bytes);
    } catch (err) {
      if (err instanceof CosignKeyDecryptionError) {
        throw new AttestationKeyProblem(
          AttestationKeyErrorCode.PassphraseWrong,
          (source) =>
            `cannot be decrypted with attest.passphrase${source.passphraseRef === undefined ? '' : ` ${describeSecretRef(source.passphraseRef)}`}: wrong passphrase, or a damaged key file`,
          'passphrase',
        );
      }
      // Format errors name fields and parameters of the file, never its bytes.
      const reason = err instanceof CosignKeyFormatError ? err.message : 'cannot be read';
      throw new AttestationKeyProblem(
        AttestationKeyErrorCode.Unusable,
        () => `is not a usable cosign key file: ${reason}`,
      );
    } finally {
      bytes.fill(0);
    }
  } else {
    if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
      throw new AttestationKeyProblem(
        AttestationKeyErrorCode.Unusable,
        () =>
          "is encrypted in OpenSSL's format; ferry reads cosign's encrypted key file (cosign generate-key-pair, ferry generate-sigstore-key) with attest.passphrase, or an unencrypted PEM private key (PKCS#8 or SEC1)",
      );
    }
    if (passphrase !== undefined) {
      throw new AttestationKeyProblem(
        AttestationKeyErrorCode.PassphraseUnused,
        () =>
          'is not encrypted, but the rule sets attest.passphrase; remove attest.passphrase, or point keyFile at the encrypted cosign key',
        'passphrase',
      );
    }
    try {
      key = createPrivateKey({ key: pem, format: 'pem' });
    } catch {
      throw new AttestationKeyProblem(AttestationKeyErrorCode.Unusable, () => 'is not a PEM private key');
    }
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const found = `${key.asymmetricKeyType ?? 'unknown'}${key.asymmetricKeyDetails?.namedCurve === undefined ? '' : ` ${key.asymmetricKeyDetails.namedCurve}`}`;
    throw new AttestationKeyProblem(
      AttestationKeyErrorCode.Unusable,
      () => `is not an ECDSA P-256 key (found ${found})`,
    );
  }
  return key;
}

function isCosignKey(pem: string): boolean {
  return [COSIGN_PRIVATE_KEY_PEM_TYPE, SIGSTORE_PRIVATE_KEY_PEM_TYPE].some((type) =>
    pem.includes(`-----BEGIN ${type}-----`),
  );
}
