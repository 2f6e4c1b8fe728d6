import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promotionPageSchema } from '../../src/api/promotion-responses.ts';
import { releaseListSchema } from '../../src/api/release.ts';
import { signedReadHeaders } from '../../src/api/signed-read.ts';
import { CONTRACT_VIOLATION_LOG } from '../../src/service/http/response-contract.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { freePort } from '../rig/ports.ts';
import { startPostgres } from '../rig/postgres.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { FERRY_BIN, type FerryRun, runFerry } from '../support/run-ferry.ts';

/**
 * The whole production side as users run it: `ferry serve` as a real process, on the embedded store or
 * on PostgreSQL (`FERRY_DATABASE_URL`), fed by `ferry trigger --wait` and by the seed pipeline's exact
 * OpenShift webhook body, copying between real registries. Logs are checked for every secret used.
 */
export async function defineServeSuite(database: 'embedded' | 'postgresql'): Promise<void> {
  const rig = await withRig({ after }, { anonymous: true, basicTls: true });
  const nonprod = rig.anonymous!;
  const prod = rig.basicTls!;
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const openshiftSecret = `os-${randomBytes(12).toString('hex')}`;
  const viewerToken = `viewer-${randomBytes(16).toString('hex')}`;
  const promoterToken = `promoter-${randomBytes(16).toString('hex')}`;
  const files = {
    webhook: join(rig.dir, 'webhook-secret'),
    openshift: join(rig.dir, 'openshift-secret'),
    prodPassword: join(rig.dir, 'prod-password'),
    token: join(rig.dir, 'viewer-token'),
    config: join(rig.dir, 'ferry.yaml'),
  };
  const image = await buildImage({ layers: [200_000, 30_000], seed: 'e2e' });
  await pushImage(nonprod, 'team-a/app', 'abc1234', image);
  await pushImage(nonprod, 'team-a/app', 'abc5678', image);
  await pushImage(nonprod, 'team-a/app', 'abcdef0', image);
  await pushImage(nonprod, 'team-a/app', 'not-a-sha', image);
  const seedImage = await buildImage({ layers: [10_000], seed: 'e2e-seed' });
  await pushImage(nonprod, 'team-a/myapp', 'deadbeef1', seedImage);

  // Started here, not in before(): an after() registered inside a hook runs when that hook ends.
  const pg = database === 'postgresql' ? await startPostgres() : undefined;
  if (pg) after(() => pg.stop());

  let serve: ChildProcess;
  let serverUrl = '';
  let logs = '';

  before(async () => {
    await writeFile(files.webhook, webhookSecret);
    await writeFile(files.openshift, openshiftSecret);
    await writeFile(files.prodPassword, prod.password!);
    await writeFile(files.token, viewerToken);
    const port = await freePort();
    await writeFile(
      files.config,
      `version: 1
server:
  listen: 127.0.0.1:${port}
  publicUrl: http://127.0.0.1:${port}
  dataDir: ${join(rig.dir, 'data')}
environments:
  nonprod:
    registry: ${nonprod.host}
    tls: { verify: false }
    credentials: { anonymous: true }
  prod:
    registry: ${prod.host}
    tls: { certDir: ${prod.certDir} }
    credentials:
      username: ${prod.username}
      password: { file: ${files.prodPassword} }
promotions:
  - name: team-a
    from: nonprod:team-a/*
    to: prod:team-a/*
    tags: '[0-9a-f]{7,40}'
triggers:
  standardWebhooks: { enabled: true, secrets: [ { file: ${files.webhook} } ] }
  openshift: { enabled: true, secrets: [ { file: ${files.openshift} } ] }
apiTokens:
  - name: ci-viewer
    role: viewer
    sha256: ${createHash('sha256').update(viewerToken).digest('hex')}
  - name: ci-promoter
    role: promoter
    sha256: ${createHash('sha256').update(promoterToken).digest('hex')}
`,
    );
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: rig.dir,
      FERRY_LOG_LEVEL: 'debug',
      // Every answer of the suite (ferry trigger's included) is checked against the API contract.
      FERRY_CHECK_RESPONSES: '1',
    };
    if (pg) env.FERRY_DATABASE_URL = pg.url; // never in argv
    serve = spawn(FERRY_BIN, ['serve', '--config', files.config], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // FERRY_E2E_LOGS=/tmp/x keeps the service's log as /tmp/x-<database>.log for debugging.
    if (process.env.FERRY_E2E_LOGS)
      serve.stderr?.pipe(createWriteStream(`${process.env.FERRY_E2E_LOGS}-${database}.log`));
    serve.stdout?.on('data', (d: Buffer) => {
      logs += d.toString();
    });
    serverUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ferry serve did not start:\n${logs}`)), 30_000);
      serve.stderr?.on('data', (d: Buffer) => {
        logs += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(logs);
        if (m) {
          clearTimeout(timer);
          assert.match(
            logs,
            new RegExp(`\\(${database === 'embedded' ? 'embedded' : 'postgresql'} database\\)`),
          );
          resolve(m[1]!);
        }
      });
      serve.on('exit', (code) => reject(new Error(`ferry serve exited ${code}:\n${logs}`)));
    });
  });

  after(async () => {
    if (serve && serve.exitCode === null) {
      serve.kill('SIGKILL');
    }
  });

  describe(`ferry serve (${database} store) + ferry trigger, end to end`, () => {
    /** `ferry trigger --wait` for team-a/app:<tag> from nonprod, signed with the webhook secret file. */
    const triggerWait = (tag: string, extraArgs: readonly string[]) =>
      runFerry(
        [
          'trigger',
          '--server',
          serverUrl,
          '--image',
          'team-a/app',
          '--tag',
          tag,
          '--from',
          'nonprod',
          '--wait',
          '--secret-file',
          files.webhook,
          ...extraArgs,
        ],
        { timeoutMs: 90_000 },
      );
    const assertPromoted = async (run: FerryRun, tag: string) => {
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, /succeeded/);
      assert.equal((await rigGetManifest(prod, 'team-a/app', tag)).digest, image.manifestDigest);
    };

    test('ferry trigger --wait promotes by digest and exits 0', async () => {
      const run = await triggerWait('abc1234', ['--timeout', '60s', '--token-file', files.token]);
      await assertPromoted(run, 'abc1234');
    });

    test('ferry trigger --wait with only the webhook secret follows its promotion (reads signed with that secret)', async () => {
      // The command line of the issue: no API token anywhere (runFerry's environment is hermetic).
      const run = await triggerWait('abc5678', ['--timeout', '60s']);
      await assertPromoted(run, 'abc5678');
    });

    test('a tag outside the rule is refused with a reason and a non-zero exit; nothing is promoted', async () => {
      const run = await triggerWait('not-a-sha', ['--token-file', files.token]);
      assert.notEqual(run.code, 0);
      assert.match(run.stderr, /not-a-sha/);
      assert.equal((await rigGetManifest(prod, 'team-a/app', 'not-a-sha')).status, 404);
    });

    test('a delivery answered with a promotion the API requested: its own signed read may see it, another may not', async () => {
      const requested = await fetch(`${serverUrl}/api/v1/promotions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${promoterToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          source: { environment: 'nonprod', repository: 'team-a/app', tag: 'abcdef0' },
        }),
      });
      assert.equal(requested.status, 202, await requested.clone().text());
      const { promotion } = (await requested.json()) as { promotion: { id: string } };
      const webhookId = `e2e-${database}-${randomBytes(6).toString('hex')}`;
      const run = await triggerWait('abcdef0', ['--timeout', '60s', '--webhook-id', webhookId]);
      await assertPromoted(run, 'abcdef0');
      assert.match(run.stdout, new RegExp(`promotion ${promotion.id} \\w+ \\(already requested earlier\\)`));
      const path = `/api/v1/promotions/${promotion.id}`;
      const read = (id: string | undefined) =>
        fetch(`${serverUrl}${path}`, {
          headers: signedReadHeaders(webhookSecret, 'GET', path, new Date(), id),
        });
      assert.equal((await read(webhookId)).status, 200, "the delivery's own read");
      assert.equal((await read(undefined)).status, 403, 'a read signed as no delivery');
      assert.equal((await read('e2e-some-other-delivery')).status, 403, 'a read signed as another delivery');
    });

    test('ferry promotions list and show, and ferry releases, against the same server', async () => {
      const env = { FERRY_SERVER: serverUrl };
      const list = await runFerry(
        ['promotions', 'list', '--token-file', files.token, '--repository', 'team-a/app'],
        {
          env,
        },
      );
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^ID +STATUS +KIND +RULE +SOURCE → DESTINATION +REQUESTED BY +AGE$/m);
      assert.match(
        list.stdout,
        / succeeded +promotion +team-a +nonprod\/team-a\/app:abc1234 → prod\/team-a\/app:abc1234 /,
      );
      const page = promotionPageSchema.parse(
        JSON.parse(
          (
            await runFerry(['promotions', 'list', '--token-file', files.token, '--json', '--limit', '2'], {
              env,
            })
          ).stdout,
        ),
      );
      assert.equal(page.promotions.length, 2);
      const show = await runFerry(
        ['promotions', 'show', page.promotions[0]!.id.slice(-8), '--token-file', files.token],
        {
          env,
        },
      );
      assert.equal(show.code, 0, show.stderr);
      assert.match(show.stdout, new RegExp(`^id: +${page.promotions[0]!.id}$`, 'm'));
      const releases = await runFerry(['releases', '--json', '--token-file', files.token], { env });
      assert.equal(releases.code, 0, releases.stderr);
      assert.ok(releaseListSchema.parse(JSON.parse(releases.stdout)).releases.length >= 3);
      for (const run of [list, show, releases]) assert.ok(!(run.stdout + run.stderr).includes(viewerToken));
    });

    test("the seed pipeline's exact OpenShift webhook body promotes (env as an object)", async () => {
      const body = JSON.stringify({
        env: {
          IMAGE_NAME: 'myapp',
          NON_PROD_REGISTRY: nonprod.host,
          PROD_REGISTRY: prod.host,
          NON_PROD_PROJECT_NAME: 'team-a',
          PROD_PROJECT_NAME: 'team-a',
          GIT_COMMIT: 'deadbeef1',
        },
      });
      const res = await fetch(
        `${serverUrl}/oapi/v1/namespaces/team-a/buildconfigs/production-pipeline/webhooks/${openshiftSecret}/generic`,
        { method: 'POST', headers: { 'content-type': 'application/json' }, body },
      );
      assert.equal(res.status, 202, await res.clone().text());
      const accepted = (await res.json()) as { promotion: { id: string } };
      const deadline = Date.now() + 30_000;
      let status = '';
      while (Date.now() < deadline) {
        const got = await fetch(`${serverUrl}/api/v1/promotions/${accepted.promotion.id}`, {
          headers: { authorization: `Bearer ${viewerToken}` },
        });
        status = ((await got.json()) as { promotion: { status: string } }).promotion.status;
        if (status === 'succeeded' || status === 'failed') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(status, 'succeeded');
      assert.equal(
        (await rigGetManifest(prod, 'team-a/myapp', 'deadbeef1')).digest,
        seedImage.manifestDigest,
      );

      const wrongSecret = await fetch(`${serverUrl}/hooks/openshift/not-the-secret/generic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(wrongSecret.status, 401);
      const missing = await fetch(`${serverUrl}/hooks/openshift/${openshiftSecret}/generic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ env: { IMAGE_NAME: 'myapp' } }),
      });
      assert.equal(missing.status, 400);
      assert.match(await missing.text(), /GIT_COMMIT/);
    });

    test('every answer of the suite followed the API contract (checked by the server as it sent them)', () => {
      assert.ok(
        !logs.includes(CONTRACT_VIOLATION_LOG),
        logs
          .split('\n')
          .filter((l) => l.includes(CONTRACT_VIOLATION_LOG))
          .join('\n'),
      );
    });

    test('no secret appears in the service logs; SIGTERM shuts down cleanly', async () => {
      for (const secret of [webhookSecret, openshiftSecret, viewerToken, promoterToken, prod.password!]) {
        assert.ok(!logs.includes(secret), 'a secret leaked into the logs');
      }
      const exited = new Promise<number | null>((resolve) => serve.on('exit', (code) => resolve(code)));
      serve.kill('SIGTERM');
      assert.equal(await exited, 0);
    });
  });
}
