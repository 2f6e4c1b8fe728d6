/**
 * Test support: cosign key files and signatures checked by implementations independent of ferry's, for
 * the signing tests (skopeo 1.9 has no generate-sigstore-key, and Debian's build cannot sign or verify
 * sigstore signatures: "Debian-local change: sigstore disabled"):
 *
 * - the encrypted key file (go-tuf `encrypted`: scrypt + NaCl secretbox) written and read by Debian's
 *   python3 with PyNaCl (libsodium) and hashlib.scrypt (OpenSSL);
 * - keys generated and public halves derived by openssl, signatures checked by `openssl dgst -verify`.
 *
 * Passphrases go to python on standard input, never in argv.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked, runCommand } from './run-command.ts';

/** Debian's interpreter, where python3-nacl is installed (a pyenv or venv python may lack it). */
const PYTHON = '/usr/bin/python3';

const ENCRYPT = `
import base64, hashlib, json, os, sys
from nacl.secret import SecretBox
passphrase = sys.stdin.buffer.read()
der = open(sys.argv[1], 'rb').read()
salt, nonce = os.urandom(32), os.urandom(24)
key = hashlib.scrypt(passphrase, salt=salt, n=32768, r=8, p=1, dklen=32, maxmem=2**27)
ciphertext = SecretBox(key).encrypt(der, nonce).ciphertext
doc = {"kdf": {"name": "scrypt", "params": {"N": 32768, "r": 8, "p": 1}, "salt": base64.b64encode(salt).decode()},
       "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
       "ciphertext": base64.b64encode(ciphertext).decode()}
body = base64.b64encode(json.dumps(doc, separators=(",", ":")).encode()).decode()
lines = [body[i:i + 64] for i in range(0, len(body), 64)]
kind = sys.argv[3]
open(sys.argv[2], "w").write("-----BEGIN %s-----\\n%s\\n-----END %s-----\\n" % (kind, "\\n".join(lines), kind))
`;

const DECRYPT = `
import base64, hashlib, json, re, sys
from nacl.secret import SecretBox
passphrase = sys.stdin.buffer.read()
pem = open(sys.argv[1]).read()
m = re.search(r"-----BEGIN ([A-Z ]+)-----\\n(.*?)-----END", pem, re.S)
doc = json.loads(base64.b64decode("".join(m.group(2).split())))
p = doc["kdf"]["params"]
key = hashlib.scrypt(passphrase, salt=base64.b64decode(doc["kdf"]["salt"]), n=p["N"], r=p["r"], p=p["p"], dklen=32, maxmem=2**28)
der = SecretBox(key).decrypt(base64.b64decode(doc["ciphertext"]), base64.b64decode(doc["cipher"]["nonce"]))
sys.stdout.write(m.group(1) + "\\n" + der.hex())
`;

export interface OracleKey {
  /** The encrypted cosign key file. */
  readonly privateFile: string;
  /** Its PEM public key, derived by openssl. */
  readonly publicFile: string;
}

/**
 * An ECDSA P-256 key made by openssl, encrypted into a cosign key file by PyNaCl (block type "ENCRYPTED
 * COSIGN PRIVATE KEY" unless given).
 */
export async function oracleKey(
  dir: string,
  name: string,
  passphrase: string,
  pemType = 'ENCRYPTED COSIGN PRIVATE KEY',
): Promise<OracleKey> {
  const der = join(dir, `${name}.pk8.der`);
  const privateFile = join(dir, `${name}.private`);
  const publicFile = join(dir, `${name}.pub`);
  const pem = join(dir, `${name}.key.pem`);
  await runChecked('openssl', [
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-out',
    pem,
  ]);
  // cosign stores PKCS#8 (`genpkey -outform DER` would write SEC1 for EC keys, which cosign refuses).
  await runChecked('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', pem, '-outform', 'DER', '-out', der]);
  await runChecked('openssl', ['pkey', '-inform', 'DER', '-in', der, '-pubout', '-out', publicFile]);
  await runChecked(PYTHON, ['-c', ENCRYPT, der, privateFile, pemType], { input: passphrase });
  return { privateFile, publicFile };
}

/** PyNaCl's reading of a cosign key file: its PEM block type and the PEM public key of what it holds. */
export async function oracleDecrypt(
  dir: string,
  privateFile: string,
  passphrase: string,
): Promise<{ pemType: string; publicPem: string }> {
  const out = await runChecked(PYTHON, ['-c', DECRYPT, privateFile], { input: passphrase });
  const [pemType, hex] = out.stdout.split('\n') as [string, string];
  const der = join(dir, `decrypted-${Date.now()}-${Math.random().toString(36).slice(2)}.der`);
  await writeFile(der, Buffer.from(hex, 'hex'), { mode: 0o600 });
  const pub = await runChecked('openssl', ['pkey', '-inform', 'DER', '-in', der, '-pubout']);
  return { pemType, publicPem: pub.stdout };
}

/** `openssl dgst -sha256 -verify`: whether `base64Signature` over `payload` verifies with the key file. */
export async function opensslVerifies(
  dir: string,
  publicFile: string,
  payload: Buffer,
  base64Signature: string,
): Promise<boolean> {
  const stem = join(dir, `verify-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  await writeFile(`${stem}.payload`, payload);
  await writeFile(`${stem}.sig`, Buffer.from(base64Signature, 'base64'));
  const r = await runCommand('openssl', [
    'dgst',
    '-sha256',
    '-verify',
    publicFile,
    '-signature',
    `${stem}.sig`,
    `${stem}.payload`,
  ]);
  return r.code === 0 && r.stdout.includes('Verified OK');
}
