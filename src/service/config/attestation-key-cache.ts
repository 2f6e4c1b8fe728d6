/**
 * Attestation keys, decrypted once. Decrypting a cosign key file runs scrypt (N=32768, r=8: ~32 MiB and a
 * noticeable fraction of a CPU second, by design), so it must not run per promotion; yet key files are
 * secrets, re-read at each use so that a rotated Kubernetes Secret needs no restart (resolve-secret.ts).
 * Both hold: the cache is keyed by the *contents* of the key and passphrase (an HMAC under a key of this
 * process, so equal inputs are recognised without keeping a plain hash of a passphrase), and a rule whose
 * key or passphrase changed gets the new key decrypted once, its old one dropped.
 *
 * One instance is shared by the start-up check (load-config.ts → check-sources.ts) and the promotion
 * engine, so a server decrypts each key once, at start. Failures are kept too: the same bytes fail the
 * same way, and a broken Secret must not cost an scrypt per promotion. Keys stay in this process's
 * memory only.
 */
import { createHmac, type KeyObject, randomBytes } from 'node:crypto';
import { AttestationKeyProblem, type AttestationKeySource, decodeAttestationKey } from './attestation-key.ts';

export class AttestationKeyCache {
  readonly #hmacKey = randomBytes(32);
  /** Keys (or their failures) by fingerprint of the key file and passphrase. */
  readonly #keys = new Map<string, Promise<KeyObject>>();
  /** The fingerprint each rule used last, to drop a key its rule no longer uses. */
  readonly #byRule = new Map<string, string>();

  /** The rule's key from the current contents of its secrets; throws AttestationKeyError. */
  async privateKey(
    source: AttestationKeySource,
    pem: string,
    passphrase: string | undefined,
  ): Promise<KeyObject> {
    const fingerprint = this.#fingerprint(pem, passphrase);
    const previous = this.#byRule.get(source.rule);
    this.#byRule.set(source.rule, fingerprint);
    if (
      previous !== undefined &&
      previous !== fingerprint &&
      ![...this.#byRule.values()].includes(previous)
    ) {
      this.#keys.delete(previous);
    }
    let key = this.#keys.get(fingerprint);
    if (key === undefined) {
      key = decodeAttestationKey(pem, passphrase);
      // Awaited by the caller; this only keeps a failure nobody else awaits from being "unhandled".
      key.catch(() => {});
      this.#keys.set(fingerprint, key);
    }
    try {
      return await key;
    } catch (err) {
      // Worded for this rule and file: another rule may share the key (and the cached failure).
      throw err instanceof AttestationKeyProblem ? err.about(source) : err;
    }
  }

  /** How many keys (or failures) are held; for tests. */
  get size(): number {
    return this.#keys.size;
  }

  #fingerprint(pem: string, passphrase: string | undefined): string {
    const hmac = createHmac('sha256', this.#hmacKey);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(Buffer.byteLength(pem));
    hmac.update(length).update(pem);
    // "No passphrase" and "the empty passphrase" differ.
    if (passphrase !== undefined) hmac.update('\u0001').update(passphrase);
    return hmac.digest('hex');
  }
}
