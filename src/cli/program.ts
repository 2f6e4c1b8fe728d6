import { Command, CommanderError } from 'commander';
import { CommandDeadline } from './command-deadline.ts';
import type { CommandResult } from './command-result.ts';
import { registerBootstrap } from './commands/bootstrap.ts';
import { registerCopy } from './commands/copy.ts';
import { registerDelete } from './commands/delete.ts';
import { registerDigest } from './commands/digest.ts';
import { registerGenerateSigstoreKey } from './commands/generate-sigstore-key.ts';
import { registerInspect } from './commands/inspect.ts';
import { registerListTags } from './commands/list-tags.ts';
import { registerLogin } from './commands/login.ts';
import { registerManifestDigest } from './commands/manifest-digest.ts';
import { REFUSED_COMMANDS, registerRefusedCommands } from './commands/refused-commands.ts';
import { registerServe } from './commands/serve.ts';
import { registerConfigCheck } from './config-check/register-config-check.ts';
import { reportError } from './error-report.ts';
import { normaliseBooleanFlags } from './flags/bool-flags.ts';
import { splitAtCommand } from './flags/global-flags.ts';
import { addGlobalOptions, readGlobalOptions } from './global-options.ts';
import { type CliIo, ExitCode } from './io.ts';
import { registerPromotions } from './promotions/register-promotions.ts';
import { registerReleases } from './releases/register-releases.ts';
import { registerSync } from './sync/register-sync.ts';
import { registerTrigger } from './trigger/register-trigger.ts';
import { versionLine } from './version.ts';

type Registrar = (program: Command, io: CliIo, result: CommandResult) => void;

/**
 * Every registrar with the top-level commands it adds (program.test.ts checks the names against the
 * tree). A command line names one of them, and only that one is registered: every command's options
 * are about 200 commander Options (the global ones again on each skopeo command) that one command does
 * not use (measured on a quiet machine: a no-op copy 3 ms faster, within noise). Help, unknown commands
 * and command lines without one get the whole tree. The modules are still all loaded up front: loading
 * each command's module on demand made the no-op copy ~15 ms slower (more, smaller chunks in a second
 * import round).
 */
const REGISTRARS: ReadonlyArray<{ readonly commands: readonly string[]; readonly register: Registrar }> = [
  { commands: ['copy'], register: registerCopy },
  { commands: ['inspect'], register: registerInspect },
  { commands: ['list-tags'], register: registerListTags },
  { commands: ['digest'], register: registerDigest },
  { commands: ['trigger'], register: registerTrigger },
  { commands: ['serve', 'worker'], register: registerServe },
  { commands: ['config'], register: registerConfigCheck },
  { commands: ['promotions'], register: registerPromotions },
  { commands: ['releases'], register: registerReleases },
  { commands: ['sync'], register: registerSync },
  { commands: ['bootstrap'], register: registerBootstrap },
  { commands: ['delete'], register: registerDelete },
  { commands: ['login', 'logout'], register: registerLogin },
  { commands: ['manifest-digest'], register: registerManifestDigest },
  { commands: ['generate-sigstore-key'], register: registerGenerateSigstoreKey },
  { commands: REFUSED_COMMANDS, register: registerRefusedCommands },
];

/** Names of all top-level commands, in registration order (for the tests). */
export const COMMAND_NAMES: readonly string[] = REGISTRARS.flatMap((r) => r.commands);

/**
 * The command tree; actions report their exit code through `result`. With `only` (the command a
 * command line names), just the registrar of that command; every command otherwise.
 */
export function buildProgram(io: CliIo, result: CommandResult, only?: string): Command {
  const program = new Command('ferry')
    .description('Promote container images between registries: safely, fast, with a record.')
    .version(versionLine(), '-v, --version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    // skopeo's global options stand before the command; after it they are the command's (below).
    .enablePositionalOptions();
  addGlobalOptions(program, 'program');
  const wanted = only === undefined ? undefined : REGISTRARS.find((r) => r.commands.includes(only));
  for (const registrar of wanted ? [wanted] : REGISTRARS) registrar.register(program, io, result);
  for (const command of program.commands) {
    if (SKOPEO_COMMANDS.has(command.name())) addGlobalOptions(command, 'command');
  }
  return program;
}

/** Commands that take skopeo's global options after their name too (cobra persistent flags). */
const SKOPEO_COMMANDS = new Set([
  'copy',
  'inspect',
  'list-tags',
  'digest',
  'sync',
  'delete',
  'login',
  'logout',
  'manifest-digest',
]);

export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const result: CommandResult = { exitCode: ExitCode.Ok };
  const program = buildProgram(io, result, splitAtCommand(args).command);
  const deadline = new CommandDeadline();
  let debug = false;
  program.hook('preAction', (_root, action) => {
    const globals = readGlobalOptions(action);
    debug = globals.debug;
    // Node's os.tmpdir() reads TMPDIR: every temporary file of the command moves with it.
    if (globals.tmpDir !== undefined) io.env.TMPDIR = globals.tmpDir;
    deadline.arm(globals.commandTimeoutMs);
    if (globals.tlsVerify !== undefined)
      io.stderr.write(
        "ferry: warning: '--tls-verify' before the command is deprecated, please set it on the command\n",
      );
  });
  try {
    await Promise.race([program.parseAsync(normaliseBooleanFlags(args), { from: 'user' }), deadline.expired]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version exit 0; everything else commander rejects is bad usage.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const { exitCode, message } = reportError(err, '', { debug });
    io.stderr.write(`${message}\n`);
    return exitCode;
  } finally {
    deadline.disarm();
  }
  return result.exitCode;
}

/** What the parser made of a command line, without running it. */
export type ParsedCommandLine =
  | {
      readonly ok: true;
      /** Command path, e.g. `['trigger']`. */
      readonly command: readonly string[];
      readonly args: readonly string[];
      readonly options: Readonly<Record<string, unknown>>;
    }
  | { readonly ok: false; readonly error: string };

class ParsedStop extends Error {
  readonly parsed: ParsedCommandLine;
  constructor(parsed: ParsedCommandLine) {
    super('parsed');
    this.parsed = parsed;
  }
}

/**
 * Parse a ferry command line with the real command tree and stop before any action runs (a dry run
 * of the parser): flags, arguments and choices are checked exactly as `ferry` would check them.
 * Used to verify the command lines in CI examples without a server or registries.
 */
export async function parseCommandLine(args: readonly string[]): Promise<ParsedCommandLine> {
  const errors: string[] = [];
  const sink = {
    write: (s: string) => {
      errors.push(String(s));
      return true;
    },
  };
  const io = { stdout: sink, stderr: sink, stdin: process.stdin, env: {} } as unknown as CliIo;
  const program = buildProgram(io, { exitCode: ExitCode.Ok }, splitAtCommand(args).command);
  program.hook('preAction', (_root, action) => {
    const command: string[] = [];
    for (let c: Command | null = action; c && c !== program; c = c.parent) command.unshift(c.name());
    throw new ParsedStop({ ok: true, command, args: [...action.args], options: action.opts() });
  });
  try {
    await program.parseAsync(normaliseBooleanFlags(args), { from: 'user' });
  } catch (err) {
    if (err instanceof ParsedStop) return err.parsed;
    if (err instanceof CommanderError) return { ok: false, error: errors.join('').trim() || err.message };
    throw err;
  }
  return { ok: false, error: 'no command ran' };
}
