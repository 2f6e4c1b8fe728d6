/** The `environments.<name>` section of ferry.yaml: a registry, how to reach it and log in to it. */
import { z } from 'zod';
import { DEFAULT_TOKEN_USERNAME } from '../../auth/token-file-keychain.ts';
import { exactlyOne, type SchemaParts, type SecretRefShape } from './schema-parts.ts';

export type CredentialsShape =
  | { readonly kind: 'token-file'; readonly tokenFile: string; readonly username: string }
  | { readonly kind: 'basic'; readonly username: string; readonly password: SecretRefShape }
  | { readonly kind: 'auth-file'; readonly authFile: string }
  | { readonly kind: 'registry-token'; readonly registryToken: SecretRefShape }
  | { readonly kind: 'anonymous' };

export function environmentSchema({ filePath, registryHost, secretRef }: SchemaParts) {
  const tls = z
    .strictObject({
      // Verify the registry's certificate. false = no verification *and* plain HTTP allowed (skopeo's
      // --tls-verify=false); only for a registry you cannot give a CA for. Default true.
      verify: z.boolean().default(true),
      // PEM bundle of extra CAs to trust for this registry, added to the system roots (e.g. the
      // cluster's service CA, /var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt).
      caFile: filePath.optional(),
      // containers-certs.d(5)-style directory: *.crt CAs, client.cert + client.key for mutual TLS.
      certDir: filePath.optional(),
    })
    .prefault({});

  /**
   * How ferry authenticates to a registry — exactly one source:
   *   tokenFile (+ username, default "ferry"): a service-account token file, the password of a basic
   *     credential (what OpenShift's registry expects); re-read at every token exchange
   *   username + password: basic credentials, password a secret reference (robot accounts)
   *   authFile: a containers auth.json / docker config.json (credential helpers included)
   *   registryToken: a bearer token sent as-is (skopeo --registry-token)
   *   anonymous: true: no credentials (public registries)
   */
  const credentials = z
    .strictObject(
      {
        tokenFile: filePath.optional(),
        username: z.string().min(1, 'username is empty').optional(),
        password: secretRef.optional(),
        authFile: filePath.optional(),
        registryToken: secretRef.optional(),
        anonymous: z
          .literal(true, 'set "anonymous: true", or remove it and configure credentials')
          .optional(),
      },
      {
        error: (issue) =>
          issue.code === 'invalid_type' && issue.input === undefined
            ? 'required key is missing (write "credentials: { anonymous: true }" for a public registry)'
            : undefined,
      },
    )
    .check((ctx) => {
      const sources = ['tokenFile', 'password', 'authFile', 'registryToken', 'anonymous'];
      const reason = exactlyOne(ctx.value, sources, 'credentials');
      if (reason !== undefined) {
        ctx.issues.push({ code: 'custom', message: reason, input: undefined });
        return;
      }
      const v = ctx.value;
      if (v.password !== undefined && v.username === undefined) {
        ctx.issues.push({
          code: 'custom',
          path: ['username'],
          message: 'password needs a username',
          input: undefined,
        });
      }
      if (v.username !== undefined && v.tokenFile === undefined && v.password === undefined) {
        ctx.issues.push({
          code: 'custom',
          path: ['username'],
          message: 'username only goes with tokenFile or password',
          input: undefined,
        });
      }
    })
    .transform((v): CredentialsShape => {
      if (v.tokenFile !== undefined)
        return {
          kind: 'token-file',
          tokenFile: v.tokenFile,
          username: v.username ?? DEFAULT_TOKEN_USERNAME,
        };
      if (v.password !== undefined)
        return { kind: 'basic', username: v.username ?? '', password: v.password };
      if (v.authFile !== undefined) return { kind: 'auth-file', authFile: v.authFile };
      if (v.registryToken !== undefined) return { kind: 'registry-token', registryToken: v.registryToken };
      return { kind: 'anonymous' };
    });

  const environment = z.strictObject({
    // Registry host[:port] ferry connects to, e.g. docker-registry-default.apps.nonprod.example.com.
    registry: registryHost,
    // Other names of the same registry that inbound events may use (e.g. the in-cluster service
    // image-registry.openshift-image-registry.svc:5000). Only used to recognise a source; ferry always
    // connects to `registry`. Default none.
    aliases: z.array(registryHost).default([]),
    tls,
    credentials,
    // At most this many promotions copy to this registry at once, counted across every replica sharing
    // the store (the others wait their turn). Environments naming one registry share its slots; the
    // smallest of their limits applies. Default 4.
    maxConcurrentPromotions: z.int().min(1).max(1000).default(4),
  });

  return environment;
}
