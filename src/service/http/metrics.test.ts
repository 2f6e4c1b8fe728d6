import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics } from './metrics.ts';

test('each createMetrics has its own registry: two apps in one process do not share counts', async () => {
  const a = createMetrics();
  const b = createMetrics();
  a.recordPromotion('failed', 2);
  assert.match((await a.expose()).body, /ferry_promotions_total\{outcome="failed"\} 1/);
  assert.match((await b.expose()).body, /ferry_promotions_total\{outcome="failed"\} 0/);
});

test('queue depth is read at scrape time; an unreadable queue reports NaN instead of failing', async () => {
  let depth = 5;
  const live = createMetrics({ queueDepth: () => depth });
  assert.match((await live.expose()).body, /\nferry_queue_depth 5\n/);
  depth = 7;
  assert.match((await live.expose()).body, /\nferry_queue_depth 7\n/);
  const broken = createMetrics({
    queueDepth: async () => {
      throw new Error('database unavailable');
    },
  });
  assert.match((await broken.expose()).body, /\nferry_queue_depth Nan\n/i);
  assert.match((await createMetrics().expose()).body, /\nferry_queue_depth Nan\n/i);
});

test('running promotions are read at scrape time like the queue depth, NaN when unknown', async () => {
  const live = createMetrics({ queueDepth: () => 2, promotionsRunning: async () => 4 });
  const { body } = await live.expose();
  assert.match(body, /\nferry_queue_depth 2\n/);
  assert.match(body, /\nferry_promotions_running 4\n/);
  assert.match(body, /# HELP ferry_queue_depth Promotion jobs waiting to run/);
  assert.match((await createMetrics().expose()).body, /\nferry_promotions_running Nan\n/i);
});

test('bytes ignore nonsense values; durations land in the histogram', async () => {
  const metrics = createMetrics();
  metrics.addBytes('mounted', 100);
  metrics.addBytes('mounted', -5);
  metrics.addBytes('mounted', Number.NaN);
  metrics.recordPromotion('succeeded', 42);
  const { body } = await metrics.expose();
  assert.match(body, /ferry_bytes_copied_total\{kind="mounted"\} 100\n/);
  assert.match(body, /ferry_promotion_duration_seconds_sum\{outcome="succeeded"\} 42\n/);
  assert.match(body, /ferry_promotion_duration_seconds_bucket\{le="30",outcome="succeeded"\} 0\n/);
  assert.match(body, /ferry_promotion_duration_seconds_bucket\{le="60",outcome="succeeded"\} 1\n/);
});

test('process metrics are opt-in', async () => {
  assert.doesNotMatch((await createMetrics().expose()).body, /process_cpu/);
  assert.match(
    (await createMetrics({ processMetrics: true }).expose()).body,
    /process_cpu_user_seconds_total/,
  );
});
