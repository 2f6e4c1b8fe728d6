/**
 * The demo's `ferry.yaml` and its secrets. As in production, the config holds no secret: the webhook
 * secret and the prod registry's password are files (0600) it refers to, and the viewer API token
 * `ferry trigger --wait` polls with is stored only as its SHA-256.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryInstance } from '../../test/rig/registry.ts';

export interface DemoConfig {
  readonly file: string;
  readonly dataDir: string;
  /** Standard Webhooks secret shared by ferry serve and ferry trigger. */
  readonly webhookSecretFile: string;
  /** API token of the `ci-viewer` (role viewer): `ferry trigger --wait` reads the promotion with it. */
  readonly viewerTokenFile: string;
  /** Password of the prod registry's htpasswd user. */
  readonly prodPasswordFile: string;
}

export interface DemoConfigInput {
  readonly dir: string;
  readonly nonprod: RegistryInstance;
  readonly prod: RegistryInstance;
}

export interface WrittenDemoConfig {
  readonly config: DemoConfig;
  /** (Re)writes ferry.yaml for a listen port (a port lost to a race is retried on another). */
  render(port: number): Promise<string>;
}

/** Writes the secrets (once) and returns the config's paths and its renderer. */
export async function writeDemoConfig(input: DemoConfigInput): Promise<WrittenDemoConfig> {
  await mkdir(input.dir, { recursive: true, mode: 0o700 });
  const secret = async (name: string, value: string) => {
    const path = join(input.dir, name);
    await writeFile(path, value, { mode: 0o600 });
    return path;
  };
  const viewerToken = `ferry_${randomBytes(24).toString('base64url')}`;
  const webhookSecretFile = await secret('webhook-secret', `whsec_${randomBytes(24).toString('base64')}`);
  const viewerTokenFile = await secret('viewer-token', viewerToken);
  const prodPasswordFile = await secret('prod-password', input.prod.password!);
  const viewerSha256 = createHash('sha256').update(viewerToken).digest('hex');

  const config: DemoConfig = {
    file: join(input.dir, 'ferry.yaml'),
    dataDir: join(input.dir, 'data'),
    webhookSecretFile,
    viewerTokenFile,
    prodPasswordFile,
  };
  // JSON strings are YAML double-quoted scalars: paths need no further escaping.
  const q = (s: string) => JSON.stringify(s);
  const render = async (port: number): Promise<string> => {
    await writeFile(
      config.file,
      `# ferry demo (scripts/demo.ts). Secrets are files beside this one, never values in it.
version: 1
server:
  listen: 127.0.0.1:${port}
  publicUrl: http://127.0.0.1:${port}
  dataDir: ${q(config.dataDir)}
environments:
  nonprod:
    registry: ${q(input.nonprod.host)}
    tls: { verify: false }            # the demo's nonprod registry is plain HTTP
    credentials: { anonymous: true }
  prod:
    registry: ${q(input.prod.host)}
    tls: { caFile: ${q(input.prod.caFile!)} }
    credentials:
      username: ${q(input.prod.username!)}
      password: { file: ${q(prodPasswordFile)} }
promotions:
  - name: team-a
    from: nonprod:team-a/*
    to: prod:team-a/*
    tags: '[0-9a-f]{7,40}'            # git SHAs only
triggers:
  standardWebhooks:
    enabled: true
    secrets: [ { file: ${q(webhookSecretFile)} } ]
apiTokens:
  - name: ci-viewer
    role: viewer
    sha256: ${viewerSha256}
`,
      { mode: 0o600 },
    );
    return config.file;
  };
  return { config, render };
}
