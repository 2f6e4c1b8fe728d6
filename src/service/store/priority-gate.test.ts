import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PriorityGate } from './priority-gate.ts';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

test('runs one at a time; waiting interactive work goes before waiting background work', async () => {
  const now = 0;
  const gate = new PriorityGate({ maxBackgroundWaitMs: 100, now: () => now });
  const order: string[] = [];
  const first = deferred();
  const running = gate.run(false, async () => {
    order.push('first');
    await first.promise;
  });
  const bg = gate.run(true, async () => {
    order.push('background');
  });
  const fg = gate.run(false, async () => {
    order.push('interactive');
  });
  await Promise.resolve();
  assert.deepEqual(order, ['first']);
  first.resolve();
  await Promise.all([running, bg, fg]);
  assert.deepEqual(order, ['first', 'interactive', 'background']);
});

test('background work that waited too long goes first, so it is slowed but never starved', async () => {
  let now = 0;
  const gate = new PriorityGate({ maxBackgroundWaitMs: 100, now: () => now });
  const order: string[] = [];
  const first = deferred();
  const running = gate.run(false, () => first.promise);
  const bg = gate.run(true, async () => {
    order.push('background');
  });
  now = 150;
  const fg = gate.run(false, async () => {
    order.push('interactive');
  });
  first.resolve();
  await Promise.all([running, bg, fg]);
  assert.deepEqual(order, ['background', 'interactive']);
});

test('a failing task releases the gate', async () => {
  const gate = new PriorityGate();
  await assert.rejects(
    gate.run(false, async () => Promise.reject(new Error('boom'))),
    /boom/,
  );
  assert.equal(await gate.run(true, async () => 42), 42);
});
