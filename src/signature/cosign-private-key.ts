/**
 * cosign's encrypted private key files, which `cosign generate-key-pair` and `skopeo
 * generate-sigstore-key` write and `skopeo copy --sign-by-sigstore-private-key` reads
 * (containers/image signature/sigstore/copied.go, from cosign's loadPrivateKey):
 *
 *   -----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----        (cosign ≥ 2 writes "ENCRYPTED SIGSTORE PRIVATE KEY")
 *   base64 of {"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"…"},
 *              "cipher":{"name":"nacl/secretbox","nonce":"…"},"ciphertext":"…"}
 *   -----END ENCRYPTED COSIGN PRIVATE KEY-----
 *
 * The JSON is go-tuf's (later go-securesystemslib's) `encrypted` format: a 32-byte key derived from the
 * passphrase by scrypt over the salt, and the PKCS#8 DER private key sealed with NaCl secretbox
 * (XSalsa20-Poly1305, 24-byte nonce). Byte slices are Go's JSON encoding of []byte: padded standard
 * base64. Decryption failing authentication means a wrong passphrase or a damaged file; secretbox cannot
 * tell which.
 *
 * scrypt parameters are checked against the sets those libraries write (go-tuf accepts only its own; a
 * file could otherwise ask for gigabytes of memory). Keys are written with N=32768, r=8, p=1 and the
 * "COSIGN" block type, which every cosign and skopeo release reads (skopeo 1.9's containers/image accepts
 * only that type and those parameters); both block types are read.
 */
import { createPrivateKey, type KeyObject, randomBytes, scrypt } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';

export const COSIGN_PRIVATE_KEY_PEM_TYPE = 'ENCRYPTED COSIGN PRIVATE KEY';
export const SIGSTORE_PRIVATE_KEY_PEM_TYPE = 'ENCRYPTED SIGSTORE PRIVATE KEY';

/** go-securesystemslib's Legacy (go-tuf's only), Standard and OWASP parameter sets. */
const ALLOWED_SCRYPT_PARAMS: readonly (readonly [number, number, number])[] = [
  [32768, 8, 1],
  [65536, 8, 1],
  [131072, 8, 1],
];
const WRITE_SCRYPT = { N: 32768, r: 8, p: 1 } as const;
/** scrypt needs 128·N·r bytes: 128 MiB for the largest allowed set. */
const SCRYPT_MAXMEM = 256 * 1024 * 1024;
const SALT_BYTES = 32;
const NONCE_BYTES = 24;
const BOX_KEY_BYTES = 32;

/** Why a key file could not be used; the message never contains key material or the passphrase. */
export class CosignKeyFormatError extends Error {}

/** The sealed key did not authenticate: a wrong passphrase, or a damaged file (secretbox cannot tell). */
export class CosignKeyDecryptionError extends CosignKeyFormatError {}

/** The private key in `pem`, decrypted with `passphrase` (the empty passphrase is a passphrase). */
export async function decryptCosignPrivateKey(
  pem: string | Uint8Array,
  passphrase: Uint8Array,
): Promise<KeyObject> {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('utf8');
  const block = decodePem(text);
  if (block === undefined) throw new CosignKeyFormatError('invalid pem block');
  if (block.type !== COSIGN_PRIVATE_KEY_PEM_TYPE && block.type !== SIGSTORE_PRIVATE_KEY_PEM_TYPE) {
    throw new CosignKeyFormatError(`unsupported pem type: ${block.type}`);
  }
  const sealed = parseSealed(block.bytes);
  const boxKey = await deriveKey(passphrase, sealed.salt, sealed.params);
  let der: Uint8Array;
  try {
    der = xsalsa20poly1305(boxKey, sealed.nonce).decrypt(sealed.ciphertext);
  } catch {
    throw new CosignKeyDecryptionError('decryption failed (wrong passphrase, or a damaged key file)');
  } finally {
    boxKey.fill(0);
  }
  try {
    const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    if (!['ec', 'rsa', 'ed25519'].includes(key.asymmetricKeyType ?? '')) {
      throw new CosignKeyFormatError(`unsupported key type ${key.asymmetricKeyType}`);
    }
    return key;
  } catch (err) {
    if (err instanceof CosignKeyFormatError) throw err;
    throw new CosignKeyFormatError('parsing private key: not a PKCS#8 private key');
  } finally {
    der.fill(0);
  }
}

/** `privateKey` as an encrypted cosign key file (PEM text), readable by cosign and skopeo. */
export async function encryptCosignPrivateKey(
  privateKey: KeyObject,
  passphrase: Uint8Array,
): Promise<string> {
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const salt = randomBytes(SALT_BYTES);
  const nonce = randomBytes(NONCE_BYTES);
  const boxKey = await deriveKey(passphrase, salt, WRITE_SCRYPT);
  let ciphertext: Uint8Array;
  try {
    ciphertext = xsalsa20poly1305(boxKey, nonce).encrypt(der);
  } finally {
    boxKey.fill(0);
    der.fill(0);
  }
  // Field order and names as go-tuf's json.Marshal writes them.
  const json = JSON.stringify({
    kdf: { name: 'scrypt', params: WRITE_SCRYPT, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  });
  return encodePem(COSIGN_PRIVATE_KEY_PEM_TYPE, Buffer.from(json));
}

interface Sealed {
  readonly params: { readonly N: number; readonly r: number; readonly p: number };
  readonly salt: Buffer;
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
}

function parseSealed(bytes: Buffer): Sealed {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new CosignKeyFormatError('the encrypted key is not JSON');
  }
  const kdf = field(json, 'kdf');
  const cipher = field(json, 'cipher');
  if (field(kdf, 'name') !== 'scrypt') {
    throw new CosignKeyFormatError(`unknown kdf name ${JSON.stringify(field(kdf, 'name'))}`);
  }
  if (field(cipher, 'name') !== 'nacl/secretbox') {
    throw new CosignKeyFormatError(`unknown cipher name ${JSON.stringify(field(cipher, 'name'))}`);
  }
  const params = field(kdf, 'params');
  const N = field(params, 'N');
  const r = field(params, 'r');
  const p = field(params, 'p');
  if (!ALLOWED_SCRYPT_PARAMS.some(([n, rr, pp]) => n === N && rr === r && pp === p)) {
    throw new CosignKeyFormatError('unsupported scrypt parameters');
  }
  const nonce = goBytes(field(cipher, 'nonce'), 'cipher.nonce');
  if (nonce.length !== NONCE_BYTES) throw new CosignKeyFormatError('incorrect nonce size');
  return {
    params: { N: N as number, r: r as number, p: p as number },
    salt: goBytes(field(kdf, 'salt'), 'kdf.salt'),
    nonce,
    ciphertext: goBytes(field(json, 'ciphertext'), 'ciphertext'),
  };
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** Go's JSON form of a []byte: padded standard base64 (null or absent is empty). */
function goBytes(value: unknown, name: string): Buffer {
  if (value === undefined || value === null) return Buffer.alloc(0);
  if (typeof value !== 'string' || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw new CosignKeyFormatError(`${name} is not base64`);
  }
  return Buffer.from(value, 'base64');
}

function deriveKey(
  passphrase: Uint8Array,
  salt: Buffer,
  params: { readonly N: number; readonly r: number; readonly p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      passphrase,
      salt,
      BOX_KEY_BYTES,
      { N: params.N, r: params.r, p: params.p, maxmem: SCRYPT_MAXMEM },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** The first PEM block (Go's pem.Decode: text before it is skipped; headers are not used by cosign). */
function decodePem(text: string): { type: string; bytes: Buffer } | undefined {
  const match = /-----BEGIN ([^-\r\n]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(text);
  if (match === null) return undefined;
  const body = match[2]!.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) return undefined;
  return { type: match[1]!, bytes: Buffer.from(body, 'base64') };
}

/** Go's pem.EncodeToMemory: 64 characters a line. */
export function encodePem(type: string, bytes: Buffer): string {
  const lines = bytes.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`;
}
