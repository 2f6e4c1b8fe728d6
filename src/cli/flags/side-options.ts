import { type Command, Option } from 'commander';
import { parseBool, pflagBoolOption } from './bool-flags.ts';
import type { SideFlags } from './side-flags.ts';

/**
 * Add one side's credential/TLS options. `prefix` is 'src-', 'dest-' or '' (single-image commands use
 * skopeo's unprefixed names: --creds, --tls-verify, …). `credsAlias` is skopeo copy/sync's hidden old
 * spelling of the side's --creds (`--screds`, `--dcreds`; skopeo 1.9 cmd/skopeo/utils.go
 * dockerImageFlags credsOptionAlias).
 */
export function addSideOptions(cmd: Command, prefix: string, label: string, credsAlias?: string): Command {
  if (credsAlias !== undefined) {
    cmd.addOption(new Option(`--${credsAlias} <user[:password]>`, `same as --${prefix}creds`).hideHelp());
  }
  return cmd
    .option(`--${prefix}creds <user[:password]>`, `credentials for the ${label} registry`)
    .option(`--${prefix}username <user>`, `username for the ${label} registry`)
    .addOption(
      new Option(
        `--${prefix}password <password>`,
        `password for the ${label} registry (prefer --${prefix}password-stdin)`,
      ),
    )
    .option(`--${prefix}password-stdin`, `read the ${label} password from standard input`)
    .option(`--${prefix}registry-token <token>`, `bearer token for the ${label} registry, used as-is`)
    .option(
      `--${prefix}token-file <path>`,
      `file holding a token (e.g. a mounted service-account token), re-read on every token exchange`,
    )
    .option(`--${prefix}authfile <path>`, `auth file for the ${label} registry`)
    .addOption(pflagBoolOption(`--${prefix}no-creds <bool>`, `access the ${label} registry anonymously`))
    .option(
      `--${prefix}tls-verify <bool>`,
      `verify TLS for the ${label} registry (false also allows plain HTTP)`,
      parseBool,
    )
    .option(
      `--${prefix}cert-dir <dir>`,
      `directory of *.crt CA files and client.cert/client.key for the ${label} registry`,
    );
}

function camel(prefix: string, name: string): string {
  return `${prefix}${name}`.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function readSideOptions(
  opts: Record<string, unknown>,
  prefix: string,
  credsAlias?: string,
): SideFlags {
  const get = (name: string) =>
    opts[camel(prefix, name)] ?? (name === 'creds' && credsAlias ? opts[camel('', credsAlias)] : undefined);
  const str = (name: string) => {
    const v = get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const bool = (name: string) => {
    const v = get(name);
    return typeof v === 'boolean' ? v : undefined;
  };
  return {
    creds: str('creds'),
    username: str('username'),
    password: str('password'),
    passwordStdin: bool('password-stdin'),
    registryToken: str('registry-token'),
    tokenFile: str('token-file'),
    authfile: str('authfile'),
    noCreds: bool('no-creds'),
    tlsVerify: bool('tls-verify'),
    certDir: str('cert-dir'),
  };
}

/** `flags` with `tlsVerify` defaulted (skopeo's deprecated command-wide or global --tls-verify). */
export function withTlsDefault(flags: SideFlags, tlsVerify: boolean | undefined): SideFlags {
  return flags.tlsVerify === undefined && tlsVerify !== undefined ? { ...flags, tlsVerify } : flags;
}
