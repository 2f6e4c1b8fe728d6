import type { Command } from 'commander';
import { NotFoundError } from '../../errors/kinds.ts';
import { Registries } from '../../registry/registries.ts';
import { reportError } from '../error-report.ts';
import { parseCount } from '../flags/bool-flags.ts';
import { addSideOptions } from '../flags/side-options.ts';
import { type CliIo, ExitCode } from '../io.ts';
import type { CommandResult } from '../program.ts';
import { VERSION } from '../version.ts';
import { openSingle } from './single-side.ts';

export function registerDigest(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('digest')
    .description('Print the manifest digest a reference resolves to (HEAD only: no pull is counted)')
    .argument('<image>', 'e.g. docker://registry.example/team/app:1.2');
  addSideOptions(cmd, '', 'registry');
  cmd
    .option('--retry-times <n>', 'retries for temporary failures', parseCount, 3)
    .action(async (arg: string, opts: Record<string, unknown>) => {
      const registries = new Registries({
        retryTimes: opts.retryTimes as number,
        userAgent: `ferry/${VERSION}`,
        env: io.env,
      });
      try {
        const { ref, repo } = await openSingle(arg, opts, io, registries);
        const head = await repo.headManifest(ref.digest ?? ref.tag ?? 'latest');
        if (!head) throw new NotFoundError(`${arg} not found`);
        io.stdout.write(`${head.digest}\n`);
        result.exitCode = ExitCode.Ok;
      } catch (err) {
        const { exitCode, message } = reportError(err, `digest ${arg}: `);
        io.stderr.write(`${message}\n`);
        result.exitCode = exitCode;
      } finally {
        await registries.destroy();
      }
    });
}
