/**
 * Everything outside ferry.yaml that the config points at: secret references, token and auth files,
 * CA bundles, certificate directories, signature public keys and Sigstore trusted roots. Listed with their key paths so the loader
 * can check all of them at start and name the key of any that is missing.
 */
import type { ConfigPieces, KeyPath } from './config-pieces.ts';
import type { SecretRef } from './schema.ts';

export type ExternalSource =
  | { readonly kind: 'secret'; readonly path: KeyPath; readonly ref: SecretRef }
  | {
      readonly kind: 'signing-key';
      readonly path: KeyPath;
      readonly ref: SecretRef;
      readonly rule: string;
      /** `attest.passphrase`, for a cosign-encrypted key. */
      readonly passphrase?: SecretRef | undefined;
    }
  | {
      readonly kind: 'token-file' | 'auth-file' | 'ca-file' | 'public-key' | 'trusted-root';
      readonly path: KeyPath;
      readonly file: string;
    }
  | { readonly kind: 'cert-dir'; readonly path: KeyPath; readonly dir: string };

/** All external sources of the valid parts of a config, in document order of their sections. */
export function externalSources(pieces: ConfigPieces): ExternalSource[] {
  const sources: ExternalSource[] = [];
  const secret = (path: KeyPath, ref: SecretRef | undefined): void => {
    if (ref !== undefined) sources.push({ kind: 'secret', path, ref });
  };

  if (pieces.server !== undefined) secret(['server', 'databaseUrl'], pieces.server.databaseUrl);

  for (const [name, environment] of pieces.environments) {
    const at = ['environments', name];
    const { tls, credentials } = environment;
    if (tls.caFile !== undefined)
      sources.push({ kind: 'ca-file', path: [...at, 'tls', 'caFile'], file: tls.caFile });
    if (tls.certDir !== undefined)
      sources.push({ kind: 'cert-dir', path: [...at, 'tls', 'certDir'], dir: tls.certDir });
    const creds = [...at, 'credentials'];
    switch (credentials.kind) {
      case 'token-file':
        sources.push({ kind: 'token-file', path: [...creds, 'tokenFile'], file: credentials.tokenFile });
        break;
      case 'auth-file':
        sources.push({ kind: 'auth-file', path: [...creds, 'authFile'], file: credentials.authFile });
        break;
      case 'basic':
        secret([...creds, 'password'], credentials.password);
        break;
      case 'registry-token':
        secret([...creds, 'registryToken'], credentials.registryToken);
        break;
      case 'anonymous':
        break;
    }
  }

  for (const { index, value: rule } of pieces.promotions) {
    rule.signature.publicKeyFiles.forEach((file, i) => {
      sources.push({
        kind: 'public-key',
        path: ['promotions', index, 'signature', 'publicKeyFiles', i],
        file,
      });
    });
    if (rule.attest !== undefined) {
      sources.push({
        kind: 'signing-key',
        path: ['promotions', index, 'attest', 'keyFile'],
        ref: rule.attest.keyFile,
        rule: rule.name,
        passphrase: rule.attest.passphrase,
      });
    }
    const { trustedRootFile } = rule.signature;
    if (trustedRootFile !== undefined) {
      sources.push({
        kind: 'trusted-root',
        path: ['promotions', index, 'signature', 'trustedRootFile'],
        file: trustedRootFile,
      });
    }
  }

  const { standardWebhooks, github, openshift, distribution, harbor } = pieces.triggers;
  for (const [key, trigger] of Object.entries({ standardWebhooks, github, openshift })) {
    // A disabled trigger's secrets are never used; checking them would block a start for nothing.
    if (trigger === undefined || !trigger.enabled) continue;
    trigger.secrets.forEach((ref, i) => {
      secret(['triggers', key, 'secrets', i], ref);
    });
  }
  for (const [key, trigger] of Object.entries({ distribution, harbor })) {
    if (trigger?.enabled) secret(['triggers', key, 'authorization'], trigger.authorization);
  }

  for (const { index, value: target } of pieces.notify) secret(['notify', index, 'secret'], target.secret);

  const { auth } = pieces;
  if (auth !== undefined) {
    secret(['auth', 'session', 'key'], auth.session.key);
    if (auth.oidc !== undefined) {
      secret(['auth', 'oidc', 'clientSecret'], auth.oidc.clientSecret);
      if (auth.oidc.caFile !== undefined)
        sources.push({ kind: 'ca-file', path: ['auth', 'oidc', 'caFile'], file: auth.oidc.caFile });
    }
  }
  return sources;
}
