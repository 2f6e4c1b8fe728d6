import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Digest } from './oci.ts';
import { type CommandResult, runCommand } from './run-command.ts';
import { makeTempDir } from './temp-dir.ts';

export type SkopeoCredential =
  | { username: string; password: string }
  | { username?: string; identityToken: string };

export interface SkopeoOptions {
  /** Written to a per-run auth.json (REGISTRY_AUTH_FILE), keyed by `host:port`; keeps secrets out of argv. */
  auths?: Record<string, SkopeoCredential>;
  /** Extra environment (the rest is a hermetic minimum). */
  env?: Record<string, string>;
  /** Default 120 s. */
  timeoutMs?: number;
  /** A policy.json to run under instead of the hermetic accept-anything one. */
  policyFile?: string;
  /** A registries.d directory instead of the empty one (e.g. one enabling use-sigstore-attachments). */
  registriesD?: string;
  /** Standard input (e.g. for `login --password-stdin`). */
  input?: string;
}

export interface SkopeoResult extends CommandResult {
  args: string[];
}

/**
 * Runs skopeo hermetically: own policy.json, empty registries.conf / registries.d, HOME,
 * XDG dirs, DOCKER_CONFIG and TMPDIR in a temp dir, so the machine's config never leaks in
 * (and big-blob temp files are cleaned up with it).
 */
export async function runSkopeo(args: readonly string[], opts: SkopeoOptions = {}): Promise<SkopeoResult> {
  const temp = await makeTempDir('skopeo', { scratch: true });
  try {
    const d = temp.path;
    const policy = join(d, 'policy.json');
    const authFile = join(d, 'auth.json');
    const registriesConf = join(d, 'registries.conf');
    const registriesD = join(d, 'registries.d');
    await Promise.all([
      mkdir(registriesD),
      mkdir(join(d, 'run')),
      mkdir(join(d, 'config')),
      mkdir(join(d, 'docker')),
      mkdir(join(d, 'tmp')),
    ]);
    await writeFile(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    await writeFile(authFile, JSON.stringify(authJson(opts.auths ?? {})), { mode: 0o600 });
    await writeFile(registriesConf, '');
    const fullArgs = [
      '--policy',
      opts.policyFile ?? policy,
      '--registries.d',
      opts.registriesD ?? registriesD,
      ...args,
    ];
    const result = await runCommand('skopeo', fullArgs, {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: d,
        XDG_RUNTIME_DIR: join(d, 'run'),
        XDG_CONFIG_HOME: join(d, 'config'),
        DOCKER_CONFIG: join(d, 'docker'),
        REGISTRY_AUTH_FILE: authFile,
        CONTAINERS_REGISTRIES_CONF: registriesConf,
        TMPDIR: join(d, 'tmp'),
        ...opts.env,
      },
      timeoutMs: opts.timeoutMs ?? 120_000,
      input: opts.input,
    });
    return { ...result, args: fullArgs };
  } finally {
    await temp.remove();
  }
}

/** containers-auth.json content for the given hosts. */
export function authJson(auths: Record<string, SkopeoCredential>): {
  auths: Record<string, Record<string, string>>;
} {
  const out: Record<string, Record<string, string>> = {};
  for (const [host, cred] of Object.entries(auths)) {
    out[host] =
      'identityToken' in cred
        ? {
            // containers/image skips entries without `auth` (it takes them for credential-helper
            // markers), so store "user:" next to the token, as docker login does.
            auth: Buffer.from(`${cred.username ?? '<token>'}:`).toString('base64'),
            identitytoken: cred.identityToken,
          }
        : { auth: Buffer.from(`${cred.username}:${cred.password}`).toString('base64') };
  }
  return { auths: out };
}

export interface SkopeoRegistryLike {
  host: string;
  tls: boolean;
  certDir?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
}

/**
 * TLS flags for a rig registry: `--tls-verify=false` for plain http, `--cert-dir` (the test CA)
 * for https. `role` prefixes them for copy/sync (`--src-…`, `--dest-…`).
 */
export function skopeoTlsFlags(reg: SkopeoRegistryLike, role?: 'src' | 'dest'): string[] {
  const prefix = role ? `--${role}-` : '--';
  if (!reg.tls) return [`${prefix}tls-verify=false`];
  return reg.certDir ? [`${prefix}cert-dir`, reg.certDir] : [];
}

/** auth.json entries for registries with basic users, plus explicit extra credentials. */
export function skopeoAuths(
  regs: readonly SkopeoRegistryLike[],
  extra: Record<string, SkopeoCredential> = {},
): Record<string, SkopeoCredential> {
  const out: Record<string, SkopeoCredential> = {};
  for (const r of regs) {
    if (r.username !== undefined && r.password !== undefined) {
      out[r.host] = { username: r.username, password: r.password };
    }
  }
  return { ...out, ...extra };
}

export interface InspectOptions extends SkopeoOptions {
  /** Adds the TLS flags for this registry. */
  registry?: SkopeoRegistryLike;
  /** Extra flags for `inspect`, e.g. ['--creds', 'u:p'] or ['--override-arch', 'arm64']. */
  flags?: string[];
}

/** `skopeo inspect` (or `--raw` / `--config`) parsed as JSON; throws with stderr on failure. */
export async function skopeoInspect(
  ref: string,
  opts: InspectOptions & { raw?: boolean; config?: boolean } = {},
): Promise<Record<string, unknown>> {
  const result = await inspect(
    ref,
    [...(opts.raw ? ['--raw'] : []), ...(opts.config ? ['--config'] : [])],
    opts,
  );
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

/** Digest of the manifest `ref` resolves to, hashed from the exact bytes `inspect --raw` returns. */
export async function skopeoDigest(ref: string, opts: InspectOptions = {}): Promise<string> {
  const result = await inspect(ref, ['--raw'], opts);
  return sha256Digest(result.stdoutBytes);
}

async function inspect(ref: string, extra: string[], opts: InspectOptions): Promise<SkopeoResult> {
  const args = [
    'inspect',
    ...extra,
    ...(opts.registry ? skopeoTlsFlags(opts.registry) : []),
    ...(opts.flags ?? []),
    withTransport(ref),
  ];
  const result = await runSkopeo(args, opts);
  if (result.code !== 0)
    throw new Error(`skopeo ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  return result;
}

function withTransport(ref: string): string {
  return ref.includes('://') || ref.startsWith('oci:') || ref.startsWith('dir:') ? ref : `docker://${ref}`;
}
