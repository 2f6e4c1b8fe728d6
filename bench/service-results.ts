/** The promotion-service scenarios (`ferry serve`), reported in their own table. */
export const SERVICE_SCENARIO_IDS = [
  'service-latency',
  'service-throughput',
  'service-scale-out',
  'service-cost-growth',
] as const;
export type ServiceScenarioId = (typeof SERVICE_SCENARIO_IDS)[number];
/** The scenarios that share one embedded `ferry serve` (service-bench.ts); the others set up their own. */
export const SHARED_SERVE_SCENARIO_IDS = ['service-latency', 'service-throughput'] as const;
export type SharedServeScenarioId = (typeof SHARED_SERVE_SCENARIO_IDS)[number];

/** A bound a metric must stay within (`<` is strict, `≤`/`≥` inclusive). */
export interface ServiceTarget {
  readonly op: '≤' | '<' | '≥';
  readonly value: number;
}

/** One row of the "Promotion service" table. */
export interface ServiceMetric {
  readonly name: string;
  readonly unit: 'ms' | '/s' | '/min' | '×' | 'count';
  /** Undefined when nothing was measured (every request failed). */
  readonly value: number | undefined;
  /** Undefined for figures reported for information only. */
  readonly target: ServiceTarget | undefined;
}

/** A small table of per-sample or per-stage figures for the details section. */
export interface DetailTable {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
}

export interface ServiceResult {
  readonly scenario: ServiceScenarioId;
  readonly summary: string;
  readonly metrics: readonly ServiceMetric[];
  /** Failed requests or promotions; any failure fails every target of the scenario. */
  readonly failures: readonly string[];
  readonly notes: readonly string[];
  readonly details: readonly DetailTable[];
  /** Raw measured latencies in ms, for results.json. */
  readonly samplesMs: readonly number[];
}

export function meetsTarget(value: number, target: ServiceTarget): boolean {
  switch (target.op) {
    case '≤':
      return value <= target.value;
    case '<':
      return value < target.value;
    case '≥':
      return value >= target.value;
  }
}
