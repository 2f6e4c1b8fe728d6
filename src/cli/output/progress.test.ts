import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { lineProgress } from './line-progress.ts';
import { ttyProgress } from './tty-progress.ts';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

function capture() {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => {
    text += d.toString();
  });
  return { out, text: () => text };
}

test('tty progress draws a bar per blob and redraws in place', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { out, text } = capture();
  const p = ttyProgress(Object.assign(out, { columns: 100 }));
  p.onEvent({ type: 'blob-start', digest: D1, size: 1000 });
  p.onEvent({ type: 'blob-start', digest: D2, size: 2000 });
  p.onEvent({ type: 'blob-progress', digest: D1, bytes: 500, size: 1000 });
  t.mock.timers.tick(150);
  const first = text();
  assert.match(first, /sha256:aaaaaaaaaaaa \[=+ +\] 500 B \/ 1000 B/);
  assert.match(first, /sha256:bbbbbbbbbbbb \[ +\] 0 B \/ 2.0 KiB/);
  p.onEvent({ type: 'blob-done', digest: D1, size: 1000, action: 'copied' });
  t.mock.timers.tick(150);
  const second = text().slice(first.length);
  assert.ok(second.startsWith('\u001b[2A'), 'cursor moved up over the two rows');
  assert.match(second, /1000 B \/ 1000 B copied/);
  p.finish();
});

test('line progress writes plain lines only', () => {
  const { out, text } = capture();
  const onEvent = lineProgress(out);
  onEvent({ type: 'blob-progress', digest: D1, bytes: 1, size: 2 });
  onEvent({ type: 'blob-done', digest: D1, size: 2048, action: 'mounted' });
  onEvent({ type: 'warning', message: 'careful' });
  assert.equal(text(), 'Blob sha256:aaaaaaaaaaaa 2.0 KiB: mounted\nWarning: careful\n');
});
