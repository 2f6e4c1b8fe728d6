import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../test/rig/run-command.ts';
import type { MachineInfo, RunConditions, Versions } from './machine-info.ts';
import { formatBytes, type Profile } from './profile.ts';
import type { CaseResult, RunRecord } from './results.ts';
import {
  meetsTarget,
  SERVICE_SCENARIO_IDS,
  type ServiceMetric,
  type ServiceResult,
  type ServiceTarget,
} from './service-results.ts';
import { median, ratio } from './stats.ts';
import type { Tool } from './tools.ts';

export interface BenchReport {
  readonly date: string;
  readonly profile: Profile;
  readonly scenarios: readonly string[];
  readonly machine: MachineInfo;
  readonly versions: Versions;
  readonly conditions: RunConditions;
  readonly cases: readonly CaseResult[];
  readonly notes: readonly string[];
  /** Promotion-service scenarios (`ferry serve`), in their own table. */
  readonly service: readonly ServiceResult[];
  /** Notes about the service setup shared by its scenarios. */
  readonly serviceNotes: readonly string[];
  readonly totalRuntimeSeconds: number;
  /** 1/5/15-minute load averages: other work on the machine skews timings, so say how busy it was. */
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  /** Set when the run stopped early (Ctrl-C or an error); results are partial. */
  readonly incomplete: string | undefined;
}

interface ToolSummary {
  readonly medianSeconds: number | undefined;
  readonly okRuns: number;
  readonly failedRuns: number;
  readonly maxPeakRssMiB: number | undefined;
  readonly medianPeakRssMiB: number | undefined;
}

type Verdict = 'yes' | 'no' | 'n/a' | 'info';

/** A table row: the wall-time comparison of a case, or big-layer's memory check. */
interface Row {
  readonly label: string;
  readonly ferry: string;
  readonly skopeo: string;
  readonly ratio: string;
  readonly target: string;
  readonly met: Verdict;
}

const MiB_PER_KiB = 1 / 1024;
const BIOME = fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url));

function summarise(runs: readonly RunRecord[], tool: Tool): ToolSummary {
  const mine = runs.filter((r) => r.tool === tool);
  const ok = mine.filter((r) => r.failure === undefined);
  // RSS of failed runs is still memory the tool used, so it counts.
  const rss = mine.flatMap((r) => (r.peakRssKiB === undefined ? [] : [r.peakRssKiB * MiB_PER_KiB]));
  return {
    medianSeconds: median(ok.map((r) => r.seconds)),
    okRuns: ok.length,
    failedRuns: mine.length - ok.length,
    maxPeakRssMiB: rss.length > 0 ? Math.max(...rss) : undefined,
    medianPeakRssMiB: median(rss),
  };
}

function rowsFor(c: CaseResult): Row[] {
  const ferry = summarise(c.runs, 'ferry');
  const skopeo = summarise(c.runs, 'skopeo');
  const r = ratio(ferry.medianSeconds, skopeo.medianSeconds);
  const rows: Row[] = [
    {
      label: c.label,
      ferry: seconds(ferry),
      skopeo: seconds(skopeo),
      ratio: r === undefined ? 'n/a' : `${r.toFixed(2)}×`,
      target: c.target === undefined ? '(info)' : `≤ ${c.target.maxRatio.toFixed(2)}×`,
      met: c.target === undefined ? 'info' : verdict(ferry, r, c.target.maxRatio),
    },
  ];
  const rssLimit = c.target?.maxFerryPeakRssMiB;
  if (rssLimit !== undefined) {
    const rssRatio = ratio(ferry.maxPeakRssMiB, skopeo.maxPeakRssMiB);
    rows.push({
      label: `${c.label} peak RSS (MiB, max of runs)`,
      ferry: mib(ferry.maxPeakRssMiB),
      skopeo: mib(skopeo.maxPeakRssMiB),
      ratio: rssRatio === undefined ? 'n/a' : `${rssRatio.toFixed(2)}×`,
      target: `ferry ≤ ${rssLimit} MiB`,
      met: ferry.maxPeakRssMiB === undefined ? 'n/a' : ferry.maxPeakRssMiB <= rssLimit ? 'yes' : 'no',
    });
  }
  return rows;
}

/** A failing ferry run fails the target even when the median of the others is fast enough. */
function verdict(ferry: ToolSummary, r: number | undefined, maxRatio: number): Verdict {
  if (ferry.failedRuns > 0) return 'no';
  if (r === undefined) return 'n/a';
  return r <= maxRatio ? 'yes' : 'no';
}

function seconds(s: ToolSummary): string {
  const value = s.medianSeconds === undefined ? '—' : s.medianSeconds.toFixed(3);
  return s.failedRuns > 0 ? `${value} (${s.failedRuns}/${s.okRuns + s.failedRuns} failed)` : value;
}

function mib(value: number | undefined): string {
  return value === undefined ? '—' : value.toFixed(1);
}

/** Columns padded to equal width: readable on stdout, and already in Biome's markdown format. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function summaryTable(report: BenchReport): string {
  const rows = report.cases.flatMap(rowsFor);
  return table(
    ['scenario', 'ferry median (s)', 'skopeo median (s)', 'ratio', 'target', 'met?'],
    rows.map((r) => [r.label, r.ferry, r.skopeo, r.ratio, r.target, r.met === 'info' ? '—' : r.met]),
  );
}

function withUnit(value: number, unit: ServiceMetric['unit'], digits: number): string {
  switch (unit) {
    case 'ms':
      return `${value.toFixed(digits)} ms`;
    case '/s':
    case '/min':
      return `${value.toFixed(digits === 0 ? 0 : 1)}${unit}`;
    case '×':
      return `${value.toFixed(2)}×`;
    case 'count':
      return value.toFixed(0);
  }
}

function formatValue(value: number | undefined, unit: ServiceMetric['unit']): string {
  if (value === undefined) return '—';
  return withUnit(value, unit, unit === 'ms' || unit === '/min' ? 1 : 0);
}

function formatTarget(target: ServiceTarget | undefined, unit: ServiceMetric['unit']): string {
  if (target === undefined) return '(info)';
  return `${target.op} ${withUnit(target.value, unit, 0)}`;
}

/** A failed request or promotion fails every judged metric of its scenario. */
function serviceVerdict(result: ServiceResult, metric: ServiceMetric): Verdict {
  if (metric.target === undefined) return 'info';
  if (result.failures.length > 0) return 'no';
  if (metric.value === undefined) return 'n/a';
  return meetsTarget(metric.value, metric.target) ? 'yes' : 'no';
}

export function serviceTable(report: BenchReport): string {
  return table(
    ['metric', 'value', 'target', 'met?'],
    report.service.flatMap((result) =>
      result.metrics.map((metric) => {
        const met = serviceVerdict(result, metric);
        return [
          `${result.scenario}: ${metric.name}`,
          formatValue(metric.value, metric.unit),
          formatTarget(metric.target, metric.unit),
          met === 'info' ? '—' : met,
        ];
      }),
    ),
  );
}

/** The copy comparison is rendered only when a copy scenario was selected. */
function hasCopyScenarios(report: BenchReport): boolean {
  const service: readonly string[] = SERVICE_SCENARIO_IDS;
  return report.cases.length > 0 || report.scenarios.some((id) => !service.includes(id));
}

function serviceSection(report: BenchReport): string[] {
  const p = report.profile;
  const out: string[] = [
    '## Promotion service',
    '',
    `\`ferry serve\` as a real process; ${p.serviceLatencyIterations} latency rounds, ` +
      `${p.serviceThroughputTriggers} throughput triggers with ${p.serviceThroughputConcurrency} in flight. ` +
      'Percentiles are nearest-rank.',
    '',
    serviceTable(report),
    '',
    ...report.serviceNotes.map((n) => `- ${n}`),
  ];
  for (const result of report.service) {
    out.push(`- **${result.scenario}**: ${result.summary}`);
    for (const note of result.notes) out.push(`  - ${note}`);
    for (const failure of result.failures) out.push(`  - FAILED: ${failure}`);
  }
  out.push('');
  return out;
}

export function renderMarkdown(report: BenchReport): string {
  const { profile: p, machine: m, versions: v } = report;
  const copy = hasCopyScenarios(report);
  const out: string[] = [
    '# ferry benchmark',
    '',
    ...(report.incomplete ? [`**INCOMPLETE RUN:** ${report.incomplete}`, ''] : []),
    `- Date: ${report.date}`,
    `- Machine: ${m.cpuModel}, ${m.cores} cores, ${(m.totalMemoryBytes / 1024 ** 3).toFixed(1)} GiB RAM, kernel ${m.kernel}`,
    `- ferry: ${v.ferry}, on Node ${v.ferryNode}`,
    `- skopeo: ${v.skopeo}`,
    `- registry: ${v.registry} (anonymous, plain HTTP, loopback)`,
    ...(copy
      ? [
          `- Profile: ${p.name}; ${p.iterations} iterations per tool (big-layer: ${p.bigLayerIterations}); scenarios: ${report.scenarios.join(', ')}`,
          `- Sizes: main image ${p.mainLayerCount} × ${formatBytes(p.mainLayerBytes)}; multi-arch ${p.multiArchPlatforms.length} platforms × ${p.multiArchLayersPerPlatform} × ${formatBytes(p.multiArchLayerBytes)}; big layer ${formatBytes(p.bigLayerBytes)}`,
        ]
      : [`- Profile: ${p.name}; scenarios: ${report.scenarios.join(', ')}`]),
    `- Total runtime: ${report.totalRuntimeSeconds.toFixed(0)} s`,
    `- Load average (1/5/15 min) at start ${loads(report.loadAverage.start)}, at end ${loads(report.loadAverage.end)}`,
    '',
  ];
  if (copy) {
    out.push(
      'Times are wall clock from spawn to exit of each tool process (start-up included), medians of the',
      'successful runs; ratio = ferry median / skopeo median. Rows marked "(info)" are reported, not judged.',
      '',
      summaryTable(report),
      '',
      '## Notes',
      '',
      `- Peak RSS: ${report.conditions.rssMethod === 'gnu-time' ? '`/usr/bin/time -f %M` (wait4 rusage of the tool process)' : 'VmHWM of /proc/<pid>/status, sampled every 50 ms'}.`,
      `- Tools ran as ${report.conditions.toolsRunAsNobody ? '`nobody` (as root, skopeo would share a persistent blob-info cache in /var/lib/containers/cache and cross-repo mount on "fresh" copies)' : 'the current user'}, each run in a fresh hermetic HOME/auth/policy environment.`,
      '- rtt50: the rig latency proxy (25 ms each way) in front of both registries. Setup and verification talk to the registries directly.',
      ...report.notes.map((n) => `- ${n}`),
      '',
    );
  }
  if (report.service.length > 0 || report.serviceNotes.length > 0) out.push(...serviceSection(report));
  out.push('## Details', '');
  for (const c of report.cases) {
    out.push(`### ${c.label}`, '');
    const iterations = [...new Set(c.runs.map((r) => r.iteration))].sort((a, b) => a - b);
    out.push(
      table(
        ['#', 'first', 'ferry (s)', 'ferry RSS (MiB)', 'skopeo (s)', 'skopeo RSS (MiB)'],
        iterations.map((i) => {
          const f = c.runs.find((r) => r.iteration === i && r.tool === 'ferry');
          const s = c.runs.find((r) => r.iteration === i && r.tool === 'skopeo');
          const first = c.runs.find((r) => r.iteration === i && r.position === 1)?.tool ?? '?';
          return [String(i + 1), first, runTime(f), runRss(f), runTime(s), runRss(s)];
        }),
      ),
      '',
    );
    const failures = c.runs.filter((r) => r.failure !== undefined);
    for (const f of failures) {
      out.push(
        `Failed: ${f.tool} run ${f.iteration + 1} → ${f.destination}:`,
        '',
        '```',
        f.failure ?? '',
        '```',
        '',
      );
    }
  }
  for (const result of report.service) {
    for (const detail of result.details) {
      out.push(`### ${detail.title}`, '', table(detail.header, detail.rows), '');
    }
  }
  return `${out.join('\n')}\n`;
}

function loads(values: readonly number[]): string {
  return values.map((v) => v.toFixed(2)).join(' / ');
}

function runTime(r: RunRecord | undefined): string {
  if (r === undefined) return '—';
  return r.failure === undefined ? r.seconds.toFixed(3) : `${r.seconds.toFixed(3)} FAILED`;
}

function runRss(r: RunRecord | undefined): string {
  return r?.peakRssKiB === undefined ? '—' : (r.peakRssKiB / 1024).toFixed(1);
}

export function renderJson(report: BenchReport): string {
  return `${JSON.stringify(
    {
      ...report,
      cases: report.cases.map((c) => {
        const ferry = summarise(c.runs, 'ferry');
        const skopeo = summarise(c.runs, 'skopeo');
        const r = ratio(ferry.medianSeconds, skopeo.medianSeconds);
        return {
          ...c,
          ferry,
          skopeo,
          ratio: r ?? null,
          met: rowsFor(c).map((row) => ({ row: row.label, target: row.target, met: row.met })),
        };
      }),
      service: report.service.map((result) => ({
        ...result,
        metrics: result.metrics.map((metric) => ({ ...metric, met: serviceVerdict(result, metric) })),
      })),
    },
    (_key, value: unknown) => (value === undefined ? null : value),
    2,
  )}\n`;
}

export async function writeReports(
  report: BenchReport,
  markdownPath: string,
  jsonPath: string,
): Promise<void> {
  await writeFile(markdownPath, renderMarkdown(report));
  await writeFile(jsonPath, renderJson(report));
  // The results live in bench/, which `biome check` covers: leave them the way it wants them.
  const formatted = await runCommand(BIOME, ['format', '--write', markdownPath, jsonPath]).catch(
    (err: unknown) => ({ code: -1, stderr: String(err) }),
  );
  if (formatted.code !== 0) {
    process.stderr.write(`bench: biome format of the results failed: ${formatted.stderr.trim()}\n`);
  }
}
