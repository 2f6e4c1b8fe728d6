import type { Network } from './environment.ts';
import type { ScenarioId, Target } from './scenarios.ts';
import type { Tool } from './tools.ts';

/** One measured tool invocation. */
export interface RunRecord {
  readonly iteration: number;
  readonly tool: Tool;
  /** 1 when the tool went first in its iteration, 2 when second (the order alternates). */
  readonly position: 1 | 2;
  readonly seconds: number;
  readonly peakRssKiB: number | undefined;
  /** `host/repo:tag` the tool copied to. */
  readonly destination: string;
  /** Undefined when the run succeeded: exit code 0 and the destination digest equals the source's. */
  readonly failure: string | undefined;
}

export interface CaseResult {
  readonly scenario: ScenarioId;
  readonly network: Network;
  /** Row name in the table. */
  readonly label: string;
  readonly target: Target | undefined;
  readonly runs: readonly RunRecord[];
}
