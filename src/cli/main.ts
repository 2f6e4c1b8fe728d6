#!/usr/bin/env node
/**
 * Entry point. `--version` is answered before anything else is loaded so it starts fast; every
 * command's dependencies (undici, zod, …) load lazily with the command.
 */
import { VERSION } from './version.ts';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === 'version')) {
  process.stdout.write(`ferry version ${VERSION}\n`);
} else {
  const { run } = await import('./program.ts');
  process.exitCode = await run(args, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  });
}
