import { startRegistry } from '../test/rig/registry.ts';
import { getManifest } from '../test/rig/rig-client.ts';
import { makeTempDir } from '../test/rig/temp-dir.ts';
import { CleanupStack } from './cleanup.ts';
import { startFerryServe } from './ferry-serve.ts';
import type { Profile } from './profile.ts';
import { PromotionEvents } from './promotion-events.ts';
import { SERVICE_REPO, SOURCE_ENVIRONMENT, writeServiceConfig } from './service-config.ts';
import { promotionSignal, type ServiceContext } from './service-context.ts';
import { pushServiceImage, tagServiceImage } from './service-image.ts';
import { runServiceLatency } from './service-latency.ts';
import type { ServiceResult, SharedServeScenarioId } from './service-results.ts';
import { runServiceThroughput } from './service-throughput.ts';
import { WebhookSender } from './webhook-sender.ts';

export interface ServiceBenchOptions {
  readonly profile: Profile;
  /** Selected service scenarios, in the canonical order (latency first: throughput leaves a backlog). */
  readonly scenarios: readonly SharedServeScenarioId[];
  readonly signal: AbortSignal;
  /** FERRY_LOG_LEVEL of the service; default info, as deployed. */
  readonly logLevel: string;
  /** NODE_OPTIONS for `ferry serve` (e.g. `--cpu-prof --cpu-prof-dir=DIR`). */
  readonly nodeOptions: string | undefined;
  /** Notes about the setup, shared by the scenarios, are pushed here. */
  readonly notes: string[];
  /** Called with each scenario's result as soon as it is measured (partial reports survive a crash). */
  onResult(result: ServiceResult): Promise<void>;
}

/**
 * The promotion-service scenarios against one `bin/ferry serve` (embedded store): two anonymous
 * plain-HTTP registries, a generated ferry.yaml, the image pushed to the source and promoted once (so
 * it is "already present" in prod), then each selected scenario. Everything started is registered with
 * `cleanup` and stopped here at the end as well.
 */
export async function runServiceBench(options: ServiceBenchOptions, cleanup: CleanupStack): Promise<void> {
  const mine = new CleanupStack();
  cleanup.defer('promotion service bench', () => mine.runAll());
  try {
    await run(options, mine);
  } finally {
    await mine.runAll();
  }
}

async function run(options: ServiceBenchOptions, cleanup: CleanupStack): Promise<void> {
  const { profile, signal, notes } = options;
  const [nonprod, prod] = await Promise.all([
    startRegistry({ auth: 'none' }),
    startRegistry({ auth: 'none' }),
  ]);
  cleanup.defer('registry nonprod (service)', () => nonprod.stop());
  cleanup.defer('registry prod (service)', () => prod.stop());
  const dir = await makeTempDir('bench-serve');
  cleanup.defer('ferry serve directory', () => dir.remove());
  const config = await writeServiceConfig(dir.path, { nonprod, prod });
  const image = await pushServiceImage(nonprod, SERVICE_REPO);
  await tagServiceImage(image, ['seed-0']);

  const serve = await startFerryServe(
    {
      configPath: config.configPath,
      dir: dir.path,
      logLevel: options.logLevel,
      nodeOptions: options.nodeOptions,
    },
    cleanup,
  );
  process.stderr.write(`bench: ferry serve (pid ${serve.pid}) listening on ${serve.url}\n`);
  const sender = new WebhookSender(serve.url, config.webhookSecret, profile.serviceThroughputConcurrency);
  cleanup.defer('webhook sender', () => sender.close());
  const events = new PromotionEvents(serve.url, config.viewerToken);
  cleanup.defer('event streams', () => events.close());
  const ctx: ServiceContext = {
    profile,
    signal,
    serve,
    prod,
    image,
    from: SOURCE_ENVIRONMENT,
    sender,
    events,
  };

  // The first promotion copies the image for real; afterwards it is present in prod.
  const seeded = await sender.send(image.repository, 'seed-0', ctx.from);
  const seedId = seeded.envelope?.promotion.id;
  if (seeded.status !== 202 || seedId === undefined) {
    throw new Error(`the first promotion was not accepted: ${seeded.problem}\n(log: ${serve.logFile})`);
  }
  const first = await events.waitForTerminal(seedId, promotionSignal(ctx));
  if (first.promotion.status !== 'succeeded') {
    throw new Error(`the first promotion ended ${first.promotion.status}: ${first.promotion.reason}`);
  }
  const present = await getManifest(prod, image.repository, 'seed-0');
  if (present.digest !== image.image.manifestDigest) {
    throw new Error(`after the first promotion prod has ${present.digest ?? `HTTP ${present.status}`}`);
  }
  notes.push(
    `Setup: \`bin/ferry serve\` with the embedded store (PGlite) and FERRY_LOG_LEVEL=${options.logLevel}; ` +
      `registries anonymous plain HTTP on loopback; rule \`nonprod:bench/*\` → \`prod:bench/*\` with the ` +
      `schema defaults (immutable tags, signatures/SBOMs copied along, no approval). The image ` +
      `(${image.image.layers.length} layers, ${(image.bytes / 1024 / 1024).toFixed(1)} MiB) was copied to prod ` +
      `by a first promotion (${(first.at - seeded.startedAt).toFixed(0)} ms, unmeasured); every measured ` +
      'trigger names a new source tag on the same manifest, so it is a new promotion whose blobs are present.',
  );

  const scenarios: Record<SharedServeScenarioId, (c: ServiceContext) => Promise<ServiceResult>> = {
    'service-latency': runServiceLatency,
    'service-throughput': runServiceThroughput,
  };
  for (const id of options.scenarios) {
    signal.throwIfAborted();
    process.stderr.write(`bench: == ${id}\n`);
    await options.onResult(await scenarios[id](ctx));
  }
  // Stopped here (not only at cleanup) so a CPU profile requested with nodeOptions gets written.
  await serve.stop();
}
