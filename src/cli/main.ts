#!/usr/bin/env node
/**
 * Entry point. `--version` is answered before anything else is loaded so it starts fast; every
 * command's dependencies (undici, zod, …) load lazily with the command.
 */
import { enableCompileCache } from 'node:module';
import { versionLine } from './version.ts';

// Last line of defence for standard 3 (never a stack trace): anything that escapes the commands'
// own error handling is reported in one line. FERRY_DEBUG=1 shows the stack for bug reports.
const fatal = (err: unknown) => {
  const text =
    err instanceof Error ? (process.env.FERRY_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  process.stderr.write(`ferry: internal error: ${text}\n`);
  process.exit(1);
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === 'version')) {
  process.stdout.write(`${versionLine()}\n`);
} else {
  // V8 code cache on disk (os.tmpdir()/node-compile-cache): parsing and compiling the command chunk
  // is most of a short command's start-up; cached, it is skipped after the first run.
  enableCompileCache();
  const { run } = await import('./program.ts');
  if (args[0] !== 'serve') (await import('./wasm-tier-up.ts')).delayWasmTierUp();
  process.exitCode = await run(args, {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
  });
  // Exit now rather than when the event loop drains: keep-alive sockets being torn down and the
  // isolate's teardown cost a short command ~5 ms (a no-op copy is ~200 ms in all). Output is already
  // written: stdout/stderr writes to pipes and files are synchronous on POSIX.
  process.exit();
}
