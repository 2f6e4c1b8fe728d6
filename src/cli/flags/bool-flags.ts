import { InvalidArgumentError, Option } from 'commander';
import { GLOBAL_BOOLEANS, splitAtCommand } from './global-flags.ts';

const SIDE_BOOLEANS = ['--tls-verify', '--no-creds'];

/**
 * skopeo (Go pflag) booleans: `--flag` means true, `--flag=false` false. commander cannot express
 * "optional value only after =", so bare occurrences are rewritten to `--flag=true` before parsing; a
 * following positional argument (`--src-tls-verify docker://…`) is therefore never swallowed. Per
 * command: `serve --config FILE` takes a value where `inspect --config` is a boolean.
 */
export const PFLAG_BOOLEANS: Readonly<Record<string, ReadonlySet<string>>> = {
  copy: new Set([
    ...SIDE_BOOLEANS.flatMap((f) => [f.replace('--', '--src-'), f.replace('--', '--dest-')]),
    '--insecure-policy',
    '--all',
    '--quiet',
    '--remove-signatures',
    '--preserve-digests',
    '--dest-compress',
    '--dest-decompress',
    '--dest-oci-accept-uncompressed-layers',
    // skopeo's hidden, deprecated copy/sync --tls-verify (both sides).
    '--tls-verify',
  ]),
  inspect: new Set([...SIDE_BOOLEANS, '--raw', '--config', '--no-tags']),
  sync: new Set([
    ...SIDE_BOOLEANS.flatMap((f) => [f.replace('--', '--src-'), f.replace('--', '--dest-')]),
    '--insecure-policy',
    '--all',
    '--quiet',
    '--remove-signatures',
    '--preserve-digests',
    '--scoped',
    '--dry-run',
    '--keep-going',
    '--skip-existing',
    '--tls-verify',
  ]),
  'list-tags': new Set(SIDE_BOOLEANS),
  digest: new Set(SIDE_BOOLEANS),
  delete: new Set(SIDE_BOOLEANS),
  login: new Set(['--tls-verify', '--password-stdin', '--get-login', '--verbose']),
  logout: new Set(['--tls-verify', '--all']),
};

/** Short forms of pflag booleans (copy's `-q`, `-a`). */
const SHORT_BOOLEANS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  copy: { '-q': '--quiet', '-a': '--all' },
  sync: { '-q': '--quiet', '-a': '--all' },
  inspect: { '-n': '--no-tags' },
  login: { '-v': '--verbose' },
  logout: { '-a': '--all' },
};

/**
 * Rewrite bare pflag booleans to `--flag=true`. skopeo's global options (`skopeo --debug copy …`) may
 * stand before the command: the command is found past them (a global's value, `--command-timeout 5s`,
 * is not taken for the command), and the global booleans are rewritten on both sides of it.
 */
export function normaliseBooleanFlags(args: readonly string[]): string[] {
  const { command, index } = splitAtCommand(args);
  const booleans = command ? PFLAG_BOOLEANS[command] : undefined;
  const shorts = (command && SHORT_BOOLEANS[command]) || {};
  const out: string[] = [];
  let afterDoubleDash = false;
  for (const [i, arg] of args.entries()) {
    if (arg === '--') afterDoubleDash = true;
    let long: string | undefined;
    if (afterDoubleDash || i === index) long = undefined;
    else if (i < index) long = GLOBAL_BOOLEANS.has(arg) ? arg : undefined;
    else if (booleans)
      long = shorts[arg] ?? (booleans.has(arg) || GLOBAL_BOOLEANS.has(arg) ? arg : undefined);
    out.push(long ? `${long}=true` : arg);
  }
  return out;
}

/**
 * A Go pflag boolean (`--flag`, `--flag=false`) as a commander option. Names starting with `--no-`
 * (`--no-tags`, `--no-creds`) are skopeo's own positive flags, not commander negations: commander
 * would store `--no-tags=true` as `tags: true`, the opposite of what the flag means. The value lands
 * under the flag's full camel-cased name (`noTags`, `srcNoCreds`).
 */
export function pflagBoolOption(flags: string, description: string): Option {
  const option = new Option(flags, description).argParser(parseBool);
  option.negate = false;
  return option;
}

export function parseBool(value: string): boolean {
  const v = value.toLowerCase();
  if (['true', '1', 't', 'yes'].includes(v)) return true;
  if (['false', '0', 'f', 'no'].includes(v)) return false;
  throw new InvalidArgumentError(`expected true or false, got ${JSON.stringify(value)}`);
}

export function parseCount(value: string): number {
  if (!/^\d+$/.test(value))
    throw new InvalidArgumentError(`expected a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
