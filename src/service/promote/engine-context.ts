import { hostname } from 'node:os';
import type { Registries } from '../../registry/registries.ts';
import type { FerryConfig, PromotionRule } from '../config/schema.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import type { Database } from '../store/database.ts';
import type { EndpointLookup } from './endpoints.ts';
import type { PromotionEvents } from './promotion-events.ts';

/**
 * Structured logging as the engine uses it; a pino logger fits as is. Fields name promotions, digests
 * and references, never credentials.
 */
export interface PromotionLogger {
  /** Per-chunk detail (upload checkpoints); optional, pino has it. */
  debug?(fields: Record<string, unknown>, message: string): void;
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export const silentLogger: PromotionLogger = Object.freeze({
  info: () => {},
  warn: () => {},
  error: () => {},
});

/** What the engine's parts share; built once by createPromotionEngine. */
export interface EngineContext {
  readonly config: FerryConfig;
  readonly db: Database;
  readonly queue: JobQueue;
  readonly registries: Registries;
  readonly endpoint: EndpointLookup;
  readonly events: PromotionEvents;
  readonly logger: PromotionLogger;
  /** Milliseconds, for throttling and durations (injectable for tests). */
  readonly now: () => number;
  /**
   * Which replica this engine is, as people look for it: `<host name>/<pid>` (in Kubernetes the host
   * name is the pod name). Named by every started/resumed/interrupted event and run log line, so a
   * promotion's timeline says where each attempt ran.
   */
  readonly replica: string;
}

/** The default replica name: host name (the pod name in Kubernetes) and process id. */
export function defaultReplicaName(): string {
  return `${hostname()}/${process.pid}`;
}

/** The rule a stored promotion was made under, by name, in the config now in force. */
export function ruleNamed(config: Pick<FerryConfig, 'promotions'>, name: string): PromotionRule | undefined {
  return config.promotions.find((rule) => rule.name === name);
}
