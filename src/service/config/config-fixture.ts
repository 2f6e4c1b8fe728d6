/**
 * Test support: an in-memory file system for the loader, and the files EXAMPLE_CONFIG refers to, so
 * tests run the full load (including the start-up file checks) without touching the disk.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { encryptCosignPrivateKey } from '../../signature/cosign-private-key.ts';
import type { ReadDir } from './check-sources.ts';
import type { ReadFile } from './read-small-file.ts';

export interface MemoryFiles {
  readonly readFile: ReadFile;
  readonly readDir: ReadDir;
  /** Paths read so far, in order (to assert that a file is re-read). */
  readonly reads: string[];
}

function enoent(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

export function memoryFiles(
  files: Readonly<Record<string, string>>,
  dirs: readonly string[] = [],
): MemoryFiles {
  const reads: string[] = [];
  return {
    reads,
    readFile: async (path) => {
      reads.push(path);
      if (dirs.includes(path)) throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
      const content = files[path];
      if (content === undefined) throw enoent(path);
      return new TextEncoder().encode(content);
    },
    readDir: async (path) => {
      if (!dirs.includes(path))
        throw files[path] === undefined
          ? enoent(path)
          : Object.assign(new Error('ENOTDIR'), { code: 'ENOTDIR' });
      return [];
    },
  };
}

/** A fresh ECDSA P-256 public key in PEM, the kind cosign generates. */
export function p256PublicKeyPem(): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * A Sigstore trusted_root.json trusting one transparency log (a fresh P-256 key): enough for the
 * loader's start-up parse; the gate's verification is tested with real instances (sigstore-fixture).
 */
export function trustedRootJson(): string {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: 'https://rekor.example',
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: der.toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start: '2025-01-01T00:00:00Z' },
        },
        logId: { keyId: createHash('sha256').update(der).digest('base64') },
      },
    ],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [],
  });
}

/** A self-signed-looking certificate block; the loader only checks that one is present. */
export const FAKE_CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

/** The password of the example's attestation key (what cosign reads from COSIGN_PASSWORD). */
const EXAMPLE_ATTEST_PASSWORD = 'example-attest-password';

/** Every file EXAMPLE_CONFIG references, with plausible contents. */
export async function exampleFiles(): Promise<Record<string, string>> {
  const attestKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  return {
    '/etc/ferry/ca/nonprod-ca.crt': FAKE_CA_PEM,
    '/var/run/secrets/ferry/nonprod/token': 'nonprod-sa-token\n',
    '/var/run/secrets/kubernetes.io/serviceaccount/token': 'prod-sa-token',
    '/etc/ferry/keys/payments-cosign.pub': p256PublicKeyPem(),
    '/etc/ferry/sigstore/trusted_root.json': trustedRootJson(),
    // As `cosign generate-key-pair` writes it, and its password.
    '/var/run/secrets/ferry/attest/cosign.key': await encryptCosignPrivateKey(
      attestKey,
      Buffer.from(EXAMPLE_ATTEST_PASSWORD),
    ),
    '/var/run/secrets/ferry/attest/password': `${EXAMPLE_ATTEST_PASSWORD}\n`,
    '/var/run/secrets/ferry/webhooks/standard': 'whsec_c2VjcmV0LXN0YW5kYXJk',
    '/var/run/secrets/ferry/notify/team-chat': 'whsec_dGVhbS1jaGF0',
    '/var/run/secrets/ferry/oidc/client-secret': 'oidc-client-secret\n',
    '/var/run/secrets/ferry/session/key': 'c2Vzc2lvbi1rZXktb2YtYXQtbGVhc3QtMzItYnl0ZXM=\n',
  };
}

/** Environment variables EXAMPLE_CONFIG references. */
export const EXAMPLE_ENV: Readonly<Record<string, string>> = {
  FERRY_OPENSHIFT_WEBHOOK_SECRET: 'openshift-webhook-secret',
  FERRY_AUDIT_HOOK_SECRET: 'whsec_YXVkaXQ=',
};
