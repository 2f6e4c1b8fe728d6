/**
 * Test support for the promotion engine against the rig: a FerryConfig for rig registries (parsed and
 * validated exactly as ferry.yaml is), an engine over PGlite + pg-boss + real registries, and waiting
 * for a promotion to reach a status.
 *
 * Environments: `nonprod` is an anonymous registry with tls.verify false (the rig's plain-HTTP one, or
 * an HTTPS one), `prod` the rig's htpasswd TLS registry trusted through its certDir (or not verified), with the password from an `env:` secret reference
 * (the engine resolves it at use time from the env map given here, never from process.env). Extra
 * environments (fault proxies in front of prod) take the password from a `file:` reference.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Registries } from '../../src/registry/registries.ts';
import { hashToken } from '../../src/service/config/api-tokens.ts';
import { parseConfig } from '../../src/service/config/load-config.ts';
import type { FerryConfig } from '../../src/service/config/schema.ts';
import { PROMOTE_JOB, promoteJobKind } from '../../src/service/promote/promote-job.ts';
import {
  createPromotionEngine,
  type PromotionEngine,
  type PromotionEngineOptions,
} from '../../src/service/promote/promotion-engine.ts';
import type { PromotionUpdate } from '../../src/service/promote/promotion-service.ts';
import type { JobQueue } from '../../src/service/queue/job-queue.ts';
import { openPgBossJobQueue } from '../../src/service/queue/pg-boss-job-queue.ts';
import { migrate } from '../../src/service/store/migrate.ts';
import type { Promotion, PromotionStatus } from '../../src/service/store/promotion.ts';
import {
  pgliteTestBackend,
  postgresTestBackend,
  type TestBackend,
  type TestDatabase,
} from '../../src/service/store/test-backends.ts';
import { startPostgres } from '../rig/postgres.ts';
import type { RegistryInstance } from '../rig/registry.ts';

export const PROD_PASSWORD_ENV = 'FERRY_TEST_PROD_PASSWORD';

/** API tokens the rules' approvers refer to; `ci` is the requester in the tests. */
export const APPROVERS = ['alice', 'bob', 'carol'] as const;

export interface RigConfigOptions {
  readonly nonprod: RegistryInstance;
  readonly prod: RegistryInstance;
  /** Temp dir for the password file and anything the rules reference. */
  readonly dir: string;
  /** More environments that reach `prod` through another host (a fault proxy): name → plain-HTTP host. */
  readonly proxies?: Readonly<Record<string, string>> | undefined;
  /** Promotion rules as written in ferry.yaml. */
  readonly rules: readonly Record<string, unknown>[];
  /** How prod's TLS is set up: its CA dir (default), or `verify: false` as the seed pipeline does. */
  readonly prodTls?: 'cert-dir' | 'verify-false' | undefined;
}

export interface RigConfig {
  readonly config: FerryConfig;
  /** The environment variables the config's `env:` references read (pass to the engine). */
  readonly env: Readonly<Record<string, string>>;
}

export async function rigConfig(options: RigConfigOptions): Promise<RigConfig> {
  const { nonprod, prod, dir } = options;
  if (prod.username === undefined || prod.password === undefined || prod.certDir === undefined) {
    throw new Error('prod must be the rig’s htpasswd TLS registry');
  }
  const passwordFile = join(dir, 'prod-password');
  await writeFile(passwordFile, `${prod.password}\n`, { mode: 0o600 });
  const environments: Record<string, unknown> = {
    nonprod: { registry: nonprod.host, tls: { verify: false }, credentials: { anonymous: true } },
    prod: {
      registry: prod.host,
      tls: options.prodTls === 'verify-false' ? { verify: false } : { certDir: prod.certDir },
      credentials: { username: prod.username, password: { env: PROD_PASSWORD_ENV } },
    },
  };
  for (const [name, host] of Object.entries(options.proxies ?? {})) {
    environments[name] = {
      registry: host,
      tls: { verify: false },
      credentials: { username: prod.username, password: { file: passwordFile } },
    };
  }
  const document = {
    version: 1,
    server: { dataDir: join(dir, 'data') },
    environments,
    promotions: options.rules,
    triggers: { api: { enabled: true } },
    apiTokens: [
      { name: 'ci', role: 'promoter', sha256: hashToken(randomBytes(16).toString('hex')) },
      ...APPROVERS.map((name) => ({
        name,
        role: 'approver',
        sha256: hashToken(randomBytes(16).toString('hex')),
      })),
      { name: 'mallory', role: 'approver', sha256: hashToken(randomBytes(16).toString('hex')) },
    ],
  };
  const env = { [PROD_PASSWORD_ENV]: prod.password };
  const { config } = await parseConfig(stringify(document), { file: join(dir, 'ferry.yaml'), env });
  return { config, env };
}

export interface EngineHarness {
  readonly engine: PromotionEngine;
  readonly queue: JobQueue;
  readonly registries: Registries;
  /** Stops the engine (after `graceMs`), the queue and the registries; the database stays open. */
  close(options?: { graceMs?: number }): Promise<void>;
}

export type HarnessEngineOptions = Partial<
  Omit<PromotionEngineOptions, 'config' | 'db' | 'queue' | 'registries'>
>;

/**
 * An engine over `db` (migrated here), a pg-boss queue on the same database and fast-retrying registries,
 * started. Settings favour quick tests: short polls and heartbeats, no backoff between attempts.
 */
export async function openEngine(
  db: TestDatabase,
  rig: RigConfig,
  options: HarnessEngineOptions = {},
): Promise<EngineHarness> {
  await migrate(db);
  const queue = await openPgBossJobQueue({
    database: db,
    kinds: { [PROMOTE_JOB]: promoteJobKind({ retryLimit: 3, retryDelaySeconds: 0, leaseSeconds: 30 }) },
    supervise: false,
  });
  // Short transport backoff keeps fault tests quick; behaviour is otherwise the production default.
  const registries = new Registries({
    retryTimes: 2,
    backoff: { baseMs: 20, maxMs: 100, maxRetryAfterMs: 1000 },
  });
  const engine = createPromotionEngine({
    config: rig.config,
    db,
    queue,
    registries,
    env: rig.env,
    pollIntervalMs: 100,
    heartbeatMs: 200,
    progressIntervalMs: 50,
    retryBackoff: { baseMs: 0, maxMs: 0 },
    ...options,
  });
  await engine.start();
  let closed = false;
  return {
    engine,
    queue,
    registries,
    async close(closeOptions = {}) {
      if (closed) return;
      closed = true;
      await engine.stop({ graceMs: closeOptions.graceMs ?? 0 });
      await queue.stop();
      await registries.destroy();
    },
  };
}

/** Resolves with the promotion once its status is one of `statuses`; rejects with its timeline on timeout. */
export async function waitForStatus(
  engine: PromotionEngine,
  id: string,
  statuses: PromotionStatus | readonly PromotionStatus[],
  timeoutMs = 20_000,
): Promise<Promotion> {
  const wanted: readonly PromotionStatus[] = typeof statuses === 'string' ? [statuses] : statuses;
  return new Promise<Promotion>((resolve, reject) => {
    let done = false;
    const finish = (result: { promotion: Promotion } | { error: Error }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(poll);
      unsubscribe();
      if ('promotion' in result) resolve(result.promotion);
      else reject(result.error);
    };
    const check = (promotion: Promotion | undefined) => {
      if (promotion !== undefined && wanted.includes(promotion.status)) finish({ promotion });
    };
    const unsubscribe = engine.subscribe(id, (update: PromotionUpdate) => {
      if (update.type === 'status') check(update.promotion);
    });
    // Polling as well: a status written by another engine instance is not published to this one.
    const poll = setInterval(() => {
      engine.get(id).then(
        (found) => check(found?.promotion),
        () => {},
      );
    }, 250);
    const timer = setTimeout(() => {
      void engine.get(id).then((found) => {
        const kinds = found?.timeline.map((e) => `${e.kind}(${e.outcome ?? ''})`).join(', ');
        finish({
          error: new Error(
            `promotion ${id} did not become ${wanted.join('|')} within ${timeoutMs} ms: it is ${found?.promotion.status} (${found?.promotion.reason ?? 'no reason'}); timeline: ${kinds}`,
          ),
        });
      });
    }, timeoutMs);
    engine.get(id).then(
      (found) => check(found?.promotion),
      () => {},
    );
  });
}

/** The audit kinds of a promotion, oldest first. */
export async function timelineKinds(engine: PromotionEngine, id: string): Promise<string[]> {
  return ((await engine.get(id))?.timeline ?? []).map((event) => event.kind);
}

/**
 * The store the engine suites run on: embedded PGlite, or a throwaway PostgreSQL cluster when
 * FERRY_TEST_BACKEND=postgres (the *.postgres.test.ts files set it), so one suite covers both.
 */
export async function harnessBackend(registerAfter: (fn: () => Promise<void>) => void): Promise<TestBackend> {
  if (process.env.FERRY_TEST_BACKEND !== 'postgres') return pgliteTestBackend();
  const server = await startPostgres();
  registerAfter(() => server.stop());
  return postgresTestBackend(() => server.createDatabase());
}

/**
 * One engine shared by a whole suite, on a fresh database of the harness backend. `defer` must run its
 * steps last-in first-out (test/support/teardown.ts): the engine stops, then the database closes, then
 * the backend goes.
 */
export async function sharedEngine(
  defer: (step: () => unknown) => void,
  config: RigConfig,
): Promise<{ db: TestDatabase; harness: EngineHarness }> {
  const backend = await harnessBackend(defer);
  defer(() => backend.dispose());
  const { db } = await backend.fresh();
  defer(() => db.close());
  const harness = await openEngine(db, config);
  defer(() => harness.close());
  return { db, harness };
}
