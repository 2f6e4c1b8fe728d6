import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { PromotionView } from '../../src/api/promotion.ts';
import { signStandardWebhook } from '../../src/api/standard-webhooks.ts';
import { encryptCosignPrivateKey } from '../../src/signature/cosign-private-key.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { startPostgres } from '../rig/postgres.ts';
import type { RegistryInstance } from '../rig/registry.ts';
import { withRig } from '../rig/rig.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { runFerry } from '../support/run-ferry.ts';
import { teardown } from '../support/teardown.ts';
import { writeServeConfig } from './serve-fixture.ts';
import { startFerryProcess } from './serve-process.ts';

/*
 * Issue 16 point 6, "secret values grepped in logs/API/ps/database dump": a real `ferry serve` (debug
 * logging) with every kind of secret docs/security.md lists configured — Standard Webhooks, GitHub and
 * OpenShift webhook secrets, the distribution and Harbor `Authorization` headers (one of them inline),
 * API tokens, the passphrase of a cosign-encrypted promotion attestation key, registry credentials of
 * every source (password file, auth.json, credential helper, service-account token file, registry bearer token, a wrong password), a signed notification target,
 * and on PostgreSQL the password in the database URL — is driven through successes and failures
 * (promotions, a registry refusing its credentials, forged and unsigned webhooks, unknown and
 * under-privileged tokens, a failing notification receiver, on PostgreSQL the database going away for
 * a moment). Then every secret (and `user:password` as a Basic header carries it) is searched for raw,
 * percent-encoded, and base64/base64url at every byte alignment (so inside an encoded header too), in
 * ferry's stdout and stderr, every
 * API answer (status, headers, body: errors, OpenAPI, metrics, SSE included), `ps -eo args` snapshots
 * taken every 50 ms during the run (ferry, `ferry trigger`, the credential helper ferry spawns), and the
 * data directory's files (embedded) or a `pg_dump` (PostgreSQL). Each place is also checked to hold
 * something known (a digest, ferry's argv, a log line), and the counts of places are asserted, so the
 * search cannot pass by looking at nothing.
 */
export async function defineSecretExposureSuite(database: 'embedded' | 'postgresql'): Promise<void> {
  const cleanup = teardown(after);
  const rig = await withRig(
    { after: cleanup },
    { anonymous: true, basicTls: true, token: true, tokenTls: true },
  );
  const temp = await makeTempDir(`secret-exposure-${database}`);
  cleanup(() => temp.remove());
  const issuer = rig.issuer!;
  const [helperRegistry, authFileRegistry, wrongRegistry, bearerRegistry] = await Promise.all([
    rig.startRegistry({ auth: 'basic', tls: true }),
    rig.startRegistry({ auth: 'basic', tls: true }),
    rig.startRegistry({ auth: 'basic', tls: true }),
    rig.startRegistry({ auth: 'token', tls: true, issuer }),
  ]);

  const hex = (bytes: number) => randomBytes(bytes).toString('hex');
  const secrets = new Map<string, string>();
  const secret = (name: string, value: string) => {
    secrets.set(name, value);
    return value;
  };
  const standard = secret('standard webhook secret', `whsec_${randomBytes(24).toString('base64')}`);
  const github = secret('github webhook secret', hex(20));
  const openshift = secret('openshift webhook secret', hex(16));
  const distribution = secret('distribution authorization', `Bearer ${hex(16)}`);
  const harbor = secret('harbor authorization (inline)', `Basic ${randomBytes(18).toString('base64')}`);
  const notifySecret = secret('notification secret', `whsec_${randomBytes(24).toString('base64')}`);
  const attestPassword = secret('attestation key passphrase', `attest-${hex(16)}`);
  const wrongPassword = secret('wrong registry password', `wrong-${hex(12)}`);
  const bearerToken = secret(
    'registry bearer token',
    issuer.mintToken([{ type: 'repository', name: 'bearer/app', actions: ['pull', 'push'] }], {
      service: bearerRegistry.service,
      subject: 'ferry-bearer',
      expiresIn: 3600,
    }),
  );
  secret('service-account token', rig.saToken!);
  secret('prod registry password', rig.basicTls!.password!);
  const helperPassword = secret('credential helper password', helperRegistry.password!);
  const authFilePassword = secret('auth.json password', authFileRegistry.password!);
  // What a Basic header or an auth.json `auth` field carries.
  for (const [name, registry] of [
    ['prod', rig.basicTls!],
    ['credential helper', helperRegistry],
    ['auth.json', authFileRegistry],
  ] as const) {
    secrets.set(`${name} user:password`, `${registry.username}:${registry.password}`);
  }

  const file = async (name: string, value: string) => {
    const path = join(temp.path, name);
    await writeFile(path, value, { mode: 0o600 });
    return path;
  };
  // A credential helper on ferry's PATH: the password reaches ferry on the helper's stdout, never in argv.
  const helperDir = join(temp.path, 'bin');
  await mkdir(helperDir);
  const helperAnswer = await file(
    'helper-answer.json',
    JSON.stringify({ Username: helperRegistry.username, Secret: helperPassword }),
  );
  await writeFile(
    join(helperDir, 'docker-credential-ferrytest'),
    `#!/bin/sh\ncat >/dev/null\ncat '${helperAnswer}'\n`,
  );
  await chmod(join(helperDir, 'docker-credential-ferrytest'), 0o755);
  const authFile = await file(
    'auth.json',
    JSON.stringify({
      auths: {
        [authFileRegistry.host]: {
          auth: Buffer.from(`${authFileRegistry.username}:${authFilePassword}`).toString('base64'),
        },
      },
    }),
  );
  const helperAuthFile = await file(
    'helper-auth.json',
    JSON.stringify({ credHelpers: { [helperRegistry.host]: 'ferrytest' } }),
  );

  let databaseFile: string | undefined;
  let dumpDatabase: (() => Promise<string>) | undefined;
  let databaseOutage: { pause(): Promise<void>; resume(): Promise<void> } | undefined;
  if (database === 'postgresql') {
    const postgres = await startPostgres();
    cleanup(() => postgres.stop());
    const password = secret('database password', `pg-${hex(16)}`);
    const url = await postgres.createPasswordDatabase('ferry_secretive', password);
    // The password is really needed: without it the server refuses the role (scram-sha-256, not trust)
    // once it has reloaded pg_hba.conf (asynchronous, on SIGHUP).
    for (let attempt = 0; ; attempt++) {
      const withoutPassword = new pg.Client({ connectionString: url.replace(/:[^:@/]+@/, '@') });
      const refused = await withoutPassword.connect().then(
        async () => {
          await withoutPassword.end();
          return false;
        },
        () => true,
      );
      if (refused) break;
      assert.ok(attempt < 50, 'PostgreSQL still lets the role in without its password');
      await sleep(100);
    }
    databaseFile = await file('database-url', url);
    dumpDatabase = () => postgres.dump('ferry_secretive');
    databaseOutage = { pause: () => postgres.pause(), resume: () => postgres.resume() };
  }

  // A notification receiver that fails every delivery: errors are recorded and retried.
  let notificationsReceived = 0;
  const receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      notificationsReceived += 1;
      res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver is down');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  cleanup(
    () =>
      new Promise<void>((resolve) => {
        receiver.closeAllConnections();
        receiver.close(() => resolve());
      }),
  );

  const tls = (registry: RegistryInstance) => ({ certDir: registry.certDir });
  const { path: configPath, tokens } = await writeServeConfig({
    dir: temp.path,
    nonprod: rig.anonymous,
    prod: rig.basicTls,
    server: databaseFile === undefined ? {} : { databaseUrl: { file: databaseFile } },
    environments: {
      helper: {
        registry: helperRegistry.host,
        tls: tls(helperRegistry),
        credentials: { authFile: helperAuthFile },
      },
      authfile: { registry: authFileRegistry.host, tls: tls(authFileRegistry), credentials: { authFile } },
      wrong: {
        registry: wrongRegistry.host,
        tls: tls(wrongRegistry),
        credentials: {
          username: wrongRegistry.username,
          password: { file: await file('wrong-password', wrongPassword) },
        },
      },
      sa: {
        registry: rig.token!.host,
        tls: { caFile: rig.ca.caFile },
        credentials: { tokenFile: await file('sa-token', rig.saToken!) },
      },
      bearer: {
        registry: bearerRegistry.host,
        tls: { caFile: rig.ca.caFile },
        credentials: { registryToken: { file: await file('bearer-token', bearerToken) } },
      },
    },
    rules: [
      {
        name: 'team',
        from: 'nonprod:team/*',
        to: 'prod:team/*',
        tags: '.+',
        // A cosign-encrypted attestation key: its passphrase is one more secret to look for.
        attest: {
          keyFile: {
            file: await file(
              'attest-cosign.key',
              await encryptCosignPrivateKey(
                generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
                Buffer.from(attestPassword),
              ),
            ),
          },
          passphrase: { file: await file('attest-password', attestPassword) },
        },
      },
      ...['helper', 'authfile', 'wrong', 'sa', 'bearer'].map((env) => ({
        name: env,
        from: `nonprod:${env}/*`,
        to: `${env}:${env}/*`,
        tags: 'v[0-9]+',
      })),
    ],
    triggers: {
      standardWebhooks: { enabled: true, secrets: [{ file: await file('standard', standard) }] },
      github: { enabled: true, secrets: [{ env: 'FERRY_TEST_GITHUB_SECRET' }] },
      openshift: { enabled: true, secrets: [{ file: await file('openshift', openshift) }] },
      distribution: {
        enabled: true,
        authorization: { file: await file('distribution', distribution) },
        environment: 'nonprod',
      },
      harbor: { enabled: true, authorization: { value: harbor }, environment: 'nonprod' },
    },
    notify: [
      {
        name: 'receiver',
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        secret: { env: 'FERRY_TEST_NOTIFY_SECRET' },
      },
    ],
  });
  for (const [name, value] of Object.entries(tokens)) secrets.set(`API token ${name}`, value);

  const image = await buildImage({ layers: [3_000, 2_000], seed: `secret-exposure-${database}` });
  for (const repository of ['team/app', 'helper/app', 'authfile/app', 'wrong/app', 'sa/app', 'bearer/app']) {
    for (const tag of ['v1', 'v2', 'v3', 'deadbeef1'])
      await pushImage(rig.anonymous!, repository, tag, image);
  }

  // `ps -eo args` every 50 ms from before ferry starts until it has stopped.
  const snapshots: string[] = [];
  let snapshotting = true;
  const snapshotLoop = (async () => {
    while (snapshotting) {
      snapshots.push(
        await new Promise<string>((resolve, reject) =>
          execFile('ps', ['-eo', 'args'], { maxBuffer: 16 * 1024 * 1024 }, (err, stdout) =>
            err ? reject(err) : resolve(stdout),
          ),
        ),
      );
      await sleep(50);
    }
  })();
  cleanup(async () => {
    snapshotting = false;
    await snapshotLoop;
  });

  const ferry = await startFerryProcess(['serve', '--config', configPath, '--listen', '127.0.0.1:0'], {
    env: {
      HOME: temp.path,
      PATH: `${helperDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      FERRY_LOG_LEVEL: 'debug',
      FERRY_TEST_GITHUB_SECRET: github,
      FERRY_TEST_NOTIFY_SECRET: notifySecret,
    },
    cleanup,
  });

  /** Every answer ferry gave, as status line, headers and body. */
  const answers: string[] = [];
  const call = async (
    path: string,
    init: {
      method?: string;
      token?: string | undefined;
      headers?: Record<string, string>;
      body?: string;
    } = {},
  ) => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${ferry.url}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    answers.push(
      `${response.status}\n${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n\n${text}`,
    );
    return { status: response.status, text, json: () => JSON.parse(text) as { promotion: PromotionView } };
  };
  const request = (env: string, repository: string, tag: string) =>
    JSON.stringify({
      source: { environment: 'nonprod', repository, tag },
      destination: { environment: env },
    });
  const settled = async (id: string) => {
    for (const deadline = Date.now() + 90_000; ; ) {
      const { promotion } = (await call(`/api/v1/promotions/${id}`, { token: tokens.viewer })).json();
      if (['succeeded', 'failed', 'cancelled', 'rejected'].includes(promotion.status)) return promotion;
      assert.ok(Date.now() < deadline, `promotion ${id} still ${promotion.status}`);
      await sleep(250);
    }
  };
  const standardHeaders = (body: string, key = standard, id = `msg_${hex(8)}`) => {
    const timestamp = Math.floor(Date.now() / 1000);
    return {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook(key, id, timestamp, body),
    };
  };
  const promotionBody = (image: string, tag: string) =>
    JSON.stringify({ type: 'promotion.requested', data: { image, tag, from: 'nonprod' } });

  test(`no secret reaches ferry's output, API answers, process list or ${database === 'embedded' ? 'data directory' : 'database dump'}`, async () => {
    const ids: string[] = [];
    // Promotions through the API, one per destination credential kind; `wrong` is refused by its registry.
    for (const env of ['prod', 'helper', 'authfile', 'wrong', 'sa', 'bearer']) {
      const repository = `${env === 'prod' ? 'team' : env}/app`;
      const accepted = await call('/api/v1/promotions', {
        token: tokens.ci,
        body: request(env, repository, 'v1'),
      });
      assert.equal(accepted.status, 202, accepted.text);
      ids.push(accepted.json().promotion.id);
    }
    // `ferry trigger --wait` as users run it: secrets from files, so its argv holds none.
    const triggerSecret = join(temp.path, 'standard');
    const viewerTokenFile = await file('viewer-token', tokens.viewer);
    const trigger = await runFerry(
      [
        'trigger',
        ...['--server', ferry.url, '--secret-file', triggerSecret, '--token-file', viewerTokenFile],
        ...[
          '--image',
          'team/app',
          '--tag',
          'v2',
          '--from',
          'nonprod',
          '--wait',
          '--json',
          '--timeout',
          '90s',
        ],
      ],
      { env: { HOME: temp.path } },
    );
    assert.equal(trigger.code, 0, trigger.stderr);
    answers.push(`ferry trigger stdout\n${trigger.stdout}\nstderr\n${trigger.stderr}`);
    // A GitHub-signed delivery, an OpenShift generic webhook (secret in the URL), registry events.
    const githubBody = promotionBody('team/app', 'v3');
    const githubSigned = await call('/hooks/github', {
      body: githubBody,
      headers: {
        'x-hub-signature-256': `sha256=${createHmac('sha256', github).update(githubBody).digest('hex')}`,
        'x-github-delivery': hex(8),
      },
    });
    assert.equal(githubSigned.status, 202, githubSigned.text);
    ids.push(githubSigned.json().promotion.id);
    const openshiftBody = JSON.stringify({
      env: {
        IMAGE_NAME: 'app',
        NON_PROD_REGISTRY: rig.anonymous!.host,
        PROD_REGISTRY: rig.basicTls!.host,
        NON_PROD_PROJECT_NAME: 'team',
        PROD_PROJECT_NAME: 'team',
        GIT_COMMIT: 'deadbeef1',
      },
    });
    const openshiftHook = await call(`/hooks/openshift/${openshift}/generic`, { body: openshiftBody });
    assert.equal(openshiftHook.status, 202, openshiftHook.text);
    ids.push(openshiftHook.json().promotion.id);
    const pullEvent = JSON.stringify({
      events: [{ id: hex(8), action: 'pull', target: { repository: 'team/app' } }],
    });
    const distributionHook = await call('/hooks/registry/distribution', {
      body: pullEvent,
      headers: {
        authorization: distribution,
        'content-type': 'application/vnd.docker.distribution.events.v2+json',
      },
    });
    assert.ok(distributionHook.status < 300, distributionHook.text);
    const harborHook = await call('/hooks/registry/harbor', {
      body: JSON.stringify({ type: 'PULL_ARTIFACT', occur_at: 1, operator: 'ci', event_data: {} }),
      headers: { authorization: harbor },
    });
    assert.ok(harborHook.status < 300, harborHook.text);

    // What must be refused, each answered 4xx.
    const standardBody = promotionBody('team/app', 'v1');
    const replayed = standardHeaders(standardBody);
    const refusals = [
      await call('/api/v1/promotions', { token: `ci-${hex(16)}`, body: request('prod', 'team/app', 'v1') }),
      await call('/api/v1/promotions', { token: tokens.viewer, body: request('prod', 'team/app', 'v1') }),
      await call('/api/v1/promotions', {
        headers: { authorization: `Basic ${Buffer.from(`ci:${tokens.ci}`).toString('base64')}` },
      }),
      await call(`/api/v1/promotions/${ids[0]}/cancel`, { method: 'POST', token: tokens.alice }),
      await call('/hooks/standard', {
        body: standardBody,
        headers: standardHeaders(standardBody, `whsec_${randomBytes(24).toString('base64')}`),
      }),
      await call('/hooks/standard', {
        body: standardBody,
        headers: { ...replayed, 'webhook-timestamp': '1000' },
      }),
      await call('/hooks/standard', {
        body: '{"type":"promotion.requested","data":{}}',
        headers: standardHeaders('{}'),
      }),
      await call('/hooks/standard', { body: 'not json', headers: standardHeaders('not json') }),
      await call('/hooks/github', {
        body: githubBody,
        headers: { 'x-hub-signature-256': `sha256=${hex(32)}` },
      }),
      await call(`/hooks/openshift/${hex(16)}/generic`, { body: openshiftBody }),
      await call(`/hooks/openshift/${openshift}/generic`, {
        body: JSON.stringify({ env: { IMAGE_NAME: 'app' } }),
      }),
      await call('/hooks/registry/distribution', {
        body: pullEvent,
        headers: { authorization: `Bearer ${hex(16)}` },
      }),
      await call('/hooks/registry/harbor', { body: '{}', headers: { authorization: `${harbor}x` } }),
    ];
    for (const refusal of refusals) assert.ok(refusal.status >= 400 && refusal.status < 500, refusal.text);
    // A replay of an accepted delivery.
    const first = await call('/hooks/standard', { body: standardBody, headers: replayed });
    const again = await call('/hooks/standard', { body: standardBody, headers: replayed });
    assert.ok(first.status < 300, first.text);
    assert.equal(again.status, 409, again.text);

    const results = new Map<string, PromotionView>();
    for (const id of ids) results.set(id, await settled(id));
    const statuses = [...results.values()].map(
      (p) => `${p.source.repository}→${p.destination.environment}: ${p.status}`,
    );
    assert.deepEqual(
      [...results.values()].map((p) => p.status),
      ['succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded', 'succeeded', 'succeeded', 'succeeded'],
      statuses.join('\n'),
    );
    // The team rule's promotion was attested: the passphrase was really used, and its value searched for.
    const attestedRun = (
      await call(`/api/v1/promotions/${ids[0]}`, { token: tokens.viewer })
    ).json() as unknown as {
      timeline: { kind: string }[];
    };
    assert.ok(
      attestedRun.timeline.some((e) => e.kind === 'attested'),
      attestedRun.timeline.map((e) => e.kind).join(', '),
    );
    for (const id of ids) {
      const events = await call(`/api/v1/promotions/${id}/events`, { token: tokens.viewer });
      assert.equal(events.status, 200);
    }
    for (const path of [
      '/api/v1/promotions?limit=100',
      '/api/v1/releases',
      '/api/v1/promotions?status=failed',
    ]) {
      assert.equal((await call(path, { token: tokens.viewer })).status, 200);
    }
    for (const path of ['/metrics', '/api/openapi.json', '/healthz', '/readyz']) {
      assert.equal((await call(path)).status, 200);
    }
    // Notifications were attempted (and failed) for these promotions: their errors are stored.
    for (const deadline = Date.now() + 30_000; notificationsReceived < ids.length; await sleep(200)) {
      assert.ok(Date.now() < deadline, `only ${notificationsReceived} notifications arrived`);
    }
    if (databaseOutage !== undefined) {
      // The database goes away for a moment: readiness fails (and is logged), then recovers.
      await databaseOutage.pause();
      for (const deadline = Date.now() + 30_000; (await call('/readyz')).status !== 503; await sleep(250)) {
        assert.ok(Date.now() < deadline, 'still ready with the database down');
      }
      await databaseOutage.resume();
      for (const deadline = Date.now() + 30_000; (await call('/readyz')).status !== 200; await sleep(500)) {
        assert.ok(Date.now() < deadline, 'not ready again after the database came back');
      }
    }

    ferry.process.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      if (ferry.process.exitCode !== null || ferry.process.signalCode !== null) resolve();
      else ferry.process.once('exit', () => resolve());
    });
    snapshotting = false;
    await snapshotLoop;

    // The places searched, each with something known it must contain.
    const digest = image.manifestDigest;
    const places: { name: string; bytes: Buffer }[] = [
      { name: 'ferry serve stderr', bytes: Buffer.from(ferry.log()) },
      { name: 'ferry serve stdout', bytes: Buffer.from(ferry.stdout()) },
      ...answers.map((text, index) => ({ name: `API answer ${index}`, bytes: Buffer.from(text) })),
      ...snapshots.map((text, index) => ({ name: `ps snapshot ${index}`, bytes: Buffer.from(text) })),
    ];
    assert.match(ferry.log(), /promotion succeeded/);
    assert.ok(
      answers.some((a) => a.includes(digest)),
      'no API answer names the promoted digest',
    );
    // Snapshots taken while ferry ran (the loop started before it and stopped after it).
    const withFerry = snapshots.filter((s) => s.includes(configPath)).length;
    const withChildren = snapshots.filter((s) =>
      / trigger --server |docker-credential-ferrytest/.test(s),
    ).length;
    let storeFiles = 0;
    if (dumpDatabase === undefined) {
      const dataDir = join(temp.path, 'data');
      const names = (await readdir(dataDir, { recursive: true, withFileTypes: true })).filter((e) =>
        e.isFile(),
      );
      for (const entry of names) {
        places.push({
          name: `data dir ${join(entry.parentPath, entry.name)}`,
          bytes: await readFile(join(entry.parentPath, entry.name)),
        });
      }
      storeFiles = names.length;
    } else {
      const dump = await dumpDatabase();
      places.push({ name: 'pg_dump', bytes: Buffer.from(dump) });
      storeFiles = 1;
    }
    const store = places.filter((p) => p.name.startsWith('data dir') || p.name === 'pg_dump');
    assert.ok(
      store.some((p) => p.bytes.includes(digest)),
      `the promoted digest is in none of the ${store.length} store files: the search would not see a secret either`,
    );

    const hits: string[] = [];
    for (const [name, value] of secrets) {
      for (const [form, label] of encodings(value)) {
        const needle = Buffer.from(form);
        for (const place of places)
          if (place.bytes.includes(needle)) hits.push(`${name} (${label}) in ${place.name}`);
      }
    }
    const counts = {
      secrets: secrets.size,
      answers: answers.length,
      snapshots: snapshots.length,
      snapshotsWithFerry: withFerry,
      snapshotsWithTriggerOrHelper: withChildren,
      storeFiles,
    };
    console.log(`secret exposure (${database}): searched ${JSON.stringify(counts)}, ${places.length} places`);
    assert.deepEqual(hits, [], `secrets found (${JSON.stringify(counts)})`);
    assert.ok(secrets.size >= (database === 'embedded' ? 19 : 20), `${secrets.size} secrets`);
    assert.ok(answers.length >= 45, `${answers.length} answers`);
    assert.ok(withFerry >= 20, `${withFerry} ps snapshots while ferry ran`);
    assert.ok(storeFiles >= (database === 'embedded' ? 100 : 1), `${storeFiles} store files`);
  });
}

/**
 * The forms a secret can leak in: as is, percent-encoded, and base64/base64url at each of the three
 * alignments it can have inside a longer encoded text (`Bearer <token>` base64-encoded puts the token at
 * an offset of 7 bytes): the characters that depend only on the secret's bytes.
 */
function encodings(value: string): Map<string, string> {
  const bytes = Buffer.from(value);
  const forms = new Map([
    [value, 'raw'],
    [encodeURIComponent(value), 'percent-encoded'],
  ]);
  for (const shift of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    // Skip the first group when it holds padding bytes, and the last, partial group.
    const start = shift === 0 ? 0 : 4;
    const end = Math.floor(shifted.length / 3) * 4;
    for (const encoding of ['base64', 'base64url'] as const) {
      const form = shifted.toString(encoding).slice(start, end);
      if (!forms.has(form)) forms.set(form, `${encoding} at offset ${shift}`);
    }
  }
  // A whsec_ secret's HMAC key is the decoded base64: also in hex.
  if (value.startsWith('whsec_'))
    forms.set(Buffer.from(value.slice(6), 'base64').toString('hex'), 'key in hex');
  // The form as the key: what is searched; the value names it (never the secret) in a failure.
  return new Map([...forms].filter(([form]) => form.length >= 12));
}
