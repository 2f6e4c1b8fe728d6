import { InvalidArgumentError } from 'commander';

/**
 * skopeo (Go pflag) booleans: `--flag` means true, `--flag=false` false. commander cannot express
 * "optional value only after =", so bare occurrences are rewritten to `--flag=true` before parsing; a
 * following positional argument (`--src-tls-verify docker://…`) is therefore never swallowed.
 */
export const PFLAG_BOOLEANS = new Set([
  '--src-tls-verify',
  '--dest-tls-verify',
  '--tls-verify',
  '--all',
  '--quiet',
  '--src-no-creds',
  '--dest-no-creds',
  '--no-creds',
  '--remove-signatures',
  '--preserve-digests',
  '--raw',
  '--config',
  '--no-tags',
]);

/** Short forms of pflag booleans. */
const SHORT_BOOLEANS: Record<string, string> = { '-q': '--quiet', '-a': '--all' };

export function normaliseBooleanFlags(args: readonly string[]): string[] {
  const out: string[] = [];
  let afterDoubleDash = false;
  for (const arg of args) {
    if (arg === '--') afterDoubleDash = true;
    const long = afterDoubleDash
      ? undefined
      : (SHORT_BOOLEANS[arg] ?? (PFLAG_BOOLEANS.has(arg) ? arg : undefined));
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
