import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { killOnExit } from '../rig/kill-on-exit.ts';
import { freePort } from '../rig/ports.ts';
import { startPostgres } from '../rig/postgres.ts';
import { type RegistryInstance, startRegistry } from '../rig/registry.ts';
import { getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { FERRY_BIN } from '../support/run-ferry.ts';

/**
 * Registry events are opt-in per rule (issue 13): a real docker-registry whose `notifications.endpoints`
 * point at a real `ferry serve` (embedded store or PostgreSQL). A push matching a rule that does not
 * list `distribution` promotes nothing and is logged at info; a push matching a rule that does is
 * promoted; ferry warns at start about the rule that registry pushes can promote without approval.
 */
export async function defineRegistryEventsSuite(database: 'embedded' | 'postgresql'): Promise<void> {
  const temp = await makeTempDir('registry-events');
  after(() => temp.remove());
  const hookAuthorization = `Bearer ${randomBytes(18).toString('hex')}`;
  const viewerToken = `viewer-${randomBytes(16).toString('hex')}`;
  const approverToken = `alice-${randomBytes(16).toString('hex')}`;
  const promoterToken = `ci-${randomBytes(16).toString('hex')}`;
  const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
  const ferryPort = await freePort();
  const serverUrl = `http://127.0.0.1:${ferryPort}`;

  const prod = await startRegistry();
  after(() => prod.stop());
  // The registry knows where ferry will listen before ferry starts; it retries until ferry answers.
  const nonprod: RegistryInstance = await startRegistry({
    notifications: { url: `${serverUrl}/hooks/registry/distribution`, authorization: hookAuthorization },
  });
  after(() => nonprod.stop());

  // Started here, not in before(): an after() registered inside a hook runs when that hook ends.
  const pg = database === 'postgresql' ? await startPostgres() : undefined;
  if (pg) after(() => pg.stop());

  const files = { hook: join(temp.path, 'registry-hook'), config: join(temp.path, 'ferry.yaml') };
  let serve: ChildProcess | undefined;
  let unregister = () => {};
  let logs = '';
  // Registered here, not in before(): an after() registered inside a hook runs when that hook ends.
  after(async () => {
    if (serve !== undefined && serve.exitCode === null) {
      const exited = new Promise((resolve) => serve?.once('exit', resolve));
      serve.kill('SIGTERM');
      await exited;
    }
    unregister();
  });

  /** The service's JSON log lines so far. */
  const logLines = (): Record<string, unknown>[] =>
    logs
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const found = await probe();
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}; ferry logs:\n${logs}\nregistry:\n${nonprod.logs()}`);
  }

  async function promotionsOf(repository: string): Promise<{ id: string; status: string; rule: string }[]> {
    const response = await fetch(`${serverUrl}/api/v1/promotions?repository=${repository}`, {
      headers: { authorization: `Bearer ${viewerToken}` },
    });
    assert.equal(response.status, 200, await response.clone().text());
    return ((await response.json()) as { promotions: { id: string; status: string; rule: string }[] })
      .promotions;
  }

  before(async () => {
    await writeFile(files.hook, hookAuthorization, { mode: 0o600 });
    await writeFile(
      files.config,
      `version: 1
server:
  listen: 127.0.0.1:${ferryPort}
  dataDir: ${join(temp.path, 'data')}
environments:
  nonprod:
    registry: ${nonprod.host}
    tls: { verify: false }
    credentials: { anonymous: true }
  prod:
    registry: ${prod.host}
    tls: { verify: false }
    credentials: { anonymous: true }
promotions:
  # Default triggers: registry pushes may not promote it.
  - name: by-ci
    from: nonprod:team-a/*
    to: prod:team-a/*
    tags: 'v[0-9]+'
  # Opted in, with no approvals: ferry warns about it at start.
  - name: on-push
    from: nonprod:auto/*
    to: prod:auto/*
    tags: 'v[0-9]+'
    triggers: [distribution]
  # Opted in, but a person decides: no start-up warning.
  - name: gated
    from: nonprod:gated/*
    to: prod:gated/*
    tags: 'v[0-9]+'
    triggers: [distribution]
    approvals: { required: 1 }
triggers:
  distribution:
    enabled: true
    environment: nonprod
    authorization: { file: ${files.hook} }
apiTokens:
  - { name: viewer, role: viewer, sha256: ${sha256(viewerToken)} }
  - { name: alice, role: approver, sha256: ${sha256(approverToken)} }
  - { name: ci, role: promoter, sha256: ${sha256(promoterToken)} }
`,
    );
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: temp.path };
    if (pg) env.FERRY_DATABASE_URL = pg.url; // never in argv
    const child = spawn(FERRY_BIN, ['serve', '--config', files.config], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serve = child;
    unregister = killOnExit(child);
    const collect = (chunk: Buffer) => {
      logs += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ferry serve did not start:\n${logs}`)), 90_000);
      child.stderr?.on('data', () => {
        if (/listening on http/.test(logs)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`ferry serve exited ${code}:\n${logs}`)));
    });
  });

  describe(`registry events are opt-in per rule (${database} store, real docker-registry notifications)`, () => {
    test('ferry serve warns at start about the rule registry pushes can promote without approval, only that one', () => {
      const warnings = logLines().filter((line) => line['msg'] === 'configuration warning');
      const about = (rule: string) =>
        warnings.filter((line) => JSON.stringify(line['warning']).includes(`rule \\"${rule}\\"`));
      assert.equal(about('on-push').length, 1, logs);
      const [warning] = about('on-push');
      assert.equal(warning?.['level'], 40, 'at warn');
      assert.match(JSON.stringify(warning?.['warning']), /promotes to prod with no approval/);
      assert.equal(about('by-ci').length, 0);
      assert.equal(about('gated').length, 0, 'a rule that needs an approval is not warned about');
    });

    test('a push matching a rule that did not opt in promotes nothing and is logged at info', async () => {
      const image = await buildImage({ layers: [8_000], seed: 'registry-events-ci' });
      await pushImage(nonprod, 'team-a/app', 'v1', image);
      const line = await until('the info line about team-a/app:v1', () =>
        logLines().find(
          (entry) =>
            entry['rule'] === 'by-ci' &&
            String(entry['event']).endsWith('/team-a/app:v1') &&
            entry['trigger'] === 'distribution',
        ),
      );
      assert.equal(line['level'], 30, 'at info');
      assert.match(String(line['msg']), /not promoted: the rule does not accept registry events/);
      assert.match(String(line['reason']), /rule "by-ci" does not accept the distribution trigger/);
      assert.deepEqual(await promotionsOf('team-a/app'), []);
      assert.equal((await rigGetManifest(prod, 'team-a/app', 'v1')).status, 404);
    });

    test('a push matching a rule that lists distribution is promoted by digest', async () => {
      const image = await buildImage({ layers: [8_000, 2_000], seed: 'registry-events-auto' });
      await pushImage(nonprod, 'auto/app', 'v1', image);
      const promotion = await until('the promotion of auto/app:v1 to finish', async () => {
        const [found] = await promotionsOf('auto/app');
        return found?.status === 'succeeded' || found?.status === 'failed' ? found : undefined;
      });
      assert.equal(promotion.status, 'succeeded');
      assert.equal(promotion.rule, 'on-push');
      assert.equal((await rigGetManifest(prod, 'auto/app', 'v1')).digest, image.manifestDigest);
      assert.ok(!logs.includes(hookAuthorization), 'the registry hook secret leaked into the logs');
    });

    test('a rerun is an API operation: allowed for a rule whose triggers do not list api', async () => {
      const image = await buildImage({ layers: [4_000], seed: 'registry-events-gated' });
      await pushImage(nonprod, 'gated/app', 'v1', image);
      const waiting = await until('the push to await approval', async () => {
        const [found] = await promotionsOf('gated/app');
        return found?.status === 'awaiting_approval' ? found : undefined;
      });
      const act = (id: string, action: string, token: string) =>
        fetch(`${serverUrl}/api/v1/promotions/${id}/${action}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}` },
        });
      const rejected = await act(waiting.id, 'reject', approverToken);
      assert.equal(rejected.status, 200, await rejected.text());
      const rerun = await act(waiting.id, 'rerun', promoterToken);
      assert.equal(rerun.status, 202, await rerun.clone().text());
      const { promotion } = (await rerun.json()) as { promotion: { status: string; triggerKind: string } };
      assert.deepEqual([promotion.status, promotion.triggerKind], ['awaiting_approval', 'api']);
      // A new request through the API, by contrast, is refused for this rule.
      const asked = await fetch(`${serverUrl}/api/v1/promotions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${promoterToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ source: { environment: 'nonprod', repository: 'gated/app', tag: 'v1' } }),
      });
      assert.equal(asked.status, 403, await asked.clone().text());
      assert.equal(((await asked.json()) as { code: string }).code, 'FERRY_E_PROMOTION_TRIGGER_NOT_ALLOWED');
    });
  });
}
