import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CliIo } from './io.ts';
import { buildProgram, COMMAND_NAMES, parseCommandLine } from './program.ts';

test('parseCommandLine accepts a valid trigger command line without running it', async () => {
  const parsed = await parseCommandLine([
    'trigger',
    '--server',
    'https://ferry.example',
    '--image',
    'team-a/app',
    '--tag',
    'abc123',
    '--wait',
  ]);
  assert.equal(parsed.ok, true);
  if (!parsed.ok) return;
  assert.deepEqual(parsed.command, ['trigger']);
  assert.equal(parsed.options.image, 'team-a/app');
  assert.equal(parsed.options.wait, true);
});

test('parseCommandLine reports unknown flags and missing arguments', async () => {
  const unknown = await parseCommandLine(['copy', '--bogus', 'docker://a/b:c', 'docker://d/e:f']);
  assert.equal(unknown.ok, false);
  if (!unknown.ok) assert.match(unknown.error, /unknown option '--bogus'/);
  const missing = await parseCommandLine(['copy', 'docker://a/b:c']);
  assert.equal(missing.ok, false);
  if (!missing.ok) assert.match(missing.error, /missing required argument/);
});

const silentIo = () => {
  const sink = { write: () => true };
  return { stdout: sink, stderr: sink, stdin: process.stdin, env: {} } as unknown as CliIo;
};

test('the table of commands names exactly the commands of the whole tree', async () => {
  const all = (await buildProgram(silentIo(), { exitCode: 0 })).commands.map((c) => c.name());
  assert.deepEqual(all, COMMAND_NAMES);
});

test('a command line naming a command registers only that command’s registrar', async () => {
  for (const name of COMMAND_NAMES) {
    const registered = (await buildProgram(silentIo(), { exitCode: 0 }, name)).commands.map((c) => c.name());
    assert.ok(registered.includes(name), `${name} is registered`);
    // login/logout and serve/worker come from one registrar each; the refused ones from one.
    assert.ok(registered.length < COMMAND_NAMES.length, `${name} does not bring the whole tree`);
  }
  // Unknown names and command lines without a command get every command (help, suggestions).
  for (const only of ['nope', 'help', undefined]) {
    assert.deepEqual(
      (await buildProgram(silentIo(), { exitCode: 0 }, only)).commands.map((c) => c.name()),
      COMMAND_NAMES,
    );
  }
});

test('the command is found behind global options that take a value', async () => {
  const parsed = await parseCommandLine(['--policy', 'copy', 'copy', 'docker://a/b:c', 'docker://d/e:f']);
  assert.equal(parsed.ok, true);
  if (parsed.ok) assert.deepEqual(parsed.command, ['copy']);
});
