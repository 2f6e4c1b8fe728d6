/**
 * The README's demo, the whole story on one machine: two real registries on loopback ("nonprod": plain
 * HTTP, anonymous; "prod": TLS with a per-run CA and an htpasswd user), a multi-arch image with a
 * cosign-style signature pushed to nonprod as CI would, `ferry serve` on the embedded store with a
 * promotion rule nonprod:team-a/* → prod:team-a/*, and `ferry trigger --wait` asking for the promotion.
 * Then the prod digest is read back and compared.
 *
 * `npm run demo` keeps ferry serve and the registries running until Ctrl-C; `npm run demo -- --once`
 * stops after the promotion, exit code 0 only if it succeeded and the digests match. Either way every
 * child process and temp dir is gone at the end (SIGINT/SIGTERM included).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRig } from '../test/rig/rig.ts';
import { createCleanupStack } from './demo/cleanup-stack.ts';
import { writeDemoConfig } from './demo/demo-config.ts';
import { pushDemoImage } from './demo/push-fixture.ts';
import { readDigests } from './demo/read-digests.ts';
import { startServe } from './demo/start-serve.ts';
import { triggerPromotion } from './demo/trigger-promotion.ts';

const REPOSITORY = 'team-a/app';
const SIGNAL_EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

let once: boolean;
try {
  once = parseArgs({ options: { once: { type: 'boolean', default: false } } }).values.once === true;
} catch (err) {
  process.stderr.write(`demo: ${(err as Error).message}\nusage: npm run demo [-- --once]\n`);
  process.exit(2);
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`demo: ${line}\n`);
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const row = (label: string, text: string) => say(`${label.padEnd(12)}${text}`);

const cleanup = createCleanupStack((err) => complain(`while stopping: ${messageOf(err)}`));
const stopping = new AbortController();
let stopSignal: string | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopSignal ??= signal;
    stopping.abort();
  });
}
const untilStopped = new Promise<void>((resolve) =>
  stopping.signal.addEventListener('abort', () => resolve(), { once: true }),
);

/** Runs the demo; resolves to its exit code (before cleanup). */
async function demo(): Promise<number> {
  const rig = await startRig({ anonymous: true, basicTls: true });
  cleanup.add(() => rig.stop());
  const nonprod = rig.anonymous!;
  const prod = rig.basicTls!;
  row('nonprod', `${nonprod.url}  (anonymous, plain HTTP)`);
  row('prod', `${prod.url}  (TLS with a per-run CA, htpasswd user "${prod.username}")`);
  stopping.signal.throwIfAborted();

  const commit = randomBytes(6).toString('hex'); // a short $GIT_COMMIT
  const pushed = await pushDemoImage(nonprod, REPOSITORY, commit);
  row('pushed', `${REPOSITORY}:${commit} to nonprod (linux/amd64 + linux/arm64, cosign signature)`);
  stopping.signal.throwIfAborted();

  const dir = join(rig.dir, 'ferry');
  const { config, render } = await writeDemoConfig({ dir, nonprod, prod });
  // A single-use sign-in link for the dashboard (no identity provider in the demo): ferry writes it
  // to a 0600 file, never to its log.
  const loginLinkFile = join(dir, 'login-link');
  const serve = await startServe({
    writeConfig: render,
    home: dir,
    logFile: join(dir, 'serve.log'),
    args: ['--one-time-login', loginLinkFile],
  });
  cleanup.add(() => serve.stop());
  row('ferry serve', `${serve.url}  (embedded store; config ${config.file})`);
  say();
  stopping.signal.throwIfAborted();

  const outcome = await triggerPromotion({
    server: serve.url,
    image: REPOSITORY,
    tag: commit,
    config,
    say,
    signal: stopping.signal,
  });
  stopping.signal.throwIfAborted();
  const digests = await readDigests({
    nonprod,
    prod,
    config,
    repository: REPOSITORY,
    tag: commit,
    signatureTag: pushed.signatureTag,
  });

  const promotion = outcome.promotion;
  const succeeded = outcome.code === 0 && promotion?.status === 'succeeded';
  const equal =
    digests.prod !== undefined && digests.prod === digests.nonprod && digests.prod === pushed.digest;
  say();
  row(
    'promotion',
    promotion ? `${promotion.id} ${promotion.status}` : `none (ferry trigger exited ${outcome.code})`,
  );
  row('nonprod', `${digests.nonprod ?? 'no digest'}  ${REPOSITORY}:${commit}`);
  const verdict = equal ? '(equal digests)' : digests.prod === undefined ? '' : '(DIGESTS DIFFER)';
  row('prod', `${digests.prod ?? 'not on prod'}  ${verdict}`.trimEnd());
  row('signature', digests.signatureOnProd ? `${pushed.signatureTag} copied to prod` : 'not on prod');
  row('service', serve.url);
  row(
    'dashboard',
    `${(await readFile(loginLinkFile, 'utf8')).trim()}  (signs you in once, within 15 minutes)`,
  );
  if (promotion) {
    const api = `${serve.url}/api/v1/promotions/${promotion.id}`;
    // The token goes in on stdin (no argv); --fail-with-body keeps ferry's error body visible.
    row(
      'timeline',
      `printf 'Authorization: Bearer %s\\n' "$(cat ${config.viewerTokenFile})" | curl --fail-with-body -sS -H @- ${api}`,
    );
  }
  if (!succeeded || !equal) {
    for (const problem of digests.problems) complain(problem);
    // A refused request was explained by ferry trigger; a promotion that ran and failed, by the service.
    const log = promotion === undefined ? '' : `; the end of ferry serve's log:\n${serve.logTail(8)}`;
    complain(`FAILED${log}`);
    return 1;
  }
  if (once) return 0;

  say();
  say(`ferry serve and both registries keep running (log: ${serve.logFile}); Ctrl-C stops them.`);
  const outcomeOfWait = await Promise.race([
    untilStopped.then(() => 'stopped' as const),
    serve.exited.then(() => 'serve-exited' as const),
  ]);
  if (outcomeOfWait === 'serve-exited' && !stopping.signal.aborted) {
    complain(`ferry serve exited unexpectedly; its log ends with:\n${serve.logTail()}`);
    return 1;
  }
  return 0; // stopped by Ctrl-C after a successful promotion: the intended end
}

let code: number;
try {
  code = await demo();
} catch (err) {
  if (stopping.signal.aborted) {
    code = SIGNAL_EXIT_CODES[stopSignal ?? 'SIGTERM'] ?? 1;
  } else {
    complain(messageOf(err));
    code = 1;
  }
}
if (stopping.signal.aborted) say('\nstopping ferry serve and the registries');
await cleanup.run();
process.exit(code);
