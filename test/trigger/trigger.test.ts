import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestCa } from '../rig/ca.ts';
import { runTriggerCli } from './cli-harness.ts';
import { startFakeFerry } from './fake-ferry.ts';

/*
 * `ferry trigger` end to end against a real HTTP server on 127.0.0.1 that verifies each delivery with
 * the server's own Standard Webhooks verifier. The secret and the token are asserted absent from
 * everything the command prints.
 */

const SECRET = `whsec_${Buffer.from('trigger-test-secret-0123456789').toString('base64')}`;
const TOKEN = 'ferry-api-token-0123456789abcdef';
const FAST = ['--poll-interval', '20ms'];

let dir: string;
let secretFile: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ferry-trigger-test-'));
  secretFile = join(dir, 'webhook-secret');
  // Written the way `echo` or a Kubernetes Secret leaves it: with a trailing newline.
  await writeFile(secretFile, `${SECRET}\n`);
});
after(() => rm(dir, { recursive: true, force: true }));

function assertNoSecrets(run: { stdout: string; stderr: string }): void {
  const all = run.stdout + run.stderr;
  assert.ok(!all.includes(SECRET), 'the webhook secret is never printed');
  assert.ok(!all.includes(SECRET.slice('whsec_'.length)), 'nor its base64 part');
  assert.ok(!all.includes(TOKEN), 'the API token is never printed');
}

test('503 first → retried with the same webhook-id; queued → running → succeeded exits 0', async (t) => {
  const ferry = await startFakeFerry({
    secret: SECRET,
    deliveryFaults: [503],
    states: [{ status: 'queued' }, { status: 'running' }, { status: 'running' }, { status: 'succeeded' }],
  });
  t.after(() => ferry.close());
  const run = await runTriggerCli([
    '--server',
    ferry.url,
    '--image',
    'team-a/app',
    '--tag',
    'abc1234',
    '--to',
    'prod',
    '--label',
    'ci.url=https://ci.example/job/7',
    '--secret-file',
    secretFile,
    '--wait',
    ...FAST,
  ]);
  assert.equal(run.code, 0, run.stderr);

  assert.equal(ferry.deliveries.length, 2);
  assert.ok(
    ferry.deliveries.every((d) => d.refused === undefined),
    'both attempts verify',
  );
  const [first, second] = ferry.deliveries;
  assert.equal(
    first!.headers['webhook-id'],
    second!.headers['webhook-id'],
    'the retry reuses the webhook-id',
  );
  assert.match(String(first!.headers['webhook-id']), /^msg_[A-Za-z0-9_-]{24}$/);
  assert.equal(first!.body, second!.body, 'and the body');
  assert.equal(ferry.created.length, 1);

  const body = JSON.parse(first!.body) as Record<string, unknown>;
  assert.equal(body['type'], 'promotion.requested');
  assert.ok(!Number.isNaN(Date.parse(String(body['timestamp']))));
  assert.deepEqual(body['data'], {
    image: 'team-a/app',
    tag: 'abc1234',
    to: 'prod',
    labels: { 'ci.url': 'https://ci.example/job/7' },
  });

  const id = ferry.created[0]!;
  assert.match(
    run.stderr,
    /delivery attempt 1 failed \(HTTP 503 FERRY_E_UNAVAILABLE\); retrying in \d+ms with the same webhook-id msg_/,
  );
  const lines = run.stdout.trim().split('\n');
  assert.deepEqual(lines, [
    `promotion ${id} queued: ${ferry.url}/api/v1/promotions/${id}`,
    `promotion ${id} running`,
    `promotion ${id} succeeded: reg.prod/team-a/app:abc1234@sha256:${'ab'.repeat(32)}`,
  ]);
  assertNoSecrets(run);
});

test('→ failed exits 1 with the reason', async (t) => {
  const ferry = await startFakeFerry({
    secret: SECRET,
    // The escape sequence stands for hostile server text: it must reach the log escaped, not executed.
    states: [
      { status: 'running' },
      { status: 'failed', reason: 'destination tag abc1234 already points at another digest\u001b[2J' },
    ],
  });
  t.after(() => ferry.close());
  const run = await runTriggerCli(
    ['--server', ferry.url, '--image', 'team-a/app', '--tag', 'abc1234', '--wait', ...FAST],
    { FERRY_WEBHOOK_SECRET: SECRET },
  );
  assert.equal(run.code, 1);
  const id = ferry.created[0]!;
  const reason = 'destination tag abc1234 already points at another digest\\u001b[2J';
  assert.ok(run.stdout.includes(`promotion ${id} failed: ${reason}\n`), run.stdout);
  assert.ok(
    run.stderr.includes(`ferry: trigger: promotion ${id} failed: ${reason} [FERRY_E_PROMOTION_FAILED]\n`),
  );
  assert.ok(!(run.stdout + run.stderr).includes('\u001b'), 'no raw escape character is printed');
  assertNoSecrets(run);
});

test('rejected and cancelled exit 1 too, with their own codes', async (t) => {
  for (const status of ['rejected', 'cancelled'] as const) {
    const ferry = await startFakeFerry({
      secret: SECRET,
      states: [{ status, reason: `${status} by alice` }],
    });
    t.after(() => ferry.close());
    const run = await runTriggerCli(
      ['--server', ferry.url, '--image', 'team-a/app', '--tag', 'abc1234', '--wait', '--json', ...FAST],
      { FERRY_WEBHOOK_SECRET: SECRET },
    );
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      new RegExp(`${status}: ${status} by alice \\[FERRY_E_PROMOTION_${status.toUpperCase()}\\]`),
    );
    // --json: the final state on stdout, as JSON only.
    const result = JSON.parse(run.stdout) as { promotion: { status: string }; webhookId: string };
    assert.equal(result.promotion.status, status);
    assert.match(result.webhookId, /^msg_/);
  }
});

test('timeout after acceptance exits 3 (result unknown) naming the promotion, its last status and URL', async (t) => {
  const ferry = await startFakeFerry({ secret: SECRET, states: [{ status: 'running' }] });
  t.after(() => ferry.close());
  const started = Date.now();
  const run = await runTriggerCli(
    [
      '--server',
      ferry.url,
      '--image',
      'team-a/app',
      '--tag',
      'abc1234',
      '--wait',
      '--timeout',
      '1s',
      ...FAST,
    ],
    { FERRY_WEBHOOK_SECRET: SECRET },
  );
  const elapsed = Date.now() - started;
  assert.equal(run.code, 3);
  const id = ferry.created[0]!;
  assert.match(
    run.stderr,
    new RegExp(
      `timed out after 1s waiting for promotion ${id} \\(last status running\\); it was accepted and goes on: follow it at ${ferry.url}/api/v1/promotions/${id} \\[FERRY_E_TRIGGER_TIMEOUT\\]`,
    ),
  );
  assert.ok(elapsed >= 950 && elapsed < 5_000, `took ${elapsed} ms`);

  // --json: the last known state on stdout, marked as an unknown result.
  const json = await runTriggerCli(
    [
      '--server',
      ferry.url,
      '--image',
      'team-a/app',
      '--tag',
      'abc1235',
      '--wait',
      '--timeout',
      '1s',
      '--json',
      ...FAST,
    ],
    { FERRY_WEBHOOK_SECRET: SECRET },
  );
  assert.equal(json.code, 3);
  const result = JSON.parse(json.stdout) as { result: string; url: string; promotion: { status: string } };
  assert.equal(result.result, 'unknown');
  assert.equal(result.promotion.status, 'running');
  assert.equal(result.url, `${ferry.url}/api/v1/promotions/${ferry.created[1]}`);
});

test('a server that keeps answering 503 hits the timeout while delivering', async (t) => {
  const ferry = await startFakeFerry({ secret: SECRET, deliveryFaults: [503, 503, 503, 503, 503, 503] });
  t.after(() => ferry.close());
  const run = await runTriggerCli(
    [
      '--server',
      ferry.url,
      '--image',
      'team-a/app',
      '--tag',
      'abc1234',
      '--timeout',
      '1s',
      '--retry-times',
      '9',
    ],
    { FERRY_WEBHOOK_SECRET: SECRET },
  );
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /timed out after 1s delivering the promotion request \(last problem: HTTP 503 FERRY_E_UNAVAILABLE\) \[FERRY_E_TRIGGER_TIMEOUT\]\n$/,
  );
  assert.ok(ferry.deliveries.length >= 2);
  assert.equal(new Set(ferry.deliveries.map((d) => d.headers['webhook-id'])).size, 1);
  assert.equal(ferry.created.length, 0);
});

test('a lost answer is safe: the retry gets the same promotion back, nothing is created twice', async (t) => {
  const ferry = await startFakeFerry({ secret: SECRET, deliveryFaults: ['drop'] });
  t.after(() => ferry.close());
  const run = await runTriggerCli(['--server', ferry.url, '--image', 'team-a/app', '--tag', 'abc1234'], {
    FERRY_WEBHOOK_SECRET: SECRET,
  });
  assert.equal(run.code, 0, run.stderr);
  assert.equal(ferry.deliveries.length, 2);
  assert.equal(ferry.created.length, 1);
  assert.match(
    run.stdout,
    new RegExp(`promotion ${ferry.created[0]} queued \\(already requested earlier\\)`),
  );
  // Without --wait nothing is polled.
  assert.equal(ferry.reads.length, 0);
});

test('the token from FERRY_TOKEN is sent when reading the state, and never printed', async (t) => {
  const ferry = await startFakeFerry({ secret: SECRET, token: TOKEN, states: [{ status: 'succeeded' }] });
  t.after(() => ferry.close());
  const run = await runTriggerCli(
    ['--server', ferry.url, '--image', 'team-a/app', '--tag', 'abc1234', '--wait', ...FAST],
    { FERRY_WEBHOOK_SECRET: SECRET, FERRY_TOKEN: TOKEN },
  );
  assert.equal(run.code, 0, run.stderr);
  assert.equal(ferry.reads[0]!.authorization, `Bearer ${TOKEN}`);
  assertNoSecrets(run);

  assert.equal(ferry.listReads[0]!.authorization, `Bearer ${TOKEN}`, 'the token was checked first');

  // Accepted, then the reads are refused: the promotion goes on, so the exit is 3 with its URL, not 1.
  const withoutToken = await runTriggerCli(
    ['--server', ferry.url, '--image', 'team-a/app', '--tag', 'abc1235', '--wait', ...FAST],
    { FERRY_WEBHOOK_SECRET: SECRET },
  );
  assert.equal(withoutToken.code, 3, withoutToken.stderr);
  const id = ferry.created.at(-1)!;
  assert.match(
    withoutToken.stderr,
    new RegExp(
      `promotion ${id} was accepted \\(last status queued\\) but its result is unknown: cannot follow promotion .*HTTP 401.*read signed with the webhook secret.*; follow it at ${ferry.url}/api/v1/promotions/${id} \\[FERRY_E_TRIGGER_RESULT_UNKNOWN\\]`,
    ),
  );
  assert.match(
    withoutToken.stdout,
    new RegExp(`promotion ${id} queued: ${ferry.url}/api/v1/promotions/${id}`),
  );
});

test('--wait with a wrong token exits 2 before sending anything; the token is never printed', async (t) => {
  const ferry = await startFakeFerry({ secret: SECRET, token: TOKEN, states: [{ status: 'succeeded' }] });
  t.after(() => ferry.close());
  const tokenFile = join(dir, 'wrong-token');
  await writeFile(tokenFile, 'tok-not-the-right-one\n');
  for (const [how, args, env] of [
    ['FERRY_TOKEN', [], { FERRY_WEBHOOK_SECRET: SECRET, FERRY_TOKEN: 'tok-not-the-right-one' }],
    ['--token-file', ['--token-file', tokenFile], { FERRY_WEBHOOK_SECRET: SECRET }],
  ] as const) {
    const run = await runTriggerCli(
      ['--server', ferry.url, '--image', 'team-a/app', '--tag', 'abc1236', '--wait', ...args, ...FAST],
      env,
    );
    assert.equal(run.code, 2, `${how}: ${run.stderr}`);
    assert.match(
      run.stderr,
      new RegExp(
        `the API token from ${how === 'FERRY_TOKEN' ? 'FERRY_TOKEN' : '--token-file ".*wrong-token"'} was not accepted by the server \\(GET .*/api/v1/promotions\\?limit=1: HTTP 401: .*\\); nothing was sent \\[FERRY_E_TRIGGER_TOKEN_REFUSED\\]`,
      ),
    );
    assert.doesNotMatch(run.stderr + run.stdout, /tok-not-the-right-one/);
    assert.equal(run.stdout, '');
  }
  assert.equal(ferry.deliveries.length, 0, 'nothing was delivered');
  assert.equal(ferry.created.length, 0);
});

test('a wrong secret is refused by the server: exit 1, not retried, with a hint', async (t) => {
  const ferry = await startFakeFerry({ secret: SECRET });
  t.after(() => ferry.close());
  const wrong = `whsec_${Buffer.from('some-other-secret-0123456789').toString('base64')}`;
  const run = await runTriggerCli(['--server', ferry.url, '--image', 'team-a/app', '--tag', 'abc1234'], {
    FERRY_WEBHOOK_SECRET: wrong,
  });
  assert.equal(run.code, 1);
  assert.equal(ferry.deliveries.length, 1);
  assert.equal(ferry.deliveries[0]!.refused, 'FERRY_E_TRIGGER_BAD_SIGNATURE');
  assert.match(
    run.stderr,
    /refused the promotion request: HTTP 401: .*\[FERRY_E_TRIGGER_BAD_SIGNATURE\] \(check that the secret matches/,
  );
  assert.ok(!run.stderr.includes(wrong));
});

test('an unreachable server is retried, then exit 1', async (t) => {
  const ferry = await startFakeFerry({ secret: SECRET });
  const url = ferry.url;
  await ferry.close();
  t.after(() => undefined);
  const run = await runTriggerCli(
    ['--server', url, '--image', 'team-a/app', '--tag', 'abc1234', '--retry-times', '1'],
    { FERRY_WEBHOOK_SECRET: SECRET },
  );
  assert.equal(run.code, 1);
  assert.match(run.stderr, /delivery attempt 1 failed \(.*ECONNREFUSED.*\); retrying/);
  assert.match(
    run.stderr,
    /cannot deliver the promotion request after 2 attempts: .*ECONNREFUSED.*\[FERRY_E_TRIGGER_UNAVAILABLE\]/,
  );
});

test('--dry-run prints the request without the signature and sends nothing', async (t) => {
  const ferry = await startFakeFerry({ secret: SECRET });
  t.after(() => ferry.close());
  const args = [
    '--server',
    `${ferry.url}/ferry`,
    '--image',
    'team-a/app',
    '--tag',
    'abc1234',
    '--from',
    'nonprod',
    '--git-commit',
    'abc1234',
    '--webhook-id',
    'jenkins-42',
    '--secret-file',
    secretFile,
    '--dry-run',
  ];
  const text = await runTriggerCli(args);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^POST ${ferry.url}/ferry/hooks/standard\n`));
  assert.match(text.stdout, /^webhook-id: jenkins-42$/m);
  assert.match(text.stdout, /^webhook-timestamp: \d+$/m);
  assert.match(text.stdout, /^webhook-signature: v1,<omitted>$/m);
  assert.match(text.stdout, /"type": "promotion.requested"/);

  const json = await runTriggerCli([...args, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const request = JSON.parse(json.stdout) as {
    dryRun: boolean;
    url: string;
    headers: Record<string, string>;
    body: { type: string; data: Record<string, string> };
  };
  assert.equal(request.dryRun, true);
  assert.equal(request.url, `${ferry.url}/ferry/hooks/standard`);
  assert.equal(request.headers['webhook-signature'], 'v1,<omitted>');
  assert.deepEqual(request.body.data, {
    image: 'team-a/app',
    tag: 'abc1234',
    from: 'nonprod',
    gitCommit: 'abc1234',
  });
  assert.equal(ferry.deliveries.length, 0);
  assertNoSecrets(text);
  assertNoSecrets(json);
});

test('bad usage exits 2 naming the flag or value, sends nothing, prints no secret', async (t) => {
  const ferry = await startFakeFerry({ secret: SECRET });
  t.after(() => ferry.close());
  const env = { FERRY_WEBHOOK_SECRET: SECRET };
  const base = ['--server', ferry.url];
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [[...base, '--tag', 'abc1234'], env, /--image is required/],
    [[...base, '--image', 'team-a/app'], env, /--tag or --digest is required/],
    [['--image', 'team-a/app', '--tag', 'abc'], env, /--server is required/],
    [
      [...base, '--image', 'team-a/app', '--tag', 'feature/x'],
      env,
      /--tag "feature\/x" is invalid: contains "\/"/,
    ],
    [[...base, '--image', 'Team-A/App', '--tag', 'abc'], env, /--image "Team-A\/App" is invalid/],
    [[...base, '--image', 'team-a/app', '--digest', 'sha256:xyz'], env, /--digest "sha256:xyz" is invalid/],
    [[...base, '--image', 'team-a/app', '--tag', 'abc', '--to', 'Prod!'], env, /--to "Prod!" is invalid/],
    [
      [...base, '--image', 'team-a/app', '--tag', 'abc', '--label', 'novalue'],
      env,
      /--label "novalue" must be KEY=VALUE/,
    ],
    [
      [...base, '--image', 'team-a/app', '--tag', 'abc', '--timeout', '15'],
      env,
      /--timeout "15" is not a duration/,
    ],
    [
      ['--server', 'ftp://x', '--image', 'team-a/app', '--tag', 'abc'],
      env,
      /--server "ftp:\/\/x" must be an http/,
    ],
    [
      ['--server', 'https://u:p@x', '--image', 'team-a/app', '--tag', 'abc'],
      env,
      /--server must not contain credentials/,
    ],
    [
      [...base, '--image', 'team-a/app', '--tag', 'abc'],
      {},
      /no webhook secret: pass --secret-file PATH or set FERRY_WEBHOOK_SECRET/,
    ],
    [
      [...base, '--image', 'team-a/app', '--tag', 'abc', '--secret-file', join(dir, 'missing')],
      {},
      /--secret-file ".*missing": cannot read it: file does not exist/,
    ],
    [
      [...base, '--image', 'team-a/app', '--tag', 'abc'],
      { FERRY_WEBHOOK_SECRET: 'whsec_!!notbase64' },
      /not valid base64/,
    ],
    [
      [...base, '--image', 'team-a/app', '--tag', 'abc', `--secret=${SECRET}`],
      {},
      /--secret is not supported/,
    ],
    [[...base, '--image', 'team-a/app', '--tag', 'abc', '--token', TOKEN], env, /--token is not supported/],
    [[...base, '--image', 'team-a/app', '--tag', 'abc', '--retry-times', 'many'], env, /--retry-times/],
    // A typo'd flag or a stray argument holding the secret is named without its value.
    [
      [...base, '--image', 'team-a/app', '--tag', 'abc', `--secrets=${SECRET}`],
      env,
      /unknown option --secrets \(see --help\)/,
    ],
    [
      [...base, '--image', 'team-a/app', '--tag', 'abc', '--secret-fil', SECRET],
      env,
      /unknown option --secret-fil /,
    ],
    [[...base, '--image', 'team-a/app', '--tag', 'abc', SECRET], env, /unexpected argument \(not shown\)/],
  ];
  for (const [args, caseEnv, pattern] of cases) {
    const run = await runTriggerCli(args, caseEnv);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, pattern);
    assert.equal(run.stdout, '');
    assertNoSecrets(run);
    assert.ok(!run.stderr.includes('!!notbase64'));
  }
  assert.equal(ferry.deliveries.length, 0);
});

test('HTTPS: verified against --cacert, refused without it, --insecure skips verification with a warning', async (t) => {
  const ca = await createTestCa(join(dir, 'ca'));
  const cert = await ca.issueServerCert();
  const ferry = await startFakeFerry({ secret: SECRET, tls: { cert: cert.certPem, key: cert.keyPem } });
  t.after(() => ferry.close());
  const env = { FERRY_WEBHOOK_SECRET: SECRET };
  const args = ['--server', ferry.url, '--image', 'team-a/app', '--tag', 'abc1234', '--retry-times', '0'];

  const trusted = await runTriggerCli([...args, '--cacert', ca.caFile], env);
  assert.equal(trusted.code, 0, trusted.stderr);
  assert.equal(trusted.stderr, '');

  const untrusted = await runTriggerCli(args, env);
  assert.equal(untrusted.code, 1);
  assert.match(
    untrusted.stderr,
    /TLS certificate not trusted \(\w+\); pass the server's CA with --cacert FILE, or --insecure for a test server \[FERRY_E_TLS\]\n$/,
  );

  const insecure = await runTriggerCli([...args, '--insecure'], env);
  assert.equal(insecure.code, 0, insecure.stderr);
  assert.match(insecure.stderr, /warning: --insecure: the server certificate is not verified/);

  const notPem = await runTriggerCli([...args, '--cacert', secretFile], env);
  assert.equal(notPem.code, 2);
  assert.match(notPem.stderr, /--cacert ".*webhook-secret" holds no PEM certificate/);
  assertNoSecrets(notPem);
  assert.equal(ferry.created.length, 2);
});
