import type { Command } from 'commander';
import { BadUsageError } from '../../errors/kinds.ts';
import { reportError } from '../error-report.ts';
import { type CliIo, ExitCode } from '../io.ts';
import type { CommandResult } from '../program.ts';
import { VERSION } from '../version.ts';

export function registerServe(program: Command, io: CliIo, result: CommandResult): void {
  program
    .command('serve')
    .description('Run the promotion service: signed triggers, policy, copy by digest, audit, notifications')
    .option('-c, --config <file>', 'ferry.yaml', 'ferry.yaml')
    .option(
      '--database-url <url>',
      'PostgreSQL URL for several replicas (prefer FERRY_DATABASE_URL: a URL with a password does not belong in argv)',
    )
    .option('--data-dir <dir>', 'directory of the embedded database (default: server.dataDir)')
    .option('--listen <host:port>', 'address to listen on (default: server.listen)')
    .option(
      '--grace <seconds>',
      'on SIGTERM, how long running promotions may finish before they are re-queued',
      '30',
    )
    .action(async (opts: Record<string, string | undefined>) => {
      result.exitCode = await runServe(opts, io);
    });
}

function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[3]) : Number.NaN;
  if (!m || port > 65535)
    throw new BadUsageError(`--listen ${JSON.stringify(value)}: expected host:port, e.g. 0.0.0.0:8080`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

async function runServe(opts: Record<string, string | undefined>, io: CliIo): Promise<number> {
  let server: Awaited<ReturnType<typeof import('../../service/main.ts').startServer>> | undefined;
  try {
    const grace = Number(opts.grace);
    if (!Number.isFinite(grace) || grace < 0)
      throw new BadUsageError(`--grace ${JSON.stringify(opts.grace)}: expected seconds`);
    // The service (Fastify, PGlite, pg-boss) loads only for this command.
    const { startServer } = await import('../../service/main.ts');
    server = await startServer({
      configPath: opts.config ?? 'ferry.yaml',
      databaseUrl: opts.databaseUrl ?? io.env.FERRY_DATABASE_URL,
      dataDir: opts.dataDir,
      listen: opts.listen ? parseListen(opts.listen) : undefined,
      env: io.env,
      version: VERSION,
    });
    io.stderr.write(`ferry serve: listening on ${server.url} (${server.database} database)\n`);
    const running = server;
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        io.stderr.write('ferry serve: shutting down\n');
        running.close(grace * 1000).finally(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    return ExitCode.Ok;
  } catch (err) {
    await server?.close(0).catch(() => undefined);
    const { exitCode, message } = reportError(err, 'serve: ');
    io.stderr.write(`${message}\n`);
    return exitCode;
  }
}
