import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../test/rig/ports.ts';

/** What the config needs of a registry: the host ferry connects to (the registry or a proxy in front). */
export interface RegistryEndpoint {
  readonly host: string;
}

/** Repository prefix the rule covers on both sides; the image itself is `bench/app`. */
export const SERVICE_REPO = 'bench/app';
/** Every tag the service benchmark pushes is `<word>-<number>`: seed-0, warm-3, lat-12, tput-599. */
export const SERVICE_TAG_PATTERN = '[a-z]+-[0-9]+';
export const SOURCE_ENVIRONMENT = 'nonprod';

export interface ServiceConfig {
  readonly configPath: string;
  /** `whsec_…` (base64 key), as `ferry trigger --secret-file` would read it. */
  readonly webhookSecret: string;
  /** Plain viewer API token for the read API and the event stream; only its SHA-256 is in the config. */
  readonly viewerToken: string;
}

/**
 * The smallest realistic ferry.yaml: nonprod → prod, both anonymous plain HTTP on loopback; one rule
 * `nonprod:bench/*` → `prod:bench/*` with the schema's defaults (immutable tags, signatures and
 * SBOMs copied along, no approvals); Standard Webhooks with the secret in a file; a viewer token; the
 * embedded database in `dir/data`. Secrets go to files, never into the config or argv.
 */
export async function writeServiceConfig(
  dir: string,
  registries: { readonly nonprod: RegistryEndpoint; readonly prod: RegistryEndpoint },
  options: {
    /** `maxConcurrentPromotions` of prod (the schema's default, 4, when absent). */
    readonly maxConcurrentPromotions?: number | undefined;
  } = {},
): Promise<ServiceConfig> {
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const viewerToken = `bench-viewer-${randomBytes(16).toString('hex')}`;
  const secretFile = join(dir, 'webhook-secret');
  await writeFile(secretFile, webhookSecret, { mode: 0o600 });
  const port = await freePort();
  const q = (s: string) => JSON.stringify(s);
  const environment = (r: RegistryEndpoint) =>
    `    registry: ${q(r.host)}\n    tls: { verify: false }\n    credentials: { anonymous: true }`;
  const limit =
    options.maxConcurrentPromotions === undefined
      ? ''
      : `\n    maxConcurrentPromotions: ${options.maxConcurrentPromotions}`;
  const configPath = join(dir, 'ferry.yaml');
  await writeFile(
    configPath,
    `version: 1
server:
  listen: 127.0.0.1:${port}
  publicUrl: http://127.0.0.1:${port}
  dataDir: ${q(join(dir, 'data'))}
environments:
  ${SOURCE_ENVIRONMENT}:
${environment(registries.nonprod)}
  prod:
${environment(registries.prod)}${limit}
promotions:
  - name: bench
    from: ${SOURCE_ENVIRONMENT}:bench/*
    to: prod:bench/*
    tags: ${q(SERVICE_TAG_PATTERN)}
triggers:
  standardWebhooks: { enabled: true, secrets: [ { file: ${q(secretFile)} } ] }
apiTokens:
  - name: bench-viewer
    role: viewer
    sha256: ${createHash('sha256').update(viewerToken).digest('hex')}
`,
  );
  return { configPath, webhookSecret, viewerToken };
}
