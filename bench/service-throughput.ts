import { setTimeout as sleep } from 'node:timers/promises';
import { getManifest } from '../test/rig/rig-client.ts';
import { ownCpuSeconds, processCpuSeconds } from './process-cpu.ts';
import type { ServiceContext } from './service-context.ts';
import { numberedTags, tagServiceImage } from './service-image.ts';
import { type TerminalCounts, terminalCounts } from './service-metrics.ts';
import type { ServiceResult } from './service-results.ts';
import { percentile } from './stats.ts';
import type { Delivery } from './webhook-sender.ts';

const DRAIN_POLL_MS = 250;

interface CpuSnapshot {
  readonly serve: number | undefined;
  readonly source: number | undefined;
  readonly destination: number | undefined;
  readonly bench: number;
}

/**
 * service-throughput: `serviceThroughputTriggers` signed webhooks, each for a new tag, with
 * `serviceThroughputConcurrency` in flight, as fast as the service answers. Accepted = 202 with a new
 * promotion. Afterwards it waits (bounded) for the promotions the burst queued to finish, for the record.
 */
export async function runServiceThroughput(ctx: ServiceContext): Promise<ServiceResult> {
  const { profile } = ctx;
  const count = profile.serviceThroughputTriggers;
  const concurrency = profile.serviceThroughputConcurrency;
  const warmTags = numberedTags('warm', 2 * concurrency);
  const tags = numberedTags('tput', count);
  const taggingStarted = performance.now();
  await tagServiceImage(ctx.image, [...warmTags, ...tags]);
  process.stderr.write(
    `bench: service-throughput: ${warmTags.length + tags.length} source tags in ` +
      `${((performance.now() - taggingStarted) / 1000).toFixed(1)} s\n`,
  );

  // Warm-up at the same concurrency, then let its promotions finish so the burst starts from an empty queue.
  const baseline = await terminalCounts(ctx.serve.url, ctx.signal);
  const warm = await burst(ctx, warmTags, concurrency);
  const warmAccepted = warm.deliveries.filter(isAccepted).length;
  const afterWarm = await waitForTerminal(ctx, baseline, warmAccepted, profile.serviceDrainTimeoutMs);

  const logBefore = await ctx.serve.logBytes();
  const cpuBefore = cpuSnapshot(ctx);
  const measured = await burst(ctx, tags, concurrency);
  const cpuAfter = cpuSnapshot(ctx);
  const atBurstEnd = await terminalCounts(ctx.serve.url, ctx.signal);
  const logBytes = (await ctx.serve.logBytes()) - logBefore;
  const accepted = measured.deliveries.filter(isAccepted);
  const rejected = measured.deliveries.filter((d) => !isAccepted(d));
  const latencies = accepted.map((d) => d.ms);
  const rate = accepted.length / (measured.wallMs / 1000);
  process.stderr.write(
    `bench: service-throughput: ${accepted.length}/${count} accepted in ${(measured.wallMs / 1000).toFixed(2)} s ` +
      `(${rate.toFixed(0)}/s), p99 ${percentile(latencies, 99)?.toFixed(1)} ms; waiting for the queue to drain\n`,
  );

  const drained = await waitForTerminal(
    ctx,
    afterWarm.counts,
    accepted.length,
    profile.serviceDrainTimeoutMs,
  );
  const drainSeconds = (drained.at - measured.startedAt) / 1000;
  const cpuDrained = cpuSnapshot(ctx);
  const failures = rejected.map((d, i) => `delivery ${i + 1}: ${d.problem ?? `HTTP ${d.status}`}`);
  const backgroundFailed = drained.counts.unsuccessful - afterWarm.counts.unsuccessful;
  if (backgroundFailed > 0) failures.push(`${backgroundFailed} of the burst's promotions did not succeed`);
  if (drained.complete) {
    for (const tag of [tags[0]!, tags[tags.length - 1]!]) {
      const got = await getManifest(ctx.prod, ctx.image.repository, tag);
      if (got.digest !== ctx.image.image.manifestDigest) {
        failures.push(`${tag}: destination has ${got.digest ?? `HTTP ${got.status}`}, not the source digest`);
      }
    }
  }

  const burstCpu = (pick: (s: CpuSnapshot) => number | undefined) => cpuDelta(cpuBefore, cpuAfter, pick);
  const serveCpu = burstCpu((s) => s.serve);
  const perTrigger = (bytes: number) =>
    accepted.length === 0 ? 'n/a' : `${(bytes / accepted.length).toFixed(0)} B`;
  const completed = drained.counts.succeeded - afterWarm.counts.succeeded;
  const duringBurst = atBurstEnd.succeeded - afterWarm.counts.succeeded;
  const afterBurst = drained.counts.succeeded - atBurstEnd.succeeded;
  const perPromotion = (pick: (s: CpuSnapshot) => number | undefined) => {
    const seconds = cpuDelta(cpuAfter, cpuDrained, pick);
    return seconds === undefined || afterBurst <= 0
      ? 'n/a'
      : `${((seconds * 1000) / afterBurst).toFixed(1)} ms`;
  };
  const seconds = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(2)} s`);
  return {
    scenario: 'service-throughput',
    summary:
      `${count} signed webhooks (after ${warmTags.length} unmeasured), each for a new tag, ${concurrency} in ` +
      'flight over keep-alive connections; accepted = 202 with a new promotion.',
    metrics: [
      {
        name: 'accepted triggers/s',
        unit: '/s',
        value: accepted.length > 0 ? rate : undefined,
        target: { op: '≥', value: 200 },
      },
      { name: 'accept latency p50', unit: 'ms', value: percentile(latencies, 50), target: undefined },
      { name: 'accept latency p95', unit: 'ms', value: percentile(latencies, 95), target: undefined },
      {
        name: 'accept latency p99',
        unit: 'ms',
        value: percentile(latencies, 99),
        target: { op: '<', value: 100 },
      },
    ],
    failures,
    notes: [
      `Burst: ${accepted.length}/${count} accepted in ${(measured.wallMs / 1000).toFixed(2)} s; latency = POST → 202 ` +
        `per request (max ${percentile(latencies, 100)?.toFixed(1) ?? 'n/a'} ms).`,
      'Each accept checks the signature, matches the rule, resolves the tag to a digest with a HEAD on the ' +
        'source registry (pinning) and records the promotion and its audit event in the embedded database ' +
        '(PGlite, in a worker thread of the service process; accepts that arrive while a transaction is ' +
        'being written are recorded together in the next one); accepted promotions run in the background ' +
        '(2 workers; a worker holds off claiming the next one while accepts are in progress, 500 ms at most), ' +
        'so the burst competes with real promotions, as in production.',
      `CPU during the burst (${(measured.wallMs / 1000).toFixed(2)} s wall, 2 cores shared by all): ferry serve ` +
        `${seconds(serveCpu)}` +
        (serveCpu === undefined || accepted.length === 0
          ? ''
          : ` (${((serveCpu * 1000) / accepted.length).toFixed(1)} ms per accepted trigger)`) +
        `, source registry ${seconds(burstCpu((s) => s.source))}, destination registry ` +
        `${seconds(burstCpu((s) => s.destination))}, this load generator ${seconds(burstCpu((s) => s.bench))}.`,
      `ferry serve logged ${logBytes} bytes during the burst (${perTrigger(logBytes)} per accepted trigger; ` +
        `FERRY_LOG_LEVEL=${ctx.serve.logLevel}).`,
      `Background promotions (not judged): ${duringBurst} finished during the burst; ` +
        (drained.complete
          ? `the queue drained ${drainSeconds.toFixed(1)} s after the burst started (${completed} promotions, ` +
            `${(completed / drainSeconds).toFixed(1)}/s overall with 2 workers)`
          : `the queue had not drained after ${(profile.serviceDrainTimeoutMs / 1000).toFixed(0)} s ` +
            `(${completed} of ${accepted.length} done; the rest is re-queued at shutdown)`) +
        `. After the burst, each promotion cost ferry serve ${perPromotion((s) => s.serve)} and the destination ` +
        `registry ${perPromotion((s) => s.destination)} of CPU.`,
    ],
    details: [
      {
        title: 'service-throughput accept latency (ms)',
        header: ['p50', 'p90', 'p95', 'p99', 'max', 'accepted', 'wall (s)'],
        rows: [
          [
            ...[50, 90, 95, 99, 100].map((p) => percentile(latencies, p)?.toFixed(1) ?? '—'),
            `${accepted.length}/${count}`,
            (measured.wallMs / 1000).toFixed(2),
          ],
        ],
      },
    ],
    samplesMs: latencies,
  };
}

function isAccepted(d: Delivery): boolean {
  return d.status === 202 && d.envelope?.created === true;
}

function cpuDelta(
  from: CpuSnapshot,
  to: CpuSnapshot,
  pick: (s: CpuSnapshot) => number | undefined,
): number | undefined {
  const before = pick(from);
  const after = pick(to);
  return before === undefined || after === undefined ? undefined : after - before;
}

function cpuSnapshot(ctx: ServiceContext): CpuSnapshot {
  return {
    serve: processCpuSeconds(ctx.serve.pid),
    source: processCpuSeconds(ctx.image.source.pid),
    destination: processCpuSeconds(ctx.prod.pid),
    bench: ownCpuSeconds(),
  };
}

async function burst(
  ctx: ServiceContext,
  tags: readonly string[],
  concurrency: number,
): Promise<{ deliveries: Delivery[]; startedAt: number; wallMs: number }> {
  const deliveries: Delivery[] = [];
  let next = 0;
  const worker = async () => {
    while (next < tags.length) {
      ctx.signal.throwIfAborted();
      const index = next++;
      deliveries[index] = await ctx.sender.send(ctx.image.repository, tags[index]!, ctx.from);
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { deliveries, startedAt, wallMs: performance.now() - startedAt };
}

/** Polls /metrics until `expected` more promotions than in `from` are terminal, or the timeout. */
async function waitForTerminal(
  ctx: ServiceContext,
  from: TerminalCounts,
  expected: number,
  timeoutMs: number,
): Promise<{ counts: TerminalCounts; at: number; complete: boolean }> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const counts = await terminalCounts(ctx.serve.url, ctx.signal);
    const at = performance.now();
    const done = counts.succeeded + counts.unsuccessful - from.succeeded - from.unsuccessful;
    if (done >= expected || at > deadline) return { counts, at, complete: done >= expected };
    await sleep(DRAIN_POLL_MS, undefined, { signal: ctx.signal });
  }
}
