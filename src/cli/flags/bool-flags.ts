import { InvalidArgumentError } from 'commander';

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
  ]),
  'list-tags': new Set(SIDE_BOOLEANS),
  digest: new Set(SIDE_BOOLEANS),
};

/** Short forms of pflag booleans (copy's `-q`, `-a`). */
const SHORT_BOOLEANS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  copy: { '-q': '--quiet', '-a': '--all' },
  sync: { '-q': '--quiet', '-a': '--all' },
};

export function normaliseBooleanFlags(args: readonly string[]): string[] {
  const command = args.find((a) => !a.startsWith('-'));
  const booleans = command ? PFLAG_BOOLEANS[command] : undefined;
  if (!command || !booleans) return [...args];
  const shorts = SHORT_BOOLEANS[command] ?? {};
  const out: string[] = [];
  let afterDoubleDash = false;
  for (const arg of args) {
    if (arg === '--') afterDoubleDash = true;
    const long = afterDoubleDash ? undefined : (shorts[arg] ?? (booleans.has(arg) ? arg : undefined));
    out.push(long ? `${long}=true` : arg);
  }
  return out;
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
