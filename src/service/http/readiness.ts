/**
 * What `/readyz` answers: whether this replica can do its work right now, not merely whether it once
 * started. Ready means start-up finished (config, database, migrations, queue, workers), the database
 * answers a trivial query within `timeoutMs`, and the job queue is running. A replica that loses its
 * database is taken out of the Service until the database answers again; liveness (`/healthz`) stays
 * independent, so such a replica is not restarted for a problem a restart cannot fix.
 *
 * Probes arrive every few seconds from every kubelet and load balancer: one check runs at a time and
 * concurrent probes share its answer, so a hanging database never piles up queries.
 */
import type { JobQueue } from '../queue/job-queue.ts';
import type { Database } from '../store/database.ts';

export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

export interface ReadinessCheckOptions {
  /** True once start-up finished and until shutdown began. */
  readonly started: () => boolean;
  readonly db: Pick<Database, 'query'>;
  readonly queue: Pick<JobQueue, 'isRunning'>;
  /** How long the database may take to answer. Default 2000 ms (probe timeouts are usually 1–5 s). */
  readonly timeoutMs?: number | undefined;
  /** Told why the database check failed (the answer itself stays generic). */
  readonly onDatabaseError?: ((err: unknown) => void) | undefined;
}

export const DEFAULT_READINESS_TIMEOUT_MS = 2000;

export function createReadinessCheck(options: ReadinessCheckOptions): () => Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
  let inFlight: Promise<Readiness> | undefined;

  async function pingDatabase(): Promise<Readiness> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Readiness>((resolve) => {
      timer = setTimeout(
        () => resolve({ ready: false, reason: `the database did not answer within ${timeoutMs} ms` }),
        timeoutMs,
      );
    });
    const ping = options.db.query('SELECT 1').then(
      (): Readiness => ({ ready: true }),
      (err: unknown): Readiness => {
        options.onDatabaseError?.(err);
        // The driver's message can name hosts and users; the log gets it, the unauthenticated probe not.
        return { ready: false, reason: 'the database is not reachable' };
      },
    );
    try {
      return await Promise.race([ping, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function check(): Promise<Readiness> {
    if (!options.started()) return { ready: false, reason: 'start-up has not finished or shutdown began' };
    if (!options.queue.isRunning()) return { ready: false, reason: 'the job queue is not running' };
    return pingDatabase();
  }

  return () => {
    inFlight ??= check().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
