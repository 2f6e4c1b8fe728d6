/**
 * The names of skopeo's global options (skopeo 1.9 cmd/skopeo/main.go createApp: the root command's
 * persistent flags, plus the hidden root-only `--tls-verify`), needed before commander parses
 * anything: to find the command behind them and to rewrite their bare booleans.
 */

/** Globals that take a value (`--policy FILE`, `--command-timeout=5s`). */
export const GLOBAL_VALUE_FLAGS: ReadonlySet<string> = new Set([
  '--policy',
  '--registries.d',
  '--registries-conf',
  '--override-arch',
  '--override-os',
  '--override-variant',
  '--command-timeout',
  '--tmpdir',
]);

/** Global pflag booleans. `--tls-verify` before the command is skopeo's deprecated global form. */
export const GLOBAL_BOOLEANS: ReadonlySet<string> = new Set(['--debug', '--insecure-policy', '--tls-verify']);

/**
 * The command name and its index in `args`: the first argument that is neither an option nor the
 * value of a global option given as a separate argument. `index` is `args.length` when there is none.
 */
export function splitAtCommand(args: readonly string[]): { command: string | undefined; index: number } {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (GLOBAL_VALUE_FLAGS.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith('-')) return { command: arg, index: i };
  }
  return { command: undefined, index: args.length };
}
