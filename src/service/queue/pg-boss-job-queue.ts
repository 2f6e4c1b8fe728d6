import { randomUUID } from 'node:crypto';
import {
  type CommandResponse,
  type ConstructorOptions,
  type Db,
  fromPglite,
  type JobInsert,
  type JobWithMetadata,
  PgBoss,
} from 'pg-boss';
import { atomically, type Database } from '../store/database.ts';
import type { PgDatabase } from '../store/pg-database.ts';
import type { PgliteDatabase } from '../store/pglite-database.ts';
import { StoreError, StoreErrorCode, toStoreError } from '../store/store-error.ts';
import type {
  EnqueueOptions,
  EnqueueResult,
  FailOptions,
  FailOutcome,
  Job,
  JobKindConfig,
  JobQueue,
  NewJob,
  QueueDepth,
} from './job-queue.ts';

/*
 * JobQueue on pg-boss (https://github.com/timgit/pg-boss): SKIP LOCKED claims, retries with exponential
 * backoff, expiry and heartbeats, its own versioned and advisory-locked schema migrations. It runs on
 * PostgreSQL through its own small pool and on PGlite through its first-party adapter (`fromPglite`,
 * `backend: 'pglite'`), so the embedded and the server deployments share one queue implementation.
 *
 * Its tables live in their own schema (default `ferry_jobs`), migrated by pg-boss at start; ferry's own
 * migrations never touch them.
 *
 * Every kind is an `exclusive` pg-boss queue: at most one queued-or-active job per singleton key. Jobs
 * enqueued without a dedupeKey get a unique key, so only keyed jobs ever collide.
 */

export interface PgBossJobQueueOptions {
  /** The store's database; the queue uses the same PostgreSQL database or PGlite engine. */
  readonly database: PgliteDatabase | PgDatabase;
  readonly kinds: Readonly<Record<string, JobKindConfig>>;
  /**
   * Run expiry and retention on a timer, as production does (with several replicas pg-boss elects one
   * per interval). Tests pass false and call recoverExpired() when they mean it. Default true.
   */
  readonly supervise?: boolean | undefined;
  /** How often lapsed leases are looked for (pg-boss supervise and monitor passes). Default 30 and 60. */
  readonly superviseIntervalSeconds?: number | undefined;
  /** Default `ferry_jobs`. */
  readonly schema?: string | undefined;
  /** PostgreSQL only: size of pg-boss's own pool. Default 4. */
  readonly poolSize?: number | undefined;
  /** Background errors (maintenance, cache refresh). Default: a process warning. */
  readonly onError?: ((err: Error) => void) | undefined;
}

const DEFAULT_KEEP_SETTLED_SECONDS = 7 * 24 * 3600;
const UNIQUE_KEY_PREFIX = 'ferry:unique:';

/** pg-boss's adapter interface over one of our transaction handles, so its statements join that transaction. */
function inTransaction(tx: Database): Db {
  return { executeSql: (text, values) => tx.query(text, values ?? []) };
}

/**
 * How many jobs a complete/fail/touch changed. pg-boss returns `{ jobs, requested, affected, settled }`
 * but its published CommandResponse type is empty, so the field is read defensively.
 */
function affected(response: CommandResponse): number {
  const value = (response as { affected?: unknown }).affected;
  return typeof value === 'number' ? value : 0;
}

/** pg-boss's `startAfter` as its send() would normalise it: an ISO time, or whole seconds from now. */
function startAfter(runAfter: Date | number | undefined): { startAfter?: string } {
  if (runAfter === undefined) return {};
  if (runAfter instanceof Date) return { startAfter: runAfter.toISOString() };
  const seconds = Math.max(0, Math.ceil(runAfter / 1000));
  return seconds > 0 ? { startAfter: String(seconds) } : {};
}

function errorOutput(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { message: error.message, name: error.name, ...(typeof code === 'string' ? { code } : {}) };
  }
  return { message: String(error) };
}

export async function openPgBossJobQueue(options: PgBossJobQueueOptions): Promise<JobQueue> {
  const schema = options.schema ?? 'ferry_jobs';
  // Interpolated into the depth query as an identifier; parameters cannot stand for identifiers.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError(StoreErrorCode.Queue, `invalid job queue schema name ${JSON.stringify(schema)}`);
  }
  for (const [kind, config] of Object.entries(options.kinds)) validateKind(kind, config);
  const { database } = options;
  const connection: ConstructorOptions =
    database.kind === 'pglite'
      ? { db: fromPglite(database.gatedEngine()), backend: 'pglite' }
      : { connectionString: database.url, max: options.poolSize ?? 4, application_name: 'ferry-jobs' };
  const boss = new PgBoss({
    ...connection,
    schema,
    migrate: true,
    supervise: options.supervise ?? true,
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? 30,
    // Lapsed leases are failed by pg-boss's monitor pass, which runs at most once per
    // monitorIntervalSeconds (default 60) whatever the supervise interval: both set, or failover waits
    // for the slower one.
    monitorIntervalSeconds: options.superviseIntervalSeconds ?? 60,
    // ferry has no cron jobs, and its own health endpoint; pg-boss's instance registry is not needed.
    schedule: false,
    registerInstance: false,
  });
  const onError = options.onError ?? ((err: Error) => process.emitWarning(`job queue: ${err.message}`));
  // An 'error' event without a listener would throw from inside pg-boss's timers and crash the process.
  boss.on('error', onError);
  try {
    await boss.start();
    for (const [kind, config] of Object.entries(options.kinds)) {
      // Idempotent for an existing queue. Retry and lease settings are also sent with every job (see
      // enqueue), so a changed config applies to new jobs without touching the queue row. Creating the
      // queue here also fills pg-boss's queue cache, so a send inside a PGlite transaction never needs a
      // second statement outside it (which would wait for that transaction forever).
      await boss.createQueue(kind, {
        policy: 'exclusive',
        retryLimit: config.retryLimit,
        retryDelay: config.retryDelaySeconds,
        retryBackoff: config.exponentialBackoff ?? true,
        expireInSeconds: config.maxRunSeconds,
        deleteAfterSeconds: config.keepSettledSeconds ?? DEFAULT_KEEP_SETTLED_SECONDS,
      });
    }
  } catch (err) {
    await boss.stop({ graceful: false }).catch(() => {});
    throw new StoreError(
      StoreErrorCode.Unavailable,
      `cannot start the job queue: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  return new PgBossJobQueue(boss, database, options.kinds, schema);
}

/** pg-boss asserts these too, but deep inside send(); checking at open turns a typo into a start-up error. */
function validateKind(kind: string, config: JobKindConfig): void {
  const wholeAtLeast = (value: number | undefined, min: number) =>
    value === undefined || (Number.isInteger(value) && value >= min);
  const problems = [
    /^[A-Za-z0-9_.-]{1,100}$/.test(kind) ? '' : 'name must be letters, digits, _ . -',
    wholeAtLeast(config.retryLimit, 0) ? '' : 'retryLimit must be a whole number >= 0',
    wholeAtLeast(config.retryDelaySeconds, 0) ? '' : 'retryDelaySeconds must be a whole number >= 0',
    wholeAtLeast(config.retryDelayMaxSeconds, 1) ? '' : 'retryDelayMaxSeconds must be a whole number >= 1',
    wholeAtLeast(config.maxRunSeconds, 1) ? '' : 'maxRunSeconds must be a whole number >= 1',
    wholeAtLeast(config.leaseSeconds, 10) ? '' : 'leaseSeconds must be a whole number >= 10',
    wholeAtLeast(config.keepSettledSeconds, 1) ? '' : 'keepSettledSeconds must be a whole number >= 1',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new StoreError(StoreErrorCode.Queue, `job kind ${JSON.stringify(kind)}: ${problems.join('; ')}`);
  }
}

class PgBossJobQueue implements JobQueue {
  private readonly boss: PgBoss;
  private readonly database: PgliteDatabase | PgDatabase;
  private readonly kinds: Readonly<Record<string, JobKindConfig>>;
  private readonly schema: string;
  private stopped = false;

  constructor(
    boss: PgBoss,
    database: PgliteDatabase | PgDatabase,
    kinds: Readonly<Record<string, JobKindConfig>>,
    schema: string,
  ) {
    this.boss = boss;
    this.database = database;
    this.kinds = kinds;
    this.schema = schema;
    // Taken from pg-boss's own event as well as from stop(), so readiness follows the library's state.
    boss.on('stopped', () => {
      this.stopped = true;
    });
  }

  isRunning(): boolean {
    return !this.stopped;
  }

  private config(kind: string): JobKindConfig {
    const config = Object.hasOwn(this.kinds, kind) ? this.kinds[kind] : undefined;
    if (!config) throw new StoreError(StoreErrorCode.Queue, `unknown job kind ${JSON.stringify(kind)}`);
    return config;
  }

  async enqueue<P extends object>(
    kind: string,
    payload: P,
    options: EnqueueOptions = {},
  ): Promise<EnqueueResult> {
    const { tx, ...job } = options;
    const [result] = await this.enqueueMany(kind, [{ payload, ...job }], { tx });
    return result!;
  }

  async enqueueMany<P extends object>(
    kind: string,
    jobs: readonly NewJob<P>[],
    options: { tx?: Database | undefined } = {},
  ): Promise<EnqueueResult[]> {
    const config = this.config(kind);
    if (jobs.length === 0) return [];
    const db = options.tx ? inTransaction(options.tx) : undefined;
    // Ids chosen here, so the rows pg-boss reports back (only those inserted, in no promised order)
    // can be matched to the jobs asked for.
    const inserts: JobInsert<P>[] = jobs.map((job) => ({
      id: randomUUID(),
      data: job.payload,
      singletonKey: job.dedupeKey ?? `${UNIQUE_KEY_PREFIX}${randomUUID()}`,
      ...startAfter(job.runAfter),
      retryLimit: config.retryLimit,
      retryDelay: config.retryDelaySeconds,
      retryBackoff: config.exponentialBackoff ?? true,
      ...(config.retryDelayMaxSeconds === undefined || config.exponentialBackoff === false
        ? {}
        : { retryDelayMax: config.retryDelayMaxSeconds }),
      expireInSeconds: config.maxRunSeconds,
      ...(config.leaseSeconds === undefined ? {} : { heartbeatSeconds: config.leaseSeconds }),
      deleteAfterSeconds: config.keepSettledSeconds ?? DEFAULT_KEEP_SETTLED_SECONDS,
    }));
    const insert = async (batch: JobInsert<P>[]) =>
      new Set(
        (await this.call('enqueue', () =>
          this.boss.insert(kind, batch, { returnId: true, ...(db ? { db } : {}) }),
        )) ?? [],
      );
    const inserted = await insert(inserts);
    const results: EnqueueResult[] = [];
    for (const job of inserts) {
      results.push(
        inserted.has(job.id!)
          ? { id: job.id!, created: true }
          : await this.holderOrInsert(kind, job, insert, db),
      );
    }
    return results;
  }

  /** The job's dedupe key is taken: the job holding it, or a new insert if the holder settled meanwhile. */
  private async holderOrInsert<P extends object>(
    kind: string,
    job: JobInsert<P>,
    insert: (batch: JobInsert<P>[]) => Promise<Set<string>>,
    db: Db | undefined,
  ): Promise<EnqueueResult> {
    const key = job.singletonKey!;
    // The existing job can settle between a refused insert and the lookup; then inserting again wins.
    for (let round = 0; round < 3; round++) {
      if (round > 0) {
        const retry = { ...job, id: randomUUID() };
        if ((await insert([retry])).has(retry.id)) return { id: retry.id, created: true };
      }
      const holders = await this.call('enqueue', () =>
        this.boss.findJobs(kind, { key, ...(db ? { db } : {}) }),
      );
      const holder = holders.find(
        (j) => j.state === 'created' || j.state === 'retry' || j.state === 'active',
      );
      if (holder) return { id: holder.id, created: false };
    }
    throw new StoreError(StoreErrorCode.Conflict, `enqueue ${kind} (${key}) kept conflicting; try again`, {
      temporary: true,
    });
  }

  async claim<P extends object = object>(kinds: readonly string[]): Promise<Job<P> | undefined> {
    for (const kind of kinds) {
      this.config(kind);
      const jobs = await this.call('claim', () =>
        this.boss.fetch<P>(kind, { batchSize: 1, includeMetadata: true }),
      );
      const job: JobWithMetadata<P> | undefined = jobs[0];
      if (job) {
        return {
          id: job.id,
          kind,
          payload: job.data,
          attempt: job.retryCount + 1,
          retryLimit: job.retryLimit,
          claim: job.retryCount,
        };
      }
    }
    return undefined;
  }

  async complete(job: Job, options: { tx?: Database | undefined } = {}): Promise<boolean> {
    const db = options.tx ? inTransaction(options.tx) : undefined;
    const result = await this.call('complete', () =>
      this.boss.complete(job.kind, { id: job.id, retryCount: job.claim }, null, db ? { db } : {}),
    );
    return affected(result) === 1;
  }

  async fail(job: Job, error: unknown, options: FailOptions): Promise<FailOutcome> {
    const output = errorOutput(error);
    const database: Database = options.tx ?? this.database;
    return atomically(database, async (tx) => {
      const db = inTransaction(tx);
      const failed = await this.call('fail', () =>
        this.boss.fail(job.kind, { id: job.id, retryCount: job.claim }, output, { db }),
      );
      if (affected(failed) !== 1) return 'lost';
      const [now] = await this.call('fail', () => this.boss.findJobs(job.kind, { id: job.id, db }));
      if (now?.state !== 'retry') return 'failed';
      if (!options.retryable) {
        // pg-boss retries any failure while retries remain; a permanent error must not be. Taking the
        // retries away and failing the (now waiting) job again makes it terminal, in this transaction.
        await this.call('fail', () =>
          this.boss.update(job.kind, undefined, { id: job.id, retryLimit: 0, db }),
        );
        await this.call('fail', () => this.boss.fail(job.kind, job.id, output, { db }));
        return 'failed';
      }
      if (options.backoffMs !== undefined) {
        const seconds = Math.max(0, Math.ceil(options.backoffMs / 1000));
        await this.call('fail', () =>
          this.boss.update(job.kind, undefined, { id: job.id, startAfter: seconds, db }),
        );
      }
      return 'retry';
    });
  }

  async heartbeat(job: Job): Promise<boolean> {
    const result = await this.call('heartbeat', () =>
      this.boss.touch(job.kind, { id: job.id, retryCount: job.claim }),
    );
    return affected(result) === 1;
  }

  async recoverExpired(): Promise<void> {
    for (const kind of Object.keys(this.kinds)) {
      await this.call('recoverExpired', () => this.boss.supervise(kind));
    }
  }

  async requeueInterrupted(): Promise<number> {
    if (this.database.kind !== 'pglite') {
      // Other replicas may hold those jobs; leases (recoverExpired) are the only safe recovery there.
      throw new StoreError(StoreErrorCode.Queue, 'requeueInterrupted is only safe on the embedded database');
    }
    const kinds = Object.keys(this.kinds);
    const { rows } = await this.database.query<{ id: string; name: string }>(
      `SELECT id::text AS id, name FROM ${this.schema}.job WHERE name = ANY($1::text[]) AND state = 'active'`,
      [kinds],
    );
    for (const kind of kinds) {
      const ids = rows.filter((r) => r.name === kind).map((r) => r.id);
      if (ids.length > 0) {
        await this.call('requeueInterrupted', () =>
          this.boss.fail(kind, ids, { message: 'interrupted: ferry stopped while the job ran' }),
        );
      }
    }
    return rows.length;
  }

  async depth(): Promise<QueueDepth[]> {
    // Counted from the job table directly: pg-boss's own queue counters are refreshed only by its
    // monitor pass, so they lag by up to a supervise interval.
    const kinds = Object.keys(this.kinds);
    const { rows } = await this.database.query<{ name: string; state: string; n: number }>(
      `SELECT name, state::text AS state, count(*)::int AS n FROM ${this.schema}.job
        WHERE name = ANY($1::text[]) GROUP BY name, state`,
      [kinds],
    );
    return kinds.map((kind) => {
      const count = (...states: string[]) =>
        rows.filter((r) => r.name === kind && states.includes(r.state)).reduce((sum, r) => sum + r.n, 0);
      return { kind, queued: count('created', 'retry'), active: count('active'), failed: count('failed') };
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.boss.stop({ graceful: false });
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toStoreError(err, `job queue ${what}`);
    }
  }
}
