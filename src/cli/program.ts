import { Command, CommanderError } from 'commander';
import { CommandDeadline } from './command-deadline.ts';
import type { CommandResult } from './command-result.ts';
import { reportError } from './error-report.ts';
import { normaliseBooleanFlags } from './flags/bool-flags.ts';
import { splitAtCommand } from './flags/global-flags.ts';
import { addGlobalOptions, readGlobalOptions } from './global-options.ts';
import { type CliIo, ExitCode } from './io.ts';
import { versionLine } from './version.ts';

type Registrar = (program: Command, io: CliIo, result: CommandResult) => void;

/**
 * The hidden skopeo commands ferry refuses (commands/refused-commands.ts); named here so the table
 * below needs no module loaded.
 */
const REFUSED_COMMANDS = [
  'standalone-sign',
  'standalone-verify',
  'untrusted-signature-dump-without-verification',
  'layers',
  'experimental-image-proxy',
];

/**
 * Every registrar with the top-level commands it adds (program.test.ts checks the names against the
 * tree). A command line names one of them, and only that one is loaded and registered: loading every
 * command's module and creating every command's options (about 200 commander Options, the global ones
 * again on each skopeo command) cost a no-op copy ~15 ms of its ~0.25 s. Help, unknown commands and
 * command lines without one get the whole tree.
 */
const REGISTRARS: ReadonlyArray<{ readonly commands: readonly string[]; load(): Promise<Registrar> }> = [
  { commands: ['copy'], load: async () => (await import('./commands/copy.ts')).registerCopy },
  { commands: ['inspect'], load: async () => (await import('./commands/inspect.ts')).registerInspect },
  { commands: ['list-tags'], load: async () => (await import('./commands/list-tags.ts')).registerListTags },
  { commands: ['digest'], load: async () => (await import('./commands/digest.ts')).registerDigest },
  {
    commands: ['trigger'],
    load: async () => (await import('./trigger/register-trigger.ts')).registerTrigger,
  },
  { commands: ['serve', 'worker'], load: async () => (await import('./commands/serve.ts')).registerServe },
  {
    commands: ['config'],
    load: async () => (await import('./config-check/register-config-check.ts')).registerConfigCheck,
  },
  {
    commands: ['promotions'],
    load: async () => (await import('./promotions/register-promotions.ts')).registerPromotions,
  },
  {
    commands: ['releases'],
    load: async () => (await import('./releases/register-releases.ts')).registerReleases,
  },
  { commands: ['sync'], load: async () => (await import('./sync/register-sync.ts')).registerSync },
  { commands: ['bootstrap'], load: async () => (await import('./commands/bootstrap.ts')).registerBootstrap },
  { commands: ['delete'], load: async () => (await import('./commands/delete.ts')).registerDelete },
  { commands: ['login', 'logout'], load: async () => (await import('./commands/login.ts')).registerLogin },
  {
    commands: ['manifest-digest'],
    load: async () => (await import('./commands/manifest-digest.ts')).registerManifestDigest,
  },
  {
    commands: ['generate-sigstore-key'],
    load: async () => (await import('./commands/generate-sigstore-key.ts')).registerGenerateSigstoreKey,
  },
  {
    commands: REFUSED_COMMANDS,
    load: async () => (await import('./commands/refused-commands.ts')).registerRefusedCommands,
  },
];

/** Names of all top-level commands, in registration order (for the tests). */
export const COMMAND_NAMES: readonly string[] = REGISTRARS.flatMap((r) => r.commands);

/**
 * The command tree; actions report their exit code through `result`. With `only` (the command a
 * command line names), just the registrar of that command; every command otherwise.
 */
export async function buildProgram(io: CliIo, result: CommandResult, only?: string): Promise<Command> {
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
  const chosen = wanted ? [wanted] : REGISTRARS;
  const registrars = await Promise.all(chosen.map((r) => r.load()));
  for (const register of registrars) register(program, io, result);
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
  const program = await buildProgram(io, result, splitAtCommand(args).command);
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
  const program = await buildProgram(io, { exitCode: ExitCode.Ok }, splitAtCommand(args).command);
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
