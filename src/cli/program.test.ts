import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommandLine } from './program.ts';

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
