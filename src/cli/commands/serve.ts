import type { Command } from 'commander';
import { BadUsageError } from '../../errors/kinds.ts';
import type { CommandResult } from '../command-result.ts';
import { reportError } from '../error-report.ts';
import { type CliIo, ExitCode } from '../io.ts';
import { VERSION } from '../version.ts';

interface ServeFlags {
  readonly config?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly listen?: string | undefined;
  readonly grace?: string | undefined;
  readonly workers?: string | undefined;
  readonly printExampleConfig?: boolean | undefined;
  readonly oneTimeLogin?: string | undefined;
}

export function registerServe(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('serve')
    .description('Run the promotion service: signed triggers, policy, copy by digest, audit, notifications')
    .option('-c, --config <file>', 'ferry.yaml', 'ferry.yaml')
    .option(
      '--database-url <url>',
      'PostgreSQL URL for several replicas; wins over server.databaseUrl and FERRY_DATABASE_URL (prefer those: a URL with a password does not belong in argv)',
    )
    .option('--data-dir <dir>', 'directory of the embedded database (default: server.dataDir)')
    .option('--listen <host:port>', 'address to listen on (default: server.listen)')
    .option(
      '--grace <seconds>',
      'on SIGTERM, how long running promotions may finish before they are re-queued',
      '30',
    )
    .option(
      '--workers <n>',
      'promotions this process runs at once; 0 for an API-only replica next to `ferry worker`s',
      '2',
    )
    .option(
      '--one-time-login <file>',
      'write a single-use sign-in link for the dashboard to <file> (mode 0600; valid once, for 15 minutes; signs in as admin)',
    )
    .option(
      '--print-example-config',
      'print a complete, commented ferry.yaml to standard output and exit (starts nothing)',
    )
    .action(async (opts: ServeFlags) => {
      result.exitCode =
        opts.printExampleConfig === true ? await printExample(io) : await runServe(opts, io, 'serve');
    });

  program
    .command('worker')
    .description(
      'Run promotions without an HTTP server, next to API replicas (`ferry serve --workers 0`); needs PostgreSQL',
    )
    .option('-c, --config <file>', 'ferry.yaml', 'ferry.yaml')
    .option(
      '--database-url <url>',
      'PostgreSQL URL; wins over server.databaseUrl and FERRY_DATABASE_URL (prefer those: a URL with a password does not belong in argv)',
    )
    .option('--workers <n>', 'promotions this process runs at once', '2')
    .option(
      '--grace <seconds>',
      'on SIGTERM, how long running promotions may finish before they are re-queued',
      '30',
    )
    .action(async (opts: ServeFlags) => {
      result.exitCode = await runServe(opts, io, 'worker');
    });
}

function parseWorkers(value: string | undefined, least: number): number {
  const workers = Number(value ?? '2');
  if (!Number.isInteger(workers) || workers < least || workers > 64) {
    throw new BadUsageError(
      `--workers ${JSON.stringify(value)}: expected a whole number from ${least} to 64`,
    );
  }
  return workers;
}

async function printExample(io: CliIo): Promise<number> {
  const { EXAMPLE_CONFIG } = await import('../../service/config/example-config.ts');
  io.stdout.write(EXAMPLE_CONFIG);
  return ExitCode.Ok;
}

function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535)
    throw new BadUsageError(`--listen ${JSON.stringify(value)}: expected host:port, e.g. 0.0.0.0:8080`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

async function runServe(opts: ServeFlags, io: CliIo, mode: 'serve' | 'worker'): Promise<number> {
  let server: Awaited<ReturnType<typeof import('../../service/main.ts').startServer>> | undefined;
  try {
    const grace = Number(opts.grace);
    if (!Number.isFinite(grace) || grace < 0)
      throw new BadUsageError(`--grace ${JSON.stringify(opts.grace)}: expected seconds`);
    const concurrency = parseWorkers(opts.workers, mode === 'worker' ? 1 : 0);
    // The service (Fastify, PGlite, pg-boss) loads only for this command.
    const { startServer } = await import('../../service/main.ts');
    server = await startServer({
      configPath: opts.config ?? 'ferry.yaml',
      // Only the flag overrides the file: FERRY_DATABASE_URL is the default for a file without
      // server.databaseUrl, applied when the config is loaded (load-config.ts).
      databaseUrl: opts.databaseUrl,
      dataDir: opts.dataDir,
      listen: opts.listen ? parseListen(opts.listen) : undefined,
      env: io.env,
      version: VERSION,
      concurrency,
      http: mode === 'serve',
      oneTimeLoginFile: opts.oneTimeLogin,
    });
    io.stderr.write(
      mode === 'serve'
        ? `ferry serve: listening on ${server.url} (${server.database} database)\n`
        : `ferry worker: running up to ${concurrency} promotions at once (${server.database} database)\n`,
    );
    const running = server;
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        io.stderr.write(`ferry ${mode}: shutting down\n`);
        running.close(grace * 1000).finally(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return ExitCode.Ok;
  } catch (err) {
    await server?.close(0).catch(() => undefined);
    const { exitCode, message } = reportError(err, `${mode}: `);
    io.stderr.write(`${message}\n`);
    return exitCode;
  }
}
