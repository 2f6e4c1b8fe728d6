import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Database } from '../store/database.ts';
import type { BlobProgress } from '../store/promotion-blob-store.ts';
import { BlobProgressRecorder } from './blob-progress-recorder.ts';

const blob = (state: BlobProgress['state'], bytes: number): BlobProgress => ({
  digest: `sha256:${'a'.repeat(64)}`,
  size: 100,
  mediaType: null,
  state,
  bytes,
});

/** Records what would be written (the saved list's states), failing while `failing` is set. */
function fakeDb() {
  const written: string[] = [];
  const state = { failing: false };
  const db = {
    async query(_sql: string, params: unknown[]) {
      if (state.failing) throw new Error('database down');
      const rows = JSON.parse(String(params[0])) as { state: string; bytes: number }[];
      written.push(rows.map((r) => `${r.state}:${r.bytes}`).join(','));
      return { rows: [], rowCount: rows.length };
    },
  } as unknown as Database;
  return { db, written, state };
}

test('writes at most once per interval, the latest state wins, and flush writes what is left', async () => {
  let now = 0;
  const { db, written } = fakeDb();
  const recorder = new BlobProgressRecorder({
    db,
    promotionId: 'p1',
    logger: { info() {}, warn() {}, error() {} },
    now: () => now,
    intervalMs: 2000,
  });
  recorder.offer([blob('pending', 0)]);
  await recorder.flush();
  recorder.offer([blob('copying', 10)]);
  now = 1000;
  recorder.offer([blob('copying', 50)]);
  now = 2500;
  recorder.offer([blob('copying', 70)]);
  recorder.offer([blob('copied', 100)]);
  await recorder.flush();
  await recorder.flush();
  assert.deepEqual(written, ['pending:0', 'copying:70', 'copied:100']);
});

test('a state held back by the interval (the first one too) is written once it has passed, without another offer', async () => {
  const { db, written } = fakeDb();
  const recorder = new BlobProgressRecorder({
    db,
    promotionId: 'p1',
    logger: { info() {}, warn() {}, error() {} },
    now: () => performance.now(),
    intervalMs: 50,
  });
  recorder.offer([blob('pending', 0)]);
  recorder.offer([blob('copying', 30)]);
  assert.deepEqual(written, [], 'a copy shorter than the interval would be written once, at its end');
  for (let i = 0; i < 100 && written.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(written, ['copying:30']);
  await recorder.flush();
  assert.equal(written.length, 1, 'nothing left to write');
});

test('a failed write is logged once per run of failures and never thrown; the copy goes on', async () => {
  let now = 0;
  const { db, written, state } = fakeDb();
  const warnings: string[] = [];
  const recorder = new BlobProgressRecorder({
    db,
    promotionId: 'p1',
    logger: { info() {}, warn: (_f, message) => warnings.push(message), error() {} },
    now: () => now,
    intervalMs: 10,
  });
  state.failing = true;
  recorder.offer([blob('copying', 1)]);
  await recorder.flush();
  now = 20;
  recorder.offer([blob('copying', 2)]);
  await recorder.flush();
  assert.equal(warnings.length, 1);
  state.failing = false;
  now = 40;
  recorder.offer([blob('copied', 100)]);
  await recorder.flush();
  assert.deepEqual(written, ['copied:100']);
  recorder.offer([]);
  await recorder.flush();
  assert.deepEqual(written, ['copied:100'], 'nothing to record: no write');
});
