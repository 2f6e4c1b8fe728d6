import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import type { PromotionView } from '../src/api/promotion.ts';
import { buildImage } from '../test/rig/fixtures.ts';
import { startPostgres } from '../test/rig/postgres.ts';
import { getManifest, pushImage } from '../test/rig/rig-client.ts';
import { makeTempDir } from '../test/rig/temp-dir.ts';
import { CleanupStack } from './cleanup.ts';
import { type BenchRegistry, ONE_WAY_DELAY_MS, startBenchRegistry } from './environment.ts';
import { type FerryServe, startFerryServe } from './ferry-serve.ts';
import { ownCpuSeconds, processCpuSeconds, processTreeCpuSeconds } from './process-cpu.ts';
import type { Profile } from './profile.ts';
import { SERVICE_REPO, SOURCE_ENVIRONMENT, writeServiceConfig } from './service-config.ts';
import { terminalCounts } from './service-metrics.ts';
import type { DetailTable, ServiceMetric, ServiceResult } from './service-results.ts';
import { type StatementCounter, startStatementCounter } from './statement-counts.ts';
import { median, percentile, ratio } from './stats.ts';
import { type Delivery, WebhookSender } from './webhook-sender.ts';

export interface ScaleOutOptions {
  readonly profile: Profile;
  readonly signal: AbortSignal;
  readonly logLevel: string;
}

/** Replica counts compared; the target is on the throughput of the last over the first. */
const REPLICAS = [1, 3] as const;
/**
 * After those, one replica with as many workers as the 3 replicas have together (information only):
 * the same number of promotions at once in one process tells replica coordination apart from
 * concurrency on a machine that has only so many cores.
 */
const SAME_CONCURRENCY_WORKERS = 6;
/** Webhooks in flight at once while the burst is sent (spread over the replicas, as a load balancer would). */
const SEND_CONCURRENCY = 16;
/** Workers per replica: `ferry serve`'s default (`--workers`). */
const WORKERS = 2;
/**
 * prod's `maxConcurrentPromotions`: above what 3 replicas × 2 workers can run, so the per-registry limit
 * (default 4, shared by all replicas) does not cap the figure being measured: how replicas scale.
 */
const REGISTRY_LIMIT = 16;
const POLL_MS = 250;
/**
 * Promotions each replica runs before the measured burst (not measured): a new process spends its first
 * promotions compiling its code (V8's optimising tiers), ~1.2 CPU s per replica. Measured cold, three
 * replicas pay that three times inside a burst of ~20 s on 2 cores, one replica once in ~45 s; a
 * scaled-out service runs warm replicas, which is the throughput this benchmark is about.
 */
const WARMUP_PER_REPLICA = 10;
const WARMUP_PREFIX = 'warm-';
const KiB = 1024;

interface RunFigures {
  readonly replicas: number;
  readonly workers: number;
  readonly perMinute: number | undefined;
  readonly p50Ms: number | undefined;
  readonly p95Ms: number | undefined;
  readonly wallSeconds: number | undefined;
  /** Median of startedAt → finishedAt (server clock): one promotion's own run, without queueing. */
  readonly runMedianMs: number | undefined;
  /** CPU seconds over the run (trigger burst to the last promotion ending): ferry replicas, both registries. */
  readonly ferryCpuSeconds: number | undefined;
  readonly registryCpuSeconds: number | undefined;
  readonly postgresCpuSeconds: number | undefined;
  /** SQL statements the run's database was sent per promotion that succeeded (pg_stat_statements). */
  readonly statementsPerPromotion: number | undefined;
  /** This process: the latency proxies, the webhook sender, the list polling. */
  readonly benchCpuSeconds: number | undefined;
  /** 1-minute load average of the machine at the end of the run (other work shares it). */
  readonly loadAverage: number;
  /** Runs of a promotion beyond its first (`started` audit events − 1, summed; a resume starts again). */
  readonly duplicateRuns: number;
  /** Promotions each replica started, from the `started` events' replica name. */
  readonly perReplica: ReadonlyMap<string, number>;
  readonly failures: readonly string[];
}

/**
 * service-scale-out: `scaleOutPromotions` distinct small images (2 layers, 64 KiB) triggered at once
 * through signed webhooks, with 1 and then 3 `ferry serve` replicas sharing one PostgreSQL database;
 * both registries behind the rig's latency proxy (25 ms each way). Each run gets a new database and a
 * new destination registry, so every promotion really copies its blobs.
 */
export async function runServiceScaleOut(
  options: ScaleOutOptions,
  outer: CleanupStack,
): Promise<ServiceResult> {
  const cleanup = new CleanupStack();
  outer.defer('service-scale-out', () => cleanup.runAll());
  try {
    return await measure(options, cleanup);
  } finally {
    await cleanup.runAll();
  }
}

async function measure(options: ScaleOutOptions, cleanup: CleanupStack): Promise<ServiceResult> {
  const { profile, signal } = options;
  const count = profile.scaleOutPromotions;
  const postgres = await startPostgres();
  cleanup.defer('postgres (scale-out)', () => postgres.stop());
  const statements = await startStatementCounter(postgres);
  cleanup.defer('statement counter', () => statements.close());
  const nonprod = await startBenchRegistry('nonprod (scale-out)', cleanup);
  const tags = Array.from({ length: count }, (_, i) => `img-${i}`);
  const warmTags = Array.from(
    { length: WARMUP_PER_REPLICA * Math.max(...REPLICAS) },
    (_, i) => `${WARMUP_PREFIX}${i}`,
  );
  const digests = new Map<string, string>();
  const pushStarted = performance.now();
  const toPush = [...tags, ...warmTags];
  for (let i = 0; i < toPush.length; i += 8) {
    await Promise.all(
      toPush.slice(i, i + 8).map(async (tag) => {
        const image = await buildImage({ layers: [48 * KiB, 16 * KiB], seed: `scale-out-${tag}` });
        digests.set(tag, await pushImage(nonprod.instance, SERVICE_REPO, tag, image));
      }),
    );
  }
  process.stderr.write(
    `bench: service-scale-out: ${toPush.length} images pushed in ${((performance.now() - pushStarted) / 1000).toFixed(1)} s\n`,
  );

  const runs: RunFigures[] = [];
  const setups = [
    ...REPLICAS.map((replicas) => ({ replicas, workers: WORKERS })),
    { replicas: 1, workers: SAME_CONCURRENCY_WORKERS },
  ];
  for (const { replicas, workers } of setups) {
    signal.throwIfAborted();
    const run = new CleanupStack();
    try {
      runs.push(
        await oneRun(
          options,
          {
            replicas,
            workers,
            nonprod,
            tags,
            warmTags: warmTags.slice(0, WARMUP_PER_REPLICA * replicas),
            digests,
            databaseUrl: await postgres.createDatabase(),
            statements,
            postgresDataDir: postgres.dataDir,
          },
          run,
        ),
      );
    } finally {
      await run.runAll();
    }
    const last = runs[runs.length - 1]!;
    process.stderr.write(
      `bench: service-scale-out ${replicas}×${workers} workers: ${last.perMinute?.toFixed(1)}/min, p95 ${last.p95Ms?.toFixed(0)} ms, ` +
        `${last.duplicateRuns} duplicate runs, ${last.failures.length} failures\n`,
    );
  }

  const [one, three] = [runs[0]!, runs[1]!];
  const metrics: ServiceMetric[] = [];
  for (const r of runs) {
    const label = `${r.replicas} replica${r.replicas === 1 ? '' : 's'} × ${r.workers} workers`;
    metrics.push(
      { name: `${label}: promotions per minute`, unit: '/min', value: r.perMinute, target: undefined },
      { name: `${label}: trigger → succeeded p95`, unit: 'ms', value: r.p95Ms, target: undefined },
    );
  }
  metrics.push(
    {
      name: 'throughput 3 replicas / 1 replica (2 workers each)',
      unit: '×',
      value: ratio(three.perMinute, one.perMinute),
      target: { op: '≥', value: 2.5 },
    },
    {
      name: 'duplicate runs (all runs)',
      unit: 'count',
      value: runs.reduce((total, r) => total + r.duplicateRuns, 0),
      target: { op: '≤', value: 0 },
    },
  );
  const details: DetailTable[] = [
    {
      title: 'service-scale-out runs',
      header: [
        'replicas',
        'workers each',
        'promotions/min',
        'p50 (ms)',
        'p95 (ms)',
        'wall (s)',
        'run p50 (ms)',
        'CPU s ferry',
        'CPU s registries',
        'CPU s PostgreSQL',
        'SQL statements / promotion',
        'CPU s bench (proxies)',
        'load avg',
        'duplicate runs',
        'started per replica',
      ],
      rows: runs.map((r) => [
        String(r.replicas),
        String(r.workers),
        r.perMinute?.toFixed(1) ?? '—',
        r.p50Ms?.toFixed(0) ?? '—',
        r.p95Ms?.toFixed(0) ?? '—',
        r.wallSeconds?.toFixed(1) ?? '—',
        r.runMedianMs?.toFixed(0) ?? '—',
        r.ferryCpuSeconds?.toFixed(1) ?? '—',
        r.registryCpuSeconds?.toFixed(1) ?? '—',
        r.postgresCpuSeconds?.toFixed(1) ?? '—',
        r.statementsPerPromotion?.toFixed(1) ?? '—',
        r.benchCpuSeconds?.toFixed(1) ?? '—',
        r.loadAverage.toFixed(1),
        String(r.duplicateRuns),
        [...r.perReplica.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, n]) => `${name}: ${n}`)
          .join(', '),
      ]),
    },
  ];
  return {
    scenario: 'service-scale-out',
    summary:
      `${count} promotions of distinct small images (2 layers, 64 KiB) triggered at once (signed webhooks, ` +
      `${SEND_CONCURRENCY} in flight, round-robin over the replicas), with ${REPLICAS.join(' and then ')} ` +
      `\`ferry serve\` replicas (${WORKERS} workers each, the default) sharing one PostgreSQL database, then ` +
      `(for comparison) 1 replica with ${SAME_CONCURRENCY_WORKERS} workers; both registries behind the ` +
      `latency proxy (${ONE_WAY_DELAY_MS} ms each way).`,
    metrics,
    failures: runs.flatMap((r) =>
      r.failures.map((f) => `${r.replicas} replica(s) × ${r.workers} workers: ${f}`),
    ),
    notes: [
      'Promotions per minute = promotions / (last `finishedAt` − the first trigger sent); trigger → succeeded = ' +
        "the promotion's server `finishedAt` − the client's clock just before its POST (one machine, one clock).",
      `Warm replicas: before the burst each replica runs ${WARMUP_PER_REPLICA} promotions of other images ` +
        '(not measured, not in the CPU or SQL figures), so the figure is the throughput of running replicas ' +
        "rather than of each one's first seconds of JIT compilation.",
      'A burst: every promotion is triggered at the start, so trigger → succeeded includes the wait in the ' +
        'queue behind the others (the p95 is close to the time the whole backlog takes).',
      `prod's \`maxConcurrentPromotions\` is ${REGISTRY_LIMIT} (the default, 4, is shared by every replica and ` +
        `would cap 3 replicas × ${WORKERS} workers at 4 copies at once).`,
      'Duplicate runs come from the audit trail (PostgreSQL): a promotion with more than one `started` event ' +
        '(every run, a resumed or retried one too, starts with one) was copied more than once. Each run uses a ' +
        'new database and a new destination registry.',
    ],
    details,
    samplesMs: [],
  };
}

async function oneRun(
  options: ScaleOutOptions,
  setup: {
    readonly replicas: number;
    readonly workers: number;
    readonly nonprod: BenchRegistry;
    readonly tags: readonly string[];
    /** Sent first, round-robin, and waited for; not measured. */
    readonly warmTags: readonly string[];
    readonly digests: ReadonlyMap<string, string>;
    readonly databaseUrl: string;
    readonly postgresDataDir: string;
    readonly statements: StatementCounter;
  },
  cleanup: CleanupStack,
): Promise<RunFigures> {
  const { profile, signal } = options;
  const { replicas, workers, nonprod, tags, databaseUrl } = setup;
  const prod = await startBenchRegistry(`prod (scale-out ${replicas}×${workers})`, cleanup);
  const dir = await makeTempDir(`bench-scale-out-${replicas}x${workers}`);
  cleanup.defer('scale-out directory', () => dir.remove());
  const config = await writeServiceConfig(
    dir.path,
    { nonprod: nonprod.rtt50, prod: prod.rtt50 },
    { maxConcurrentPromotions: REGISTRY_LIMIT },
  );
  const serves: FerryServe[] = [];
  // One after the other: the first one migrates the database.
  for (let i = 0; i < replicas; i++) {
    serves.push(
      await startFerryServe(
        {
          configPath: config.configPath,
          dir: dir.path,
          logLevel: options.logLevel,
          args: ['--listen', '127.0.0.1:0', '--workers', String(workers)],
          env: { FERRY_DATABASE_URL: databaseUrl },
          logName: `serve-${i}.log`,
        },
        cleanup,
      ),
    );
  }
  const senders = serves.map((s) => new WebhookSender(s.url, config.webhookSecret, SEND_CONCURRENCY));
  for (const sender of senders) cleanup.defer('webhook sender', () => sender.close());
  const endedSoFar = async () => {
    const counts = await Promise.all(serves.map((s) => terminalCounts(s.url, signal)));
    return counts.reduce((total, c) => total + c.succeeded + c.unsuccessful, 0);
  };

  // Warm-up: each replica runs its share (round-robin as below), then the measured burst starts.
  const warmDeliveries = await Promise.all(
    setup.warmTags.map((tag, i) => senders[i % senders.length]!.send(SERVICE_REPO, tag, SOURCE_ENVIRONMENT)),
  );
  const warmRefused = warmDeliveries.filter((d) => d.status !== 202);
  if (warmRefused.length > 0) {
    throw new Error(`warm-up: ${warmRefused.length} deliveries refused: ${warmRefused[0]!.problem ?? ''}`);
  }
  const warmDeadline = Date.now() + profile.scaleOutTimeoutMs;
  while ((await endedSoFar()) < setup.warmTags.length) {
    signal.throwIfAborted();
    if (Date.now() > warmDeadline) throw new Error('warm-up promotions did not finish in time');
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const endedBefore = await endedSoFar();

  const postmasterPid = Number(
    (await readFile(join(setup.postgresDataDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
  );
  const cpu = () => ({
    ferry: sum(serves.map((s) => processCpuSeconds(s.pid))),
    registries: sum([processCpuSeconds(nonprod.instance.pid), processCpuSeconds(prod.instance.pid)]),
    postgres: processTreeCpuSeconds(postmasterPid),
    // The latency proxies run in this process, next to the webhook sender and the list polling.
    bench: ownCpuSeconds(),
  });
  const statementsBefore = await setup.statements.count(databaseUrl);
  const cpuBefore = cpu();
  const sentAt = new Map<string, number>();
  const deliveries: Delivery[] = [];
  let next = 0;
  const sendLoop = async () => {
    while (next < tags.length) {
      const index = next++;
      const tag = tags[index]!;
      sentAt.set(tag, Date.now());
      deliveries.push(await senders[index % senders.length]!.send(SERVICE_REPO, tag, SOURCE_ENVIRONMENT));
    }
  };
  await Promise.all(Array.from({ length: SEND_CONCURRENCY }, sendLoop));
  const failures = deliveries
    .filter((d) => d.status !== 202)
    .map((d) => `delivery: ${d.problem ?? `HTTP ${d.status}`}`);

  // Wait on every replica's `ferry_promotions_total` (cheap to scrape; each counts what it ran), then
  // read the list once for the timestamps: polling the list itself would cost the service more than
  // the promotions do.
  const accepted = deliveries.filter((d) => d.status === 202).length;
  const deadline = Date.now() + profile.scaleOutTimeoutMs;
  for (;;) {
    signal.throwIfAborted();
    const ended = (await endedSoFar()) - endedBefore;
    if (ended >= accepted) break;
    if (Date.now() > deadline) {
      failures.push(
        `${accepted - ended} promotions still running after ${profile.scaleOutTimeoutMs / 1000} s`,
      );
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const cpuAfter = cpu();
  const statementsAfter = await setup.statements.count(databaseUrl);
  const reader = new Pool(serves[0]!.url, { connections: 1 });
  cleanup.defer('list reader', () => reader.close());
  const res = await reader.request({
    path: '/api/v1/promotions?limit=500',
    method: 'GET',
    headers: { authorization: `Bearer ${config.viewerToken}` },
  });
  const promotions = ((await res.body.json()) as { promotions: PromotionView[] }).promotions.filter(
    (p) => p.destination.repository === SERVICE_REPO && !(p.source.tag ?? '').startsWith(WARMUP_PREFIX),
  );

  const latencies: number[] = [];
  const runTimes: number[] = [];
  let lastFinished = 0;
  for (const p of promotions) {
    const tag = p.source.tag ?? '';
    if (p.status !== 'succeeded') {
      if (p.finishedAt !== null) failures.push(`${tag}: ${p.status}: ${p.reason ?? 'no reason'}`);
      continue;
    }
    const finished = Date.parse(p.finishedAt!);
    if (p.startedAt !== null) runTimes.push(finished - Date.parse(p.startedAt));
    lastFinished = Math.max(lastFinished, finished);
    latencies.push(finished - (sentAt.get(tag) ?? Number.NaN));
  }
  const firstSent = Math.min(...sentAt.values());
  const wallMs = lastFinished > 0 ? lastFinished - firstSent : undefined;
  for (const tag of [tags[0]!, tags[tags.length - 1]!]) {
    const got = await getManifest(prod.instance, SERVICE_REPO, tag);
    if (got.digest !== setup.digests.get(tag)) {
      failures.push(`${tag}: destination has ${got.digest ?? `HTTP ${got.status}`}, not the source digest`);
    }
  }
  const { duplicateRuns, perReplica } = await runsFromAuditTrail(databaseUrl);
  for (const serve of serves) await serve.stop();
  await prod.stop();
  return {
    replicas,
    workers,
    perMinute: wallMs === undefined ? undefined : (latencies.length / wallMs) * 60_000,
    p50Ms: percentile(latencies, 50),
    p95Ms: percentile(latencies, 95),
    wallSeconds: wallMs === undefined ? undefined : wallMs / 1000,
    runMedianMs: median(runTimes),
    ferryCpuSeconds: difference(cpuBefore.ferry, cpuAfter.ferry),
    registryCpuSeconds: difference(cpuBefore.registries, cpuAfter.registries),
    postgresCpuSeconds: difference(cpuBefore.postgres, cpuAfter.postgres),
    // Less the counter's own query, which the second count sees.
    statementsPerPromotion:
      latencies.length === 0 ? undefined : (statementsAfter - statementsBefore - 1) / latencies.length,
    benchCpuSeconds: difference(cpuBefore.bench, cpuAfter.bench),
    loadAverage: os.loadavg()[0]!,
    duplicateRuns,
    perReplica,
    failures,
  };
}

function sum(values: readonly (number | undefined)[]): number | undefined {
  return values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, b) => a + b!, 0);
}

function difference(before: number | undefined, after: number | undefined): number | undefined {
  return before === undefined || after === undefined ? undefined : after - before;
}

/** The measured promotions (the warm-up ones left out). */
const MEASURED = `SELECT id FROM promotions WHERE source_tag NOT LIKE '${WARMUP_PREFIX}%'`;

/** From the audit trail: runs beyond the first per promotion, and how many each replica started. */
async function runsFromAuditTrail(
  databaseUrl: string,
): Promise<{ duplicateRuns: number; perReplica: Map<string, number> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const runs = await client.query<{ extra: string }>(
      `SELECT coalesce(sum(n - 1), 0) AS extra FROM (
         SELECT count(*) AS n FROM audit_events
         WHERE kind = 'started' AND promotion_id IN (${MEASURED}) GROUP BY promotion_id
       ) per_promotion`,
    );
    const replicas = await client.query<{ replica: string | null; n: string }>(
      `SELECT detail->>'replica' AS replica, count(*) AS n FROM audit_events
       WHERE kind = 'started' AND promotion_id IN (${MEASURED}) GROUP BY 1`,
    );
    return {
      duplicateRuns: Number(runs.rows[0]?.extra ?? 0),
      // `host/pid`: the pid tells the replicas apart.
      perReplica: new Map(replicas.rows.map((r) => [r.replica?.split('/').pop() ?? '?', Number(r.n)])),
    };
  } finally {
    await client.end();
  }
}
