import { join } from 'node:path';
import { Pool } from 'undici';
import { PgDatabase } from '../src/service/store/pg-database.ts';
import { PgliteDatabase } from '../src/service/store/pglite-database.ts';
import { startPostgres } from '../test/rig/postgres.ts';
import { startRegistry } from '../test/rig/registry.ts';
import { makeTempDir } from '../test/rig/temp-dir.ts';
import { CleanupStack } from './cleanup.ts';
import { startFerryServe } from './ferry-serve.ts';
import type { Profile } from './profile.ts';
import { FAILED_EVERY, type SeedPlan, seededId, seedStore } from './seed-store.ts';
import { writeServiceConfig } from './service-config.ts';
import type { DetailTable, ServiceMetric, ServiceResult } from './service-results.ts';
import { median, percentile } from './stats.ts';

export interface CostGrowthOptions {
  readonly profile: Profile;
  readonly signal: AbortSignal;
  readonly logLevel: string;
}

type Store = 'postgresql' | 'embedded';

/** p95 targets per store (issue 16's benchmark). */
const TARGET_MS: Record<Store, number> = { postgresql: 50, embedded: 150 };
const REPOSITORIES = 50;

interface Endpoint {
  readonly name: string;
  /** The path of the i-th request. */
  path(i: number): string;
}

interface Measured {
  readonly store: Store;
  readonly endpoint: string;
  readonly samples: number[];
  readonly failures: string[];
}

/**
 * service-cost-growth: how the read API's cost grows with the store. Each store is seeded through its own
 * migrations with `costPromotions` promotions and `costAuditEvents` audit events (bulk SQL, seed-store.ts),
 * then one `ferry serve` answers `costRequests` requests per endpoint, one at a time: the first page of
 * the list, two filtered pages, and the detail (promotion + timeline) of promotions picked across the
 * whole history.
 */
export async function runServiceCostGrowth(
  options: CostGrowthOptions,
  outer: CleanupStack,
): Promise<ServiceResult> {
  const cleanup = new CleanupStack();
  outer.defer('service-cost-growth', () => cleanup.runAll());
  try {
    return await measureAll(options, cleanup);
  } finally {
    await cleanup.runAll();
  }
}

async function measureAll(options: CostGrowthOptions, cleanup: CleanupStack): Promise<ServiceResult> {
  const { profile } = options;
  const plan: SeedPlan = {
    promotions: profile.costPromotions,
    auditEvents: profile.costAuditEvents,
    repositories: REPOSITORIES,
  };
  // ferry.yaml needs registries; nothing is promoted, so they only have to exist.
  const [nonprod, prod] = await Promise.all([
    startRegistry({ auth: 'none' }),
    startRegistry({ auth: 'none' }),
  ]);
  cleanup.defer('registries (cost growth)', async () => {
    await Promise.all([nonprod.stop(), prod.stop()]);
  });
  const endpoints: Endpoint[] = [
    // The HTTP round trip alone on this machine (no database): what every figure below includes.
    { name: 'baseline /healthz', path: () => '/healthz' },
    { name: 'list, first page', path: () => '/api/v1/promotions' },
    {
      name: 'list, ?repository=',
      path: (i) => `/api/v1/promotions?repository=bench/app-${i % REPOSITORIES}`,
    },
    { name: 'list, ?status=failed', path: () => '/api/v1/promotions?status=failed' },
    {
      name: 'detail',
      // Spread over the whole history (old and new rows), the same sequence on both stores.
      path: (i) => `/api/v1/promotions/${seededId(1 + ((i * 7919) % plan.promotions))}`,
    },
  ];
  const measured: Measured[] = [];
  const seedNotes: string[] = [];
  for (const store of ['postgresql', 'embedded'] as const) {
    options.signal.throwIfAborted();
    const run = new CleanupStack();
    try {
      const dir = await makeTempDir(`bench-cost-${store}`);
      run.defer('cost-growth directory', () => dir.remove());
      const config = await writeServiceConfig(dir.path, { nonprod, prod });
      let env: Record<string, string> = {};
      const seedStarted = performance.now();
      const progress = (what: string) =>
        process.stderr.write(`bench: service-cost-growth (${store}): ${what}\n`);
      if (store === 'postgresql') {
        const postgres = await startPostgres();
        run.defer('postgres (cost growth)', () => postgres.stop());
        const url = await postgres.createDatabase();
        const db = await PgDatabase.open({ url });
        try {
          await seedStore(db, plan, progress);
          // What autovacuum does to tables that grew over months; right after a bulk load it would
          // still be running (vacuum, analyze, hint bits on every page) while the requests are timed.
          await db.exec('VACUUM ANALYZE');
        } finally {
          await db.close();
        }
        env = { FERRY_DATABASE_URL: url };
      } else {
        const db = await PgliteDatabase.open({ dataDir: join(dir.path, 'data') });
        try {
          await seedStore(db, plan, progress);
        } finally {
          await db.close();
        }
      }
      seedNotes.push(
        `${store}: seeded ${plan.promotions} promotions and ${plan.auditEvents} audit events in ` +
          `${((performance.now() - seedStarted) / 1000).toFixed(0)} s.`,
      );
      const serve = await startFerryServe(
        { configPath: config.configPath, dir: dir.path, logLevel: options.logLevel, env },
        run,
      );
      const pool = new Pool(serve.url, { connections: 1 });
      run.defer('reader', () => pool.close());
      for (const endpoint of endpoints) {
        measured.push(await measureEndpoint(options, store, endpoint, pool, config.viewerToken));
        const last = measured[measured.length - 1]!;
        progress(`${endpoint.name}: p95 ${percentile(last.samples, 95)?.toFixed(1)} ms`);
      }
      await serve.stop();
    } finally {
      await run.runAll();
    }
  }

  const metrics: ServiceMetric[] = measured.map((m) => ({
    name: `${m.store}: ${m.endpoint} p95`,
    unit: 'ms',
    value: percentile(m.samples, 95),
    target: m.endpoint.startsWith('baseline') ? undefined : { op: '<', value: TARGET_MS[m.store] },
  }));
  const details: DetailTable[] = [
    {
      title: 'service-cost-growth requests (ms)',
      header: ['store', 'endpoint', 'requests', 'p50', 'p95', 'max'],
      rows: measured.map((m) => [
        m.store,
        m.endpoint,
        String(m.samples.length),
        median(m.samples)?.toFixed(1) ?? '—',
        percentile(m.samples, 95)?.toFixed(1) ?? '—',
        percentile(m.samples, 100)?.toFixed(1) ?? '—',
      ]),
    },
  ];
  return {
    scenario: 'service-cost-growth',
    summary:
      `${plan.promotions} promotions and ${plan.auditEvents} audit events in each store; ${profile.costRequests} ` +
      'requests per endpoint, one at a time (viewer token, keep-alive), after a warm-up of a tenth as many.',
    metrics,
    failures: measured.flatMap((m) => m.failures.map((f) => `${m.store} ${m.endpoint}: ${f}`)),
    notes: [
      ...seedNotes,
      `Seeded through ferry's own migrations, then \`INSERT … SELECT generate_series\` (bench/seed-store.ts): ` +
        `${REPOSITORIES} repositories, one promotion in ${FAILED_EVERY} failed, ` +
        `${Math.ceil(plan.auditEvents / plan.promotions)} audit events each. PostgreSQL then gets \`VACUUM ANALYZE\`: the ` +
        'steady state autovacuum reaches for tables that grew over time (timed right after the bulk load, ' +
        'autovacuum and first-touch hint-bit writes ran during the requests). ' +
        'The embedded store gets nothing: it has no autovacuum and ferry runs no ANALYZE.',
      'Time is client-side from just before the request to the end of the body; the details page of a ' +
        'promotion includes its timeline (audit events) and approvals.',
    ],
    details,
    samplesMs: measured.flatMap((m) => m.samples),
  };
}

async function measureEndpoint(
  options: CostGrowthOptions,
  store: Store,
  endpoint: Endpoint,
  pool: Pool,
  token: string,
): Promise<Measured> {
  const count = options.profile.costRequests;
  const warmup = Math.max(1, Math.floor(count / 10));
  const samples: number[] = [];
  const failures: string[] = [];
  for (let i = 0; i < warmup + count; i++) {
    options.signal.throwIfAborted();
    const path = endpoint.path(i);
    const started = performance.now();
    const res = await pool.request({ path, method: 'GET', headers: { authorization: `Bearer ${token}` } });
    const body = await res.body.text();
    const ms = performance.now() - started;
    if (res.statusCode !== 200) {
      if (failures.length < 5) failures.push(`${path}: HTTP ${res.statusCode} ${body.slice(0, 200)}`);
      continue;
    }
    if (i >= warmup) samples.push(ms);
  }
  return { store, endpoint: endpoint.name, samples, failures };
}
