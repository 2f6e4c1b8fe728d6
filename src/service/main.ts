/**
 * The composition root of `ferry serve`: the only place that picks implementations (embedded PGlite
 * or PostgreSQL, pg-boss, the copy library, Fastify) and wires them. Start order: config → database →
 * migrations → queue → engine → notifier → update relay → store pruning → HTTP; shutdown runs it
 * backwards so running copies can finish.
 */

import { writeFile } from 'node:fs/promises';
import pino, { type Logger } from 'pino';
import { PATHS } from '../api/paths.ts';
import { BadUsageError } from '../errors/kinds.ts';
import { Registries } from '../registry/registries.ts';
import { approverGroups } from './config/approver-schema.ts';
import { AttestationKeyCache } from './config/attestation-key-cache.ts';
import { createCachedFileReader } from './config/cached-file-reader.ts';
import { loadConfig } from './config/load-config.ts';
import { resolveSecret } from './config/resolve-secret.ts';
import type { FerryConfig } from './config/schema.ts';
import type { ListenAddress } from './config/server-schema.ts';
import { createHttpApp } from './http/create-http-app.ts';
import { defaultDashboardRoot } from './http/dashboard-root.ts';
import { createMetrics } from './http/metrics.ts';
import { createOneTimeLogins } from './http/one-time-login.ts';
import { createReadinessCheck } from './http/readiness.ts';
import { signInSettings } from './http/sign-in-setup.ts';
import { createNotifier } from './notify/notifier.ts';
import { observePromotions } from './observe-promotions.ts';
import { defaultReplicaName } from './promote/engine-context.ts';
import { PROMOTE_JOB, promoteJobKind } from './promote/promote-job.ts';
import { createPromotionEngine } from './promote/promotion-engine.ts';
import { startUpdateRelay, withRelayedUpdates } from './promote/update-relay.ts';
import { resumableUploadSettings } from './promote/upload-checkpoints.ts';
import { openPgBossJobQueue } from './queue/pg-boss-job-queue.ts';
import { queueGauges } from './queue/queue-gauges.ts';
import { briefError, safeError } from './safe-error.ts';
import { migrate } from './store/migrate.ts';
import { PgDatabase } from './store/pg-database.ts';
import { PgliteDatabase } from './store/pglite-database.ts';
import { sessionRevocations } from './store/session-revocation-store.ts';
import { createStorePruner } from './store/store-retention.ts';

export interface ServeOptions {
  readonly configPath: string;
  /**
   * `--database-url`: wins over server.databaseUrl, which wins over FERRY_DATABASE_URL (loadConfig makes
   * that variable the file's default); none of them means the embedded database.
   */
  readonly databaseUrl?: string | undefined;
  /** Overrides server.listen, e.g. `127.0.0.1:0` in tests. */
  readonly listen?: ListenAddress | undefined;
  /** Overrides server.dataDir for the embedded database. */
  readonly dataDir?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
  /** Default: JSON lines on stderr at `info` (FERRY_LOG_LEVEL overrides). */
  readonly logger?: Logger | undefined;
  /** Promotions this process runs at once (default 2); 0 for an API-only replica. */
  readonly concurrency?: number | undefined;
  /**
   * Check every HTTP answer against the API contract, answering 500 on a mismatch (tests). Default:
   * FERRY_CHECK_RESPONSES=1 in `env`.
   */
  readonly checkResponses?: boolean | undefined;
  /**
   * Write a single-use sign-in link (`<url>/auth/one-time?code=…`) to this file (mode 0600) once the
   * server listens: the demo's way in without an identity provider. Never logged.
   */
  readonly oneTimeLoginFile?: string | undefined;
  /**
   * False for `ferry worker`: promotions are run, no HTTP server is started (no API, probes or metrics
   * endpoint). Needs PostgreSQL: the embedded store belongs to the one `ferry serve` that opened it.
   */
  readonly http?: boolean | undefined;
  /** The built dashboard served at `/`. Default: dist/web of this installation (dashboard-root.ts). */
  readonly dashboardRoot?: string | undefined;
}

export interface RunningServer {
  /** Empty for a worker (no HTTP server). */
  readonly url: string;
  readonly config: FerryConfig;
  readonly database: 'embedded' | 'postgresql';
  /** Stop taking requests, let running promotions finish for up to `graceMs` (then re-queue them), close. */
  close(graceMs?: number): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const replica = defaultReplicaName();
  // Every line names the replica (host name, i.e. the pod name in Kubernetes, and pid): with several
  // replicas, "which one ran this promotion?" is answered by the log as by the promotion's timeline.
  const logger =
    options.logger ??
    pino(
      { level: options.env.FERRY_LOG_LEVEL ?? 'info', base: { service: 'ferry', replica } },
      pino.destination(2),
    );
  // Attestation keys are decrypted once, by the config check; the engine signs with what it decrypted.
  const attestationKeys = new AttestationKeyCache();
  const { config, warnings } = await loadConfig(options.configPath, { env: options.env, attestationKeys });
  for (const warning of warnings) logger.warn({ warning }, 'configuration warning');

  const url =
    options.databaseUrl ??
    (config.server.databaseUrl
      ? (await resolveSecret(config.server.databaseUrl, { env: options.env })).trim()
      : undefined);
  if (options.http === false && url === undefined) {
    throw new BadUsageError(
      'ferry worker needs PostgreSQL (FERRY_DATABASE_URL, server.databaseUrl or --database-url): the embedded store belongs to the one ferry serve that opened it',
    );
  }
  const db = url
    ? await PgDatabase.open({ url })
    : await PgliteDatabase.open({ dataDir: options.dataDir ?? config.server.dataDir });
  const cleanups: Array<() => Promise<unknown>> = [() => db.close()];
  const closeAll = async () => {
    for (const fn of cleanups.splice(0).reverse())
      await fn().catch((err: unknown) => logger.error({ error: safeError(err) }, 'shutdown step failed'));
  };
  try {
    await migrate(db);
    const queue = await openPgBossJobQueue({
      database: db,
      kinds: { [PROMOTE_JOB]: promoteJobKind({ leaseSeconds: config.server.leaseSeconds }) },
      // Replicas (PostgreSQL only) find an expired lease within one heartbeat interval of its lapsing;
      // the embedded store has one replica and recovers its own jobs at start.
      superviseIntervalSeconds: url ? config.server.heartbeatSeconds : undefined,
      // Message and code only: driver errors carry the client object, whose connection parameters can
      // include the database password.
      onError: (err) => logger.warn({ error: briefError(err) }, 'job queue'),
    });
    cleanups.push(() => queue.stop());
    const registries = new Registries({ userAgent: `ferry/${options.version}`, env: options.env });
    cleanups.push(() => registries.close());
    const gauges = queueGauges(queue, PROMOTE_JOB);
    const metrics = createMetrics({
      processMetrics: true,
      queueDepth: gauges.waiting,
      promotionsRunning: gauges.running,
    });
    // Secret files are read through one cache: re-read at most once a second, and only when changed.
    const readFile = createCachedFileReader();
    const engine = createPromotionEngine({
      readFile,
      attestationKeys,
      config,
      db,
      queue,
      registries,
      logger,
      env: options.env,
      concurrency: options.concurrency,
      heartbeatMs: config.server.heartbeatSeconds * 1000,
      leaseSeconds: config.server.leaseSeconds,
      resumableUploads: resumableUploadSettings(config.server.resumableUploads),
      replica,
    });
    const notifier = createNotifier({ config, db, logger, env: options.env, readFile });
    cleanups.push(() => notifier.stop());
    // Outcomes feed metrics and notifications; only this replica's engine, never relayed updates.
    const unobserve = observePromotions({ engine, metrics, notifier });
    cleanups.push(async () => unobserve());
    // Event streams show every replica's updates through PostgreSQL NOTIFY. The embedded store has one
    // replica by construction (PGlite's data directory belongs to one process), so there is nothing to
    // relay: skipping it saves a NOTIFY statement per update on the single PGlite connection.
    const relay = url ? await startUpdateRelay({ db, local: engine, logger }) : undefined;
    if (relay) cleanups.push(() => relay.stop());
    const pruner = createStorePruner({
      db,
      onError: (err) =>
        logger.warn(
          { error: briefError(err) },
          'could not prune old webhook delivery ids and session revocations',
        ),
      onPruned: (count) =>
        logger.info({ count }, 'old webhook delivery ids and expired session revocations pruned'),
    });
    pruner.start();
    cleanups.push(() => pruner.stop());
    let started = false;
    const ready = createReadinessCheck({
      started: () => started,
      db,
      queue,
      onDatabaseError: (err) => logger.warn({ error: briefError(err) }, 'readiness: database check failed'),
    });
    let graceMs = 30_000;
    if (options.http === false) {
      cleanups.push(async () => engine.stop({ graceMs }));
      await engine.start();
      logger.info({ database: 'postgresql', concurrency: options.concurrency ?? 2 }, 'ferry worker is ready');
      return {
        url: '',
        config,
        database: 'postgresql',
        async close(grace = 30_000) {
          graceMs = grace;
          await closeAll();
        },
      };
    }
    const dataDir = options.dataDir ?? config.server.dataDir;
    const oneTime = options.oneTimeLoginFile === undefined ? undefined : createOneTimeLogins();
    const app = createHttpApp({
      config,
      service: relay ? withRelayedUpdates(engine, relay) : engine,
      logger,
      metrics,
      version: options.version,
      ready,
      env: options.env,
      readFile,
      checkResponses: options.checkResponses ?? options.env.FERRY_CHECK_RESPONSES === '1',
      dashboard: { root: options.dashboardRoot ?? defaultDashboardRoot() },
      sessions: await signInSettings({
        auth: config.auth,
        publicUrl: config.server.publicUrl,
        dataDir,
        env: options.env,
        readFile,
        oneTime,
        approverGroups: approverGroups(config.promotions),
        revocations: sessionRevocations(db),
      }),
    });
    const listen = options.listen ?? config.server.listen;
    const address = await app.listen({ host: listen.host, port: listen.port });
    // Before readiness is reported, so whoever waits for /readyz finds the link written.
    if (oneTime !== undefined && options.oneTimeLoginFile !== undefined) {
      const link = `${config.server.publicUrl ?? address}${PATHS.oneTimeLogin}?code=${oneTime.issue()}`;
      await writeFile(options.oneTimeLoginFile, `${link}\n`, { mode: 0o600 });
      // The path only: the link is a credential.
      logger.info({ file: options.oneTimeLoginFile }, 'one-time login link written');
    }
    cleanups.push(async () => engine.stop({ graceMs }));
    cleanups.push(() => app.close());
    await engine.start();
    started = true;
    logger.info({ url: address, database: url ? 'postgresql' : 'embedded' }, 'ferry serve is ready');
    return {
      url: address,
      config,
      database: url ? 'postgresql' : 'embedded',
      async close(grace = 30_000) {
        started = false;
        graceMs = grace;
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
