import type { Database } from '../src/service/store/database.ts';
import { migrate } from '../src/service/store/migrate.ts';

/** What service-cost-growth puts into a store before it measures. */
export interface SeedPlan {
  readonly promotions: number;
  readonly auditEvents: number;
  /** Source repositories the promotions are spread over (`bench/app-0` …), round-robin. */
  readonly repositories: number;
}

/** One promotion in this many failed (the rest succeeded): what `?status=failed` finds. */
export const FAILED_EVERY = 100;

/** Rows per INSERT: big enough to be bulk, small enough for the embedded engine's memory. */
const CHUNK = 100_000;

/** The id of seeded promotion `n` (1-based): UUID-shaped like ferry's own ids (version 7, variant 8). */
export function seededId(n: number): string {
  return `${n.toString(16).padStart(8, '0')}-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;
}

/**
 * Fills a store through its own schema: ferry's migrations first (the same `migrate` `ferry serve` runs),
 * then `INSERT … SELECT generate_series` in chunks — no per-row API calls. Promotions look like what the
 * Standard Webhooks trigger records (rule `bench`, `bench/app-<n>` → prod, one a minute from 2026-01-01),
 * each with `auditEvents / promotions` audit events (accepted, started, copied …, succeeded/failed).
 */
export async function seedStore(
  db: Database,
  plan: SeedPlan,
  progress: (what: string) => void,
): Promise<void> {
  await migrate(db);
  const id = (g: string) => `lpad(to_hex(${g}), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(${g}), 12, '0')`;
  for (let from = 1; from <= plan.promotions; from += CHUNK) {
    const to = Math.min(plan.promotions, from + CHUNK - 1);
    await db.exec(`
INSERT INTO promotions (id, rule, source_environment, source_registry, source_repository, source_tag,
  source_digest, destination_environment, destination_registry, destination_repository, destination_tag,
  status, reason, requested_by, trigger_kind, attempts, result_digest, bytes_copied, created_at, updated_at,
  started_at, finished_at)
SELECT ${id('g')}, 'bench', 'nonprod', 'nonprod.example.com', 'bench/app-' || (g % ${plan.repositories}),
  'build-' || g, 'sha256:' || md5('s' || g) || md5('t' || g), 'prod', 'prod.example.com',
  'bench/app-' || (g % ${plan.repositories}), 'build-' || g,
  CASE WHEN g % ${FAILED_EVERY} = 0 THEN 'failed' ELSE 'succeeded' END,
  CASE WHEN g % ${FAILED_EVERY} = 0 THEN 'registry answered 503 Service Unavailable' END,
  'standard-webhooks#1', 'standard-webhook', 1,
  CASE WHEN g % ${FAILED_EVERY} = 0 THEN NULL ELSE 'sha256:' || md5('s' || g) || md5('t' || g) END,
  3670016, ts, ts + interval '2 s', ts + interval '100 ms', ts + interval '2 s'
FROM (SELECT g, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute' AS ts
      FROM generate_series(${from}, ${to}) g) s`);
    progress(`${to} promotions`);
  }
  const perPromotion = Math.ceil(plan.auditEvents / plan.promotions);
  const promotionsPerChunk = Math.max(1, Math.floor(CHUNK / perPromotion));
  let events = 0;
  for (let from = 1; from <= plan.promotions && events < plan.auditEvents; from += promotionsPerChunk) {
    const to = Math.min(plan.promotions, from + promotionsPerChunk - 1);
    const limit = plan.auditEvents - events;
    await db.exec(`
INSERT INTO audit_events (promotion_id, at, actor, kind, digest, outcome, bytes, detail)
SELECT ${id('g')}, timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute' + k * interval '100 ms',
  CASE WHEN k = 1 THEN 'standard-webhooks#1' ELSE 'ferry' END,
  CASE WHEN k = 1 THEN 'accepted' WHEN k = 2 THEN 'started' WHEN k = ${perPromotion}
       THEN CASE WHEN g % ${FAILED_EVERY} = 0 THEN 'failed' ELSE 'succeeded' END ELSE 'copied' END,
  'sha256:' || md5('s' || g) || md5('t' || g), 'ok',
  CASE WHEN k > 2 AND k < ${perPromotion} THEN 524288 END,
  jsonb_build_object('replica', 'bench-host/1234', 'attempt', 1)
FROM generate_series(${from}, ${to}) g CROSS JOIN generate_series(1, ${perPromotion}) k
ORDER BY g, k
LIMIT ${limit}`);
    events += Math.min(limit, (to - from + 1) * perPromotion);
    progress(`${events} audit events`);
  }
}
