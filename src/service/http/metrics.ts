/**
 * ferry's Prometheus metrics, in a registry of its own per `createMetrics()` call: prom-client's global
 * default registry would make two apps in one process (tests, a restart inside the process) share and
 * double-register counters. The composition root creates one, hands it to the HTTP app (which serves
 * and records HTTP traffic) and to the promotion engine (which records outcomes and bytes), so neither
 * imports prom-client.
 *
 *   ferry_promotions_total{outcome}                 promotions that reached a terminal status
 *   ferry_promotion_duration_seconds{outcome}       acceptance → terminal status
 *   ferry_bytes_copied_total{kind}                  copied | mounted | skipped (already there)
 *   ferry_queue_depth                               promotion jobs waiting to run, read at scrape time
 *   ferry_promotions_running                        promotion jobs a worker is running, read at scrape time
 *   ferry_http_requests_total{route,status}         by route *pattern*, never the raw URL
 *
 * Label values are closed sets (statuses, byte kinds, registered route patterns) so cardinality stays
 * bounded whatever clients send.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Terminal outcomes of a promotion, the `outcome` label. */
export type PromotionOutcome = 'succeeded' | 'failed' | 'rejected' | 'cancelled';

/** How bytes reached the destination, the `kind` label: streamed, cross-repository mounted, or skipped as already present. */
export type ByteKind = 'copied' | 'mounted' | 'skipped';

export interface CreateMetricsOptions {
  /**
   * Current queue depth, called at every scrape (so it costs nothing between scrapes). A failure or
   * absence reports NaN ("unknown") rather than failing the whole scrape.
   */
  readonly queueDepth?: (() => number | Promise<number>) | undefined;
  /** Promotions running now (claimed jobs), called at every scrape; NaN when it fails or is absent. */
  readonly promotionsRunning?: (() => number | Promise<number>) | undefined;
  /** Also export prom-client's process metrics (CPU, memory, event-loop lag, GC). Default false. */
  readonly processMetrics?: boolean | undefined;
  /** Histogram buckets for promotion durations, in seconds. Default: 0.25 s … 1 h. */
  readonly durationBuckets?: readonly number[] | undefined;
}

export interface FerryMetrics {
  /** The registry `/metrics` serves. */
  readonly registry: Registry;
  /** Records a promotion reaching `outcome`, `durationSeconds` after it was accepted. */
  recordPromotion(outcome: PromotionOutcome, durationSeconds: number): void;
  /** Adds bytes moved (or avoided) for one blob or manifest. Negative or non-finite values are ignored. */
  addBytes(kind: ByteKind, bytes: number): void;
  /** Records one answered HTTP request; `route` is the route pattern (`/api/v1/promotions/:id`). */
  recordHttpRequest(route: string, status: number): void;
  /** The exposition text and its Content-Type. */
  expose(): Promise<{ contentType: string; body: string }>;
}

// A promotion of an already-present image takes well under a second (target p95 ≤ 1 s); a cold copy of
// a multi-GiB image can take many minutes; approvals can hold one for hours (the last bucket catches those).
const DEFAULT_DURATION_BUCKETS = [0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export function createMetrics(options: CreateMetricsOptions = {}): FerryMetrics {
  const registry = new Registry();
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry });

  const promotions = new Counter({
    name: 'ferry_promotions_total',
    help: 'Promotions that reached a terminal status, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'ferry_promotion_duration_seconds',
    help: 'Time from acceptance to terminal status, by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [...(options.durationBuckets ?? DEFAULT_DURATION_BUCKETS)],
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'ferry_bytes_copied_total',
    help: 'Bytes of blobs and manifests promoted, by how they reached the destination.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  scrapedGauge(registry, {
    name: 'ferry_queue_depth',
    help: 'Promotion jobs waiting to run, now or after a retry backoff (NaN when the queue could not be read).',
    read: options.queueDepth,
  });
  scrapedGauge(registry, {
    name: 'ferry_promotions_running',
    help: 'Promotion jobs claimed by a worker and not yet settled (NaN when the queue could not be read).',
    read: options.promotionsRunning,
  });
  const httpRequests = new Counter({
    name: 'ferry_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status code.',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });

  // Zero-valued series for every outcome and kind, so rate() and dashboards work before the first event.
  for (const outcome of ['succeeded', 'failed', 'rejected', 'cancelled'] as const)
    promotions.inc({ outcome }, 0);
  for (const kind of ['copied', 'mounted', 'skipped'] as const) bytes.inc({ kind }, 0);

  return {
    registry,
    recordPromotion(outcome, durationSeconds) {
      promotions.inc({ outcome });
      if (Number.isFinite(durationSeconds) && durationSeconds >= 0)
        duration.observe({ outcome }, durationSeconds);
    },
    addBytes(kind, count) {
      if (Number.isFinite(count) && count > 0) bytes.inc({ kind }, count);
    },
    recordHttpRequest(route, status) {
      httpRequests.inc({ route, status: String(status) });
    },
    async expose() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** A gauge read from a source at scrape time; a failing or missing source reports NaN ("unknown"). */
function scrapedGauge(
  registry: Registry,
  options: { name: string; help: string; read: (() => number | Promise<number>) | undefined },
): void {
  const { read } = options;
  new Gauge({
    name: options.name,
    help: options.help,
    registers: [registry],
    async collect() {
      if (read === undefined) {
        this.set(Number.NaN);
        return;
      }
      try {
        this.set(await read());
      } catch {
        // A scrape must not fail because the database is briefly away; /readyz reports that.
        this.set(Number.NaN);
      }
    },
  });
}
