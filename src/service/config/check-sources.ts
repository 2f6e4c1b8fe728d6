/**
 * Start-up check of everything the config points at outside itself. A promotion that fails at 3 a.m.
 * because a key file was never mounted is worse than a pod that refuses to start with the key's name
 * in its log, so every file must be readable and every environment variable set *now*. Files are
 * still re-read at use time (resolveSecret, the token keychain); this only catches what is missing.
 *
 * Contents are checked only as far as they cannot be wrong by accident (a CA file holds a certificate, a
 * public key is ECDSA P-256, an auth file is JSON, a trusted root parses) and never appear in a message.
 */
import { createPublicKey } from 'node:crypto';
import { parseTrustedRoot } from '../../signature/sigstore-trust.ts';
import type { AttestationKeyCache } from './attestation-key-cache.ts';
import { AttestationKeyError } from './attestation-key-error.ts';
import { ConfigError } from './config-error.ts';
import type { KeyPath, PathProblem } from './config-pieces.ts';
import type { ExternalSource } from './config-sources.ts';
import { describeReadError, type ReadFile } from './read-small-file.ts';
import { type Env, resolveSecret } from './resolve-secret.ts';

export type ReadDir = (path: string) => Promise<readonly string[]>;

export interface SourceCheckIo {
  readonly env: Env;
  readonly readFile: ReadFile;
  readonly readDir: ReadDir;
  /** Decrypts the attestation keys, and keeps them for the engine. */
  readonly attestationKeys: AttestationKeyCache;
}

/** Problems with `sources`, in the order given (checks run concurrently). */
export async function checkSources(
  sources: readonly ExternalSource[],
  io: SourceCheckIo,
): Promise<PathProblem[]> {
  const results = await Promise.all(sources.map((source) => checkSource(source, io)));
  return results.flatMap((problem, i) => {
    if (problem === undefined) return [];
    const { message, path, code } = typeof problem === 'string' ? { message: problem } : problem;
    return [{ path: path ?? sources[i]!.path, message, ...(code === undefined ? {} : { code }) }];
  });
}

/** A message, or one with its own key path (e.g. the passphrase of a key) and stable code. */
type SourceProblem = string | { message: string; path?: KeyPath; code?: string };

async function checkSource(source: ExternalSource, io: SourceCheckIo): Promise<SourceProblem | undefined> {
  switch (source.kind) {
    case 'secret':
      if ('value' in source.ref) return undefined;
      try {
        await resolveSecret(source.ref, { env: io.env, readFile: io.readFile });
        return undefined;
      } catch (err) {
        return resolveFailure(err);
      }
    case 'signing-key':
      return checkSigningKey(source, io);
    case 'cert-dir':
      try {
        await io.readDir(source.dir);
        return undefined;
      } catch (err) {
        const reason =
          (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'not a directory' : describeReadError(err);
        return `cannot read certificate directory ${source.dir}: ${reason}`;
      }
    default: {
      let text: string;
      try {
        text = Buffer.from(await io.readFile(source.file)).toString('utf8');
      } catch (err) {
        return `cannot read ${FILE_KINDS[source.kind]} ${source.file}: ${describeReadError(err)}`;
      }
      const reason = checkContent(source.kind, text);
      return reason === undefined ? undefined : `${FILE_KINDS[source.kind]} ${source.file} ${reason}`;
    }
  }
}

const FILE_KINDS = {
  'token-file': 'token file',
  'auth-file': 'auth file',
  'ca-file': 'CA file',
  'public-key': 'public key file',
  'trusted-root': 'trusted root file',
} as const;

function checkContent(kind: keyof typeof FILE_KINDS, text: string): string | undefined {
  switch (kind) {
    case 'token-file':
      return text.trim() === '' ? 'is empty' : undefined;
    case 'auth-file':
      try {
        JSON.parse(text);
        return undefined;
      } catch {
        return 'is not valid JSON (expected a containers auth.json or docker config.json)';
      }
    case 'ca-file':
      return text.includes('-----BEGIN CERTIFICATE-----') ? undefined : 'contains no PEM certificate';
    case 'public-key':
      return checkCosignPublicKey(text);
    case 'trusted-root': {
      // Parsed as the gate will (certificates and keys included), so a wrong file stops the start.
      const parsed = parseTrustedRoot(Buffer.from(text));
      return parsed.ok ? undefined : `is ${parsed.reason}`;
    }
  }
}

/** cosign's default keys are ECDSA P-256 in PEM (SubjectPublicKeyInfo); that is what the gate verifies. */
function checkCosignPublicKey(pem: string): string | undefined {
  // createPublicKey would happily derive a public key from a private one; a private key in a
  // ConfigMap-referenced path is a leak to report, not to work around.
  if (pem.includes('PRIVATE KEY')) return 'holds a private key; configure the public key (cosign.pub)';
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    return 'is not a PEM public key';
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return `is not an ECDSA P-256 key (found ${key.asymmetricKeyType ?? 'unknown'}${key.asymmetricKeyDetails?.namedCurve === undefined ? '' : ` ${key.asymmetricKeyDetails.namedCurve}`})`;
  }
  return undefined;
}

/**
 * Promotion attestations are signed with an ECDSA P-256 key, unencrypted or in cosign's encrypted format
 * with `attest.passphrase` (attestation-key.ts says what is refused and why). It is decrypted here, once,
 * into the cache the engine signs from. The messages never quote the PEM or the passphrase.
 */
async function checkSigningKey(
  source: Extract<ExternalSource, { kind: 'signing-key' }>,
  io: SourceCheckIo,
): Promise<SourceProblem | undefined> {
  // `promotions[i].attest.keyFile` → `promotions[i].attest.passphrase`, for problems of the passphrase.
  const passphrasePath = [...source.path.slice(0, -1), 'passphrase'];
  let pem: string;
  try {
    pem = await resolveSecret(source.ref, { env: io.env, readFile: io.readFile });
  } catch (err) {
    return `attestation key of rule "${source.rule}": ${resolveFailure(err)}`;
  }
  let passphrase: string | undefined;
  if (source.passphrase !== undefined) {
    try {
      passphrase = await resolveSecret(source.passphrase, { env: io.env, readFile: io.readFile });
    } catch (err) {
      return {
        path: passphrasePath,
        message: `attestation key passphrase of rule "${source.rule}": ${resolveFailure(err)}`,
      };
    }
  }
  try {
    await io.attestationKeys.privateKey(
      { rule: source.rule, keyRef: source.ref, passphraseRef: source.passphrase },
      pem,
      passphrase,
    );
    return undefined;
  } catch (err) {
    if (!(err instanceof AttestationKeyError)) throw err;
    const path = err.setting === 'passphrase' ? passphrasePath : source.path;
    return { path, message: err.message, code: err.code };
  }
}

function resolveFailure(err: unknown): string {
  return err instanceof ConfigError ? err.problems[0]!.message : 'cannot be resolved';
}
