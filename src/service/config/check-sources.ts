/**
 * Start-up check of everything the config points at outside itself. A promotion that fails at 3 a.m.
 * because a key file was never mounted is worse than a pod that refuses to start with the key's name
 * in its log, so every file must be readable and every environment variable set *now*. Files are
 * still re-read at use time (resolveSecret, the token keychain); this only catches what is missing.
 *
 * Contents are checked only as far as they cannot be wrong by accident (a CA file holds a certificate, a
 * public key is ECDSA P-256, an auth file is JSON, a trusted root parses) and never appear in a message.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { parseTrustedRoot } from '../../signature/sigstore-trust.ts';
import { ConfigError } from './config-error.ts';
import type { PathProblem } from './config-pieces.ts';
import type { ExternalSource } from './config-sources.ts';
import { describeReadError, type ReadFile } from './read-small-file.ts';
import { type Env, resolveSecret } from './resolve-secret.ts';
import type { SecretRef } from './schema.ts';

export type ReadDir = (path: string) => Promise<readonly string[]>;

export interface SourceCheckIo {
  readonly env: Env;
  readonly readFile: ReadFile;
  readonly readDir: ReadDir;
}

/** Problems with `sources`, in the order given (checks run concurrently). */
export async function checkSources(
  sources: readonly ExternalSource[],
  io: SourceCheckIo,
): Promise<PathProblem[]> {
  const results = await Promise.all(sources.map((source) => checkSource(source, io)));
  return results.flatMap((message, i) =>
    message === undefined ? [] : [{ path: sources[i]!.path, message }],
  );
}

async function checkSource(source: ExternalSource, io: SourceCheckIo): Promise<string | undefined> {
  switch (source.kind) {
    case 'secret':
      if ('value' in source.ref) return undefined;
      try {
        await resolveSecret(source.ref, { env: io.env, readFile: io.readFile });
        return undefined;
      } catch (err) {
        return err instanceof ConfigError ? err.problems[0]!.message : 'cannot be resolved';
      }
    case 'signing-key': {
      let pem: string;
      try {
        pem = await resolveSecret(source.ref, { env: io.env, readFile: io.readFile });
      } catch (err) {
        const reason = err instanceof ConfigError ? err.problems[0]!.message : 'cannot be resolved';
        return `attestation key of rule "${source.rule}": ${reason}`;
      }
      const reason = checkSigningKey(pem);
      return reason === undefined
        ? undefined
        : `attestation key ${describeRef(source.ref)} of rule "${source.rule}" ${reason}`;
    }
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

/** Where a secret reference points, for messages: the file or variable, never the value. */
function describeRef(ref: SecretRef): string {
  if ('file' in ref) return ref.file;
  if ('env' in ref) return `(environment variable ${ref.env})`;
  return '(inline value)';
}

/**
 * Promotion attestations are signed with an ECDSA P-256 key (what cosign verifiers and policy
 * controllers expect of `--key`). The messages never quote the PEM, not even its first line.
 */
function checkSigningKey(pem: string): string | undefined {
  if (pem.includes('ENCRYPTED')) {
    return 'is encrypted; ferry needs an unencrypted PEM private key (PKCS#8 or SEC1) mounted as a secret';
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return 'is not a PEM private key';
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return `is not an ECDSA P-256 key (found ${key.asymmetricKeyType ?? 'unknown'}${key.asymmetricKeyDetails?.namedCurve === undefined ? '' : ` ${key.asymmetricKeyDetails.namedCurve}`})`;
  }
  return undefined;
}
