/**
 * The composition root of `ferry serve`: the only place that picks implementations (embedded PGlite
 * or PostgreSQL, pg-boss, the copy library, Fastify) and wires them. Start order: config → database →
 * migrations → queue → engine → notifier → HTTP; shutdown runs it backwards so running copies can finish.
 */
import pino, { type Logger } from 'pino';
import { Registries } from '../registry/registries.ts';
import { loadConfig } from './config/load-config.ts';
import { resolveSecret } from './config/resolve-secret.ts';
import type { FerryConfig, ListenAddress } from './config/schema.ts';
import { createHttpApp } from './http/create-http-app.ts';
import { createMetrics } from './http/metrics.ts';
import { createNotifier } from './notify/notifier.ts';
import { PROMOTE_JOB, promoteJobKind } from './promote/promote-job.ts';
import { createPromotionEngine } from './promote/promotion-engine.ts';
import { openPgBossJobQueue } from './queue/pg-boss-job-queue.ts';
import { safeError } from './safe-error.ts';
import { migrate } from './store/migrate.ts';
import { PgDatabase } from './store/pg-database.ts';
import { PgliteDatabase } from './store/pglite-database.ts';

export interface ServeOptions {
  readonly configPath: string;
  /** Overrides server.databaseUrl (and FERRY_DATABASE_URL). */
  readonly databaseUrl?: string | undefined;
  /** Overrides server.listen, e.g. `127.0.0.1:0` in tests. */
  readonly listen?: ListenAddress | undefined;
  /** Overrides server.dataDir for the embedded database. */
  readonly dataDir?: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
  /** Default: JSON lines on stderr at `info` (FERRY_LOG_LEVEL overrides). */
  readonly logger?: Logger | undefined;
  /** Worker concurrency (default 2). */
  readonly concurrency?: number | undefined;
}

export interface RunningServer {
  readonly url: string;
  readonly config: FerryConfig;
  readonly database: 'embedded' | 'postgresql';
  /** Stop taking requests, let running promotions finish for up to `graceMs` (then re-queue them), close. */
  close(graceMs?: number): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const logger =
    options.logger ??
    pino({ level: options.env.FERRY_LOG_LEVEL ?? 'info', base: { service: 'ferry' } }, pino.destination(2));
  const { config, warnings } = await loadConfig(options.configPath, { env: options.env });
  for (const warning of warnings) logger.warn({ warning }, 'configuration warning');

  const url =
    options.databaseUrl ??
    (config.server.databaseUrl
      ? (await resolveSecret(config.server.databaseUrl, { env: options.env })).trim()
      : undefined);
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
      kinds: { [PROMOTE_JOB]: promoteJobKind() },
      // Message and code only: driver errors carry the client object, whose connection parameters can
      // include the database password.
      onError: (err) => logger.error({ error: safeError(err) }, 'job queue'),
    });
    cleanups.push(() => queue.stop());
    const registries = new Registries({ userAgent: `ferry/${options.version}`, env: options.env });
    cleanups.push(() => registries.close());
    const metrics = createMetrics({
      processMetrics: true,
      queueDepth: async () => (await queue.depth()).reduce((sum, d) => sum + d.queued + d.active, 0),
    });
    const engine = createPromotionEngine({
      config,
      db,
      queue,
      registries,
      logger,
      env: options.env,
      concurrency: options.concurrency,
    });
    const notifier = createNotifier({ config, db, logger, env: options.env });
    cleanups.push(() => notifier.stop());
    // Terminal states feed metrics and outbound notifications (the engine knows neither).
    const unsubscribe = engine.subscribe(undefined, (update) => {
      if (update.type !== 'status') return;
      const p = update.promotion;
      if (
        p.status === 'succeeded' ||
        p.status === 'failed' ||
        p.status === 'rejected' ||
        p.status === 'cancelled'
      ) {
        metrics.recordPromotion(p.status, (Date.now() - p.createdAt.getTime()) / 1000);
        if (p.status === 'succeeded') {
          metrics.addBytes('copied', p.bytes.copied);
          metrics.addBytes('mounted', p.bytes.mounted);
          metrics.addBytes('skipped', p.bytes.skipped);
        }
        notifier.notify(p);
      } else if (p.status === 'awaiting_approval') {
        notifier.notify(p);
      }
    });
    cleanups.push(async () => unsubscribe());
    let ready = false;
    const app = createHttpApp({
      config,
      service: engine,
      logger,
      metrics,
      version: options.version,
      ready: () => ready,
      env: options.env,
    });
    const listen = options.listen ?? config.server.listen;
    const address = await app.listen({ host: listen.host, port: listen.port });
    let graceMs = 30_000;
    cleanups.push(async () => engine.stop({ graceMs }));
    cleanups.push(() => app.close());
    await engine.start();
    ready = true;
    logger.info({ url: address, database: url ? 'postgresql' : 'embedded' }, 'ferry serve is ready');
    return {
      url: address,
      config,
      database: url ? 'postgresql' : 'embedded',
      async close(grace = 30_000) {
        ready = false;
        graceMs = grace;
        await closeAll();
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
