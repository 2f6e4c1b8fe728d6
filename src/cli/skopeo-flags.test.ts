/**
 * skopeo's flag semantics through the real command tree, without running a command: `--no-X` flags
 * mean what they say, global options work before and after the command, aliases and refusals.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Command } from 'commander';
import { normaliseBooleanFlags } from './flags/bool-flags.ts';
import { readSideOptions } from './flags/side-options.ts';
import { type GlobalOptions, readGlobalOptions } from './global-options.ts';
import type { CliIo } from './io.ts';
import { buildProgram, parseCommandLine } from './program.ts';

async function options(args: string[]): Promise<Record<string, unknown>> {
  const parsed = await parseCommandLine(args);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.options;
}

/** The global options the command of `args` would receive. */
async function globals(args: string[]): Promise<GlobalOptions> {
  const sink = { write: () => true };
  const io = { stdout: sink, stderr: sink, env: {} } as unknown as CliIo;
  const program = await buildProgram(io, { exitCode: 0 });
  let seen: GlobalOptions | undefined;
  program.hook('preAction', (_root: Command, action: Command) => {
    seen = readGlobalOptions(action);
    throw new Error('stop');
  });
  await program.parseAsync(normaliseBooleanFlags(args), { from: 'user' }).catch(() => undefined);
  assert.ok(seen, 'the command was reached');
  return seen;
}

test('--no-tags / -n set noTags (commander would have read --no-tags as tags=true)', async () => {
  assert.equal((await options(['inspect', '--no-tags', 'docker://a/b:c'])).noTags, true);
  assert.equal((await options(['inspect', '-n', 'docker://a/b:c'])).noTags, true);
  assert.equal((await options(['inspect', '--no-tags=false', 'docker://a/b:c'])).noTags, false);
  assert.equal((await options(['inspect', 'docker://a/b:c'])).noTags, undefined);
});

test('--no-creds reaches the side flags of every command', async () => {
  for (const command of ['inspect', 'list-tags', 'digest', 'delete']) {
    const opts = await options([command, '--no-creds', 'docker://a/b:c']);
    assert.equal(readSideOptions(opts, '').noCreds, true, command);
  }
  const copy = await options([
    'copy',
    '--src-no-creds',
    '--dest-no-creds=false',
    'docker://a/b:c',
    'docker://d/e:f',
  ]);
  assert.equal(readSideOptions(copy, 'src-').noCreds, true);
  assert.equal(readSideOptions(copy, 'dest-').noCreds, false);
  const sync = await options(['sync', '--src', 'docker', '--dest', 'docker', '--dest-no-creds', 'a/b', 'c']);
  assert.equal(readSideOptions(sync, 'dest-').noCreds, true);
});

test('--screds / --dcreds are the source / destination --creds; sync -s / -d are --src / --dest', async () => {
  const copy = await options(['copy', '--screds', 'u:p', '--dcreds=v:q', 'docker://a/b:c', 'docker://d/e:f']);
  assert.equal(readSideOptions(copy, 'src-', 'screds').creds, 'u:p');
  assert.equal(readSideOptions(copy, 'dest-', 'dcreds').creds, 'v:q');
  const sync = await options(['sync', '-s', 'docker', '-d', 'dir', 'a/b', '/tmp/x']);
  assert.equal(sync.src, 'docker');
  assert.equal(sync.dest, 'dir');
});

test('global options before or after the command, the later one winning', async () => {
  const before = await globals([
    '--debug',
    '--insecure-policy',
    '--policy',
    '/etc/p.json',
    '--registries.d',
    '/etc/rd',
    '--override-arch',
    'arm64',
    '--override-os=linux',
    '--override-variant',
    'v8',
    '--command-timeout',
    '1m30s',
    '--tmpdir',
    '/var/tmp',
    'inspect',
    'docker://a/b:c',
  ]);
  assert.deepEqual(before, {
    debug: true,
    policyPath: '/etc/p.json',
    insecurePolicy: true,
    registriesDirPath: '/etc/rd',
    registriesConfPath: undefined,
    overrideArch: 'arm64',
    overrideOs: 'linux',
    overrideVariant: 'v8',
    commandTimeoutMs: 90_000,
    tmpDir: '/var/tmp',
    tlsVerify: undefined,
  });
  const after = await globals([
    '--override-arch',
    'amd64',
    'copy',
    '--override-arch',
    's390x',
    '--insecure-policy',
    'docker://a/b:c',
    'oci:/x',
  ]);
  assert.equal(after.overrideArch, 's390x');
  assert.equal(after.insecurePolicy, true);
  // The deprecated global --tls-verify is the root's alone; a command's own --tls-verify is not it.
  assert.equal((await globals(['--tls-verify=false', 'inspect', 'docker://a/b:c'])).tlsVerify, false);
  assert.equal((await globals(['inspect', '--tls-verify=false', 'docker://a/b:c'])).tlsVerify, undefined);
});

test('a bad --command-timeout is refused with Go wording', async () => {
  const parsed = await parseCommandLine(['--command-timeout', '10', 'inspect', 'docker://a/b:c']);
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.match(parsed.error, /time: invalid duration "10"/);
});

test('signing and encryption flags are refused as not supported by ferry', async () => {
  for (const flag of ['--sign-by', '--encrypt-layer', '--encryption-key', '--decryption-key']) {
    const parsed = await parseCommandLine(['copy', flag, 'x', 'docker://a/b:c', 'docker://d/e:f']);
    assert.equal(parsed.ok, false, flag);
    if (!parsed.ok) assert.match(parsed.error, new RegExp(`${flag}: .*not supported by ferry`));
  }
});
