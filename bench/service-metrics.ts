/** Terminal promotions so far, from the service's Prometheus counter `ferry_promotions_total{outcome}`. */
export interface TerminalCounts {
  readonly succeeded: number;
  /** failed + rejected + cancelled. */
  readonly unsuccessful: number;
}

const COUNTER_RE = /^ferry_promotions_total\{outcome="([a-z_]+)"\} ([0-9.e+]+)$/gm;

/** Reads `GET /metrics` (unauthenticated, like a Prometheus scrape). */
export async function terminalCounts(serverUrl: string, signal: AbortSignal): Promise<TerminalCounts> {
  const res = await fetch(`${serverUrl}/metrics`, { signal });
  if (!res.ok) throw new Error(`GET /metrics: HTTP ${res.status}`);
  let succeeded = 0;
  let unsuccessful = 0;
  for (const [, outcome, value] of (await res.text()).matchAll(COUNTER_RE)) {
    if (outcome === 'succeeded') succeeded += Number(value);
    else unsuccessful += Number(value);
  }
  return { succeeded, unsuccessful };
}
