/**
 * skopeo's global options (skopeo 1.9 cmd/skopeo/main.go `globalOptions`), parsed once into one typed
 * object that every command receives. In skopeo they are cobra persistent flags: accepted before the
 * command (`skopeo --insecure-policy copy …`) and after it (`skopeo copy --insecure-policy …`), so
 * they are declared on the program and, hidden from each command's help, on every skopeo command;
 * a value given after the command wins.
 *
 * Which options do what in ferry is decided by the commands: the platform overrides select from an
 * index (copy, inspect), `--command-timeout` bounds every command, `--tmpdir` moves temporary files.
 * `policyPath` / `insecurePolicy` are carried for the containers policy.json evaluation of copy and
 * sync; `registriesDirPath` / `registriesConfPath` are accepted and unused (see
 * docs/skopeo-compatibility.md).
 */
import { type Command, Option } from 'commander';
import { parseBool } from './flags/bool-flags.ts';
import { parseGoDuration } from './flags/go-duration.ts';

export interface GlobalOptions {
  /** `--debug`: error reports keep the whole cause chain. */
  readonly debug: boolean;
  /** `--policy FILE`: the containers policy.json to evaluate; undefined = the default lookup. */
  readonly policyPath: string | undefined;
  /** `--insecure-policy`: accept everything, whatever a policy file says. */
  readonly insecurePolicy: boolean;
  /** `--registries.d DIR` (signature storage configuration). */
  readonly registriesDirPath: string | undefined;
  /** `--registries-conf FILE` (hidden in skopeo). */
  readonly registriesConfPath: string | undefined;
  readonly overrideArch: string | undefined;
  readonly overrideOs: string | undefined;
  readonly overrideVariant: string | undefined;
  /** `--command-timeout`, in milliseconds; undefined when not given or 0 (no limit, as in skopeo). */
  readonly commandTimeoutMs: number | undefined;
  /** `--tmpdir DIR` for big temporary files. */
  readonly tmpDir: string | undefined;
  /**
   * The deprecated `skopeo --tls-verify=… COMMAND` (root only): the default TLS setting of every
   * registry the command talks to, overridden by the command's own `--tls-verify` / `--src-tls-verify`.
   */
  readonly tlsVerify: boolean | undefined;
}

/** Declare the global options on `cmd`: visible on the program, hidden on commands. */
export function addGlobalOptions(cmd: Command, where: 'program' | 'command'): Command {
  const hidden = where === 'command';
  const add = (option: Option) => cmd.addOption(option.hideHelp(hidden));
  add(new Option('--debug <bool>', 'print the whole chain of causes of an error').argParser(parseBool));
  add(new Option('--policy <path>', 'trust policy file (containers policy.json)'));
  add(new Option('--insecure-policy <bool>', 'run without any policy check').argParser(parseBool));
  add(new Option('--registries.d <dir>', 'accepted for skopeo compatibility; ferry does not read it'));
  cmd.addOption(new Option('--registries-conf <path>', 'accepted for skopeo compatibility').hideHelp());
  add(
    new Option('--override-arch <arch>', 'use ARCH instead of the machine architecture when choosing images'),
  );
  add(new Option('--override-os <os>', 'use OS instead of linux when choosing images'));
  add(new Option('--override-variant <variant>', 'use VARIANT when choosing images'));
  add(
    new Option(
      '--command-timeout <duration>',
      'abort the command after this long (Go duration: 30s, 5m)',
    ).argParser(parseGoDuration),
  );
  add(new Option('--tmpdir <dir>', 'directory for temporary files'));
  if (!hidden) {
    // skopeo's root --tls-verify is hidden and deprecated; a command's own --tls-verify is separate.
    cmd.addOption(new Option('--tls-verify <bool>', 'deprecated').argParser(parseBool).hideHelp());
  }
  return cmd;
}

/** The global options in effect for `command` (the program's values, overridden by the command's). */
export function readGlobalOptions(command: Command): GlobalOptions {
  const program = rootOf(command);
  const root = program.opts();
  const local = command === program ? {} : command.opts();
  const pick = (key: string): unknown => local[key] ?? root[key];
  const str = (key: string) => {
    const v = pick(key);
    return typeof v === 'string' ? v : undefined;
  };
  const timeout = pick('commandTimeout');
  return {
    debug: pick('debug') === true,
    policyPath: str('policy'),
    insecurePolicy: pick('insecurePolicy') === true,
    registriesDirPath: str('registries.d'),
    registriesConfPath: str('registriesConf'),
    overrideArch: str('overrideArch'),
    overrideOs: str('overrideOs'),
    overrideVariant: str('overrideVariant'),
    commandTimeoutMs: typeof timeout === 'number' && timeout > 0 ? timeout : undefined,
    tmpDir: str('tmpdir'),
    tlsVerify: typeof root.tlsVerify === 'boolean' ? root.tlsVerify : undefined,
  };
}

function rootOf(command: Command): Command {
  let c = command;
  while (c.parent) c = c.parent;
  return c;
}
