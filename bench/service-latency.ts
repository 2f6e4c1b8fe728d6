import { getManifest } from '../test/rig/rig-client.ts';
import { promotionSignal, type ServiceContext } from './service-context.ts';
import { numberedTags, tagServiceImage } from './service-image.ts';
import type { ServiceResult } from './service-results.ts';
import { median, percentile } from './stats.ts';

/** Unmeasured round trips first, so the measured ones see a warmed-up service (JIT, connections). */
const WARMUP_ROUNDS = 3;

interface Round {
  readonly tag: string;
  /** Client: just before the POST → the `succeeded` event read. */
  readonly totalMs: number;
  /** Client: POST → 202 read. */
  readonly acceptMs: number;
  /** Server clock: accepted (createdAt) → a worker started it (startedAt). */
  readonly queuedMs: number | undefined;
  /** Server clock: startedAt → finishedAt (policy, copy by digest, verify, record). */
  readonly runMs: number | undefined;
  readonly failure: string | undefined;
}

const ms = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(1));

function between(from: string | null, to: string | null): number | undefined {
  if (from === null || to === null) return undefined;
  return new Date(to).getTime() - new Date(from).getTime();
}

/**
 * service-latency: one signed webhook at a time, timed until the promotion's event stream says
 * `succeeded`. Each round uses a new source tag on the same manifest, so it is a new promotion (not the
 * idempotent answer of an earlier one) whose blobs are already at the destination.
 */
export async function runServiceLatency(ctx: ServiceContext): Promise<ServiceResult> {
  const count = ctx.profile.serviceLatencyIterations;
  const tags = numberedTags('lat', WARMUP_ROUNDS + count);
  await tagServiceImage(ctx.image, tags);
  const rounds: Round[] = [];
  for (const [index, tag] of tags.entries()) {
    ctx.signal.throwIfAborted();
    const round = await oneRound(ctx, tag);
    if (index < WARMUP_ROUNDS) continue;
    rounds.push(round);
    process.stderr.write(
      `bench: service-latency #${rounds.length}/${count} ${round.totalMs.toFixed(1)} ms` +
        (round.failure === undefined ? '' : `, FAILED: ${round.failure}`) +
        '\n',
    );
  }

  // Outside the timing: every measured tag must now be the source image at the destination.
  const failures: string[] = [];
  for (const round of rounds) {
    if (round.failure !== undefined) {
      failures.push(`${round.tag}: ${round.failure}`);
      continue;
    }
    const got = await getManifest(ctx.prod, ctx.image.repository, round.tag);
    if (got.digest !== ctx.image.image.manifestDigest) {
      failures.push(
        `${round.tag}: destination has ${got.digest ?? `HTTP ${got.status}`}, not the source digest`,
      );
    }
  }

  const ok = rounds.filter((r) => r.failure === undefined);
  const totals = ok.map((r) => r.totalMs);
  const stage = (pick: (r: Round) => number | undefined) =>
    median(ok.flatMap((r) => (pick(r) === undefined ? [] : [pick(r)!])));
  const acceptMedian = stage((r) => r.acceptMs);
  const queuedMedian = stage((r) => r.queuedMs);
  const runMedian = stage((r) => r.runMs);
  const totalMedian = median(totals);
  const rest =
    totalMedian === undefined ||
    acceptMedian === undefined ||
    queuedMedian === undefined ||
    runMedian === undefined
      ? undefined
      : totalMedian - acceptMedian - queuedMedian - runMedian;
  return {
    scenario: 'service-latency',
    summary:
      `${count} signed webhooks one at a time (after ${WARMUP_ROUNDS} unmeasured), each for a new tag of an image ` +
      'already in prod; time from just before the POST to the `succeeded` status event.',
    metrics: [
      { name: 'latency p50', unit: 'ms', value: percentile(totals, 50), target: undefined },
      { name: 'latency p95', unit: 'ms', value: percentile(totals, 95), target: { op: '≤', value: 1000 } },
      { name: 'latency max', unit: 'ms', value: percentile(totals, 100), target: undefined },
    ],
    failures,
    notes: [
      'Completion is read from the server-sent event stream `GET /api/v1/promotions/<id>/events` (viewer ' +
        'token), opened right after the 202: no polling interval in the figure.',
      `Where the time goes (medians): POST → 202 ${ms(acceptMedian)} ms; queued (server clock, createdAt → ` +
        `startedAt) ${ms(queuedMedian)} ms; run (startedAt → finishedAt: policy, copy by digest with HEADs ` +
        `only, verify, record) ${ms(runMedian)} ms; the rest (opening the stream, publishing the final ` +
        `status; ms-resolution server timestamps) ${ms(rest)} ms.`,
    ],
    details: [
      {
        title: 'service-latency rounds (ms)',
        header: ['#', 'tag', 'total', 'POST → 202', 'queued', 'run', 'outcome'],
        rows: rounds.map((r, i) => [
          String(i + 1),
          r.tag,
          ms(r.totalMs),
          ms(r.acceptMs),
          ms(r.queuedMs),
          ms(r.runMs),
          r.failure === undefined ? 'succeeded' : `FAILED: ${r.failure}`,
        ]),
      },
    ],
    samplesMs: totals,
  };
}

async function oneRound(ctx: ServiceContext, tag: string): Promise<Round> {
  const delivery = await ctx.sender.send(ctx.image.repository, tag, ctx.from);
  const base = { tag, acceptMs: delivery.ms, queuedMs: undefined, runMs: undefined };
  const id = delivery.envelope?.promotion.id;
  if (delivery.status !== 202 || id === undefined) {
    return { ...base, totalMs: delivery.ms, failure: delivery.problem ?? `HTTP ${delivery.status}` };
  }
  try {
    const { promotion, at } = await ctx.events.waitForTerminal(id, promotionSignal(ctx));
    return {
      ...base,
      totalMs: at - delivery.startedAt,
      queuedMs: between(promotion.createdAt, promotion.startedAt),
      runMs: between(promotion.startedAt, promotion.finishedAt),
      failure:
        promotion.status === 'succeeded'
          ? undefined
          : `${promotion.status}: ${promotion.reason ?? 'no reason'}`,
    };
  } catch (err) {
    ctx.signal.throwIfAborted();
    return { ...base, totalMs: performance.now() - delivery.startedAt, failure: String(err) };
  }
}
