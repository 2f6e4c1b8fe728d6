import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProgressMeter, type ProgressSnapshot } from './progress-meter.ts';

const X = `sha256:${'1'.repeat(64)}`;
const Y = `sha256:${'2'.repeat(64)}`;
const Z = `sha256:${'3'.repeat(64)}`;
const LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

function meter() {
  let now = 0;
  const emitted: ProgressSnapshot[] = [];
  const m = new ProgressMeter({ intervalMs: 100, now: () => now, emit: (p) => emitted.push(p) });
  return { m, emitted, advance: (ms: number) => (now += ms) };
}

test('progress is throttled, counts skipped and mounted blobs as done, and flushes the final state', () => {
  const { m, emitted, advance } = meter();
  m.onEvent({ type: 'plan', blobs: 3, totalBytes: 1000, manifests: 1 });
  m.addBytes(100);
  m.addBytes(100);
  advance(150);
  m.addBytes(100);
  m.onEvent({ type: 'blob-done', digest: X, size: 400, action: 'mounted' });
  m.onEvent({ type: 'blob-done', digest: Y, size: 300, action: 'copied' });
  m.flush();
  m.flush();
  assert.deepEqual(
    emitted.map((p) => [p.bytes, p.totalBytes]),
    [
      [0, 1000],
      [300, 1000],
      [700, 1000],
    ],
  );
});

test('each update carries every blob in plan order: pending, copying with its bytes, then how it ended', () => {
  const { m, emitted, advance } = meter();
  m.onEvent({
    type: 'plan',
    blobs: 3,
    totalBytes: 600,
    manifests: 1,
    descriptors: [
      { digest: X, size: 300, mediaType: LAYER },
      { digest: Y, size: 200, mediaType: LAYER },
      { digest: Z, size: 100, mediaType: 'application/vnd.oci.image.config.v1+json' },
    ],
  });
  assert.deepEqual(
    emitted[0]?.blobs.map((b) => [b.digest, b.state, b.bytes]),
    [
      [X, 'pending', 0],
      [Y, 'pending', 0],
      [Z, 'pending', 0],
    ],
  );
  advance(100);
  m.onEvent({ type: 'blob-start', digest: X, size: 300, mediaType: LAYER });
  m.onEvent({ type: 'blob-start', digest: Y, size: 200, mediaType: LAYER });
  m.onEvent({ type: 'blob-progress', digest: X, bytes: 120, size: 300 });
  m.addBytes(120);
  m.onEvent({ type: 'blob-done', digest: Y, size: 200, action: 'skipped' });
  advance(100);
  m.onEvent({ type: 'blob-start', digest: Z, size: 100 });
  m.onEvent({ type: 'blob-done', digest: Z, size: 100, action: 'mounted' });
  m.flush();
  const last = emitted[emitted.length - 1]!;
  assert.deepEqual(last.blobs, [
    { digest: X, size: 300, mediaType: LAYER, state: 'copying', bytes: 120 },
    { digest: Y, size: 200, mediaType: LAYER, state: 'skipped', bytes: 200 },
    {
      digest: Z,
      size: 100,
      mediaType: 'application/vnd.oci.image.config.v1+json',
      state: 'mounted',
      bytes: 100,
    },
  ]);
  assert.equal(last.bytes, 420);
  // A retried transfer starts over: the next progress report is what counts.
  m.onEvent({ type: 'blob-retry', digest: X, attempt: 1, reason: 'connection reset' });
  m.onEvent({ type: 'blob-progress', digest: X, bytes: 50, size: 300 });
  m.onEvent({ type: 'blob-done', digest: X, size: 300, action: 'copied' });
  advance(100);
  m.flush();
  assert.deepEqual(
    emitted[emitted.length - 1]?.blobs.map((b) => [b.state, b.bytes]),
    [
      ['copied', 300],
      ['skipped', 200],
      ['mounted', 100],
    ],
  );
});

test('a blob first heard of at its start (a signature layer) joins the list', () => {
  const { m, emitted } = meter();
  m.onEvent({ type: 'blob-start', digest: X, size: 10, mediaType: LAYER });
  m.flush();
  assert.deepEqual(emitted[0]?.blobs, [
    { digest: X, size: 10, mediaType: LAYER, state: 'copying', bytes: 0 },
  ]);
});
