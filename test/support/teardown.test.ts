import assert from 'node:assert/strict';
import { test } from 'node:test';
import { teardown } from './teardown.ts';

test('steps run last-in first-out, all of them, and the first failure is reported', async () => {
  let hook: (() => Promise<void>) | undefined;
  const step = teardown((registered) => {
    hook = registered;
  });
  const ran: string[] = [];
  step(() => ran.push('database'));
  step(() => {
    ran.push('engine');
    throw new Error('engine failed');
  });
  step(async () => {
    ran.push('listener');
    throw new Error('listener failed');
  });
  await assert.rejects(hook!(), /listener failed/);
  assert.deepEqual(ran, ['listener', 'engine', 'database']);
});
