import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AcceptPressure } from './accept-pressure.ts';

test('settle resolves at once when no accept is in progress', async () => {
  const pressure = new AcceptPressure({ maxWaitMs: 10_000 });
  const started = performance.now();
  await pressure.settle();
  assert.ok(performance.now() - started < 1000);
});

test('settle waits for the last accept in progress to finish', async () => {
  const pressure = new AcceptPressure({ maxWaitMs: 10_000 });
  const leaveA = pressure.enter();
  const leaveB = pressure.enter();
  let settled = false;
  const waiting = pressure.settle().then(() => {
    settled = true;
  });
  leaveA();
  leaveA(); // leaving twice counts once
  await sleep(20);
  assert.equal(settled, false);
  leaveB();
  await waiting;
  assert.equal(settled, true);
});

test('settle gives up after the maximum wait under a steady stream of accepts', async () => {
  const pressure = new AcceptPressure({ maxWaitMs: 50 });
  const leave = pressure.enter();
  const started = performance.now();
  await pressure.settle();
  const waited = performance.now() - started;
  assert.ok(waited >= 45 && waited < 5000, `waited ${waited} ms`);
  leave();
});
