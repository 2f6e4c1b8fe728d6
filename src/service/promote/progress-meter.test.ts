import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressMeter } from './progress-meter.ts';

test('progress is throttled, counts skipped and mounted blobs as done, and flushes the final state', () => {
  let now = 0;
  const emitted: [number, number][] = [];
  const meter = new ProgressMeter({ intervalMs: 100, now: () => now, emit: (b, t) => emitted.push([b, t]) });
  meter.onEvent({ type: 'plan', blobs: 3, totalBytes: 1000, manifests: 1 });
  meter.addBytes(100);
  meter.addBytes(100);
  now = 150;
  meter.addBytes(100);
  meter.onEvent({ type: 'blob-done', digest: 'sha256:x', size: 400, action: 'mounted' });
  meter.onEvent({ type: 'blob-done', digest: 'sha256:y', size: 300, action: 'copied' });
  meter.flush();
  meter.flush();
  assert.deepEqual(emitted, [
    [0, 1000],
    [300, 1000],
    [700, 1000],
  ]);
});
