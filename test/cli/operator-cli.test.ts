import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promotionPath } from '../../src/api/paths.ts';
import type { PromotionView } from '../../src/api/promotion.ts';
import { promotionDetailSchema, promotionPageSchema } from '../../src/api/promotion-responses.ts';
import { releaseDetailSchema, releaseListSchema } from '../../src/api/release.ts';
import { signedReadHeaders } from '../../src/api/signed-read.ts';
import type { RunningServer } from '../../src/service/main.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { post, startTestServer, type TokenName, writeServeConfig } from '../service/serve-fixture.ts';
import { type CliRun, runCliInProcess } from '../support/run-cli-in-process.ts';
import { teardown } from '../support/teardown.ts';

/*
 * The operator CLI and `ferry trigger --wait` against a real `ferry serve` (in-process, embedded store)
 * copying between real registries: every command as a user types it, its table and its `--json`
 * (checked with the contract's strict schemas), and the exit codes that tell a pipeline the truth.
 */

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const nonprod = rig.anonymous!;
const prod = rig.basicTls!;
const temp = await makeTempDir('operator-cli');
cleanup(() => temp.remove());

const SECRET = `whsec_${Buffer.from('operator-cli-test-secret-0123456789').toString('base64')}`;
const secretFile = join(temp.path, 'webhook-secret');
await writeFile(secretFile, `${SECRET}\n`);

const images = {
  a: await buildImage({ layers: [20_000], seed: 'operator-a' }),
  b: await buildImage({ layers: [20_000], seed: 'operator-b' }),
  c: await buildImage({ layers: [20_000], seed: 'operator-c' }),
};
await pushImage(nonprod, 'team-a/app', 'abc1234', images.a);
await pushImage(nonprod, 'team-a/app', 'abc5678', images.b);
await pushImage(nonprod, 'team-a/app', 'abc9999', images.c);
await pushImage(nonprod, 'fast/app', 'v1', images.a);
await pushImage(nonprod, 'fast/app', 'v2', images.b);

const { path: configPath, tokens } = await writeServeConfig({
  dir: temp.path,
  nonprod,
  prod,
  rules: [
    {
      name: 'team-a',
      from: 'nonprod:team-a/*',
      to: 'prod:team-a/*',
      tags: '[0-9a-f]{7,40}',
      approvals: { required: 1, approvers: ['alice'] },
    },
    { name: 'fast', from: 'nonprod:fast/*', to: 'prod:fast/*', tags: 'v[0-9]+', releaseTag: 'current' },
  ],
  triggers: { standardWebhooks: { enabled: true, secrets: [{ file: secretFile }] } },
});
let server: RunningServer = await startTestServer(configPath);
cleanup(() => server.close(0));

/** `ferry ARGS` in-process, with FERRY_SERVER and the token of `as` (null: no token at all). */
function ferry(args: readonly string[], as: TokenName | null = 'root', env: NodeJS.ProcessEnv = {}) {
  return runCliInProcess(args, {
    FERRY_SERVER: server.url,
    ...(as === null ? {} : { FERRY_TOKEN: tokens[as] }),
    ...env,
  });
}

function assertNoToken(run: CliRun): void {
  for (const token of Object.values(tokens))
    assert.ok(!(run.stdout + run.stderr).includes(token), 'a token was printed');
  assert.ok(!(run.stdout + run.stderr).includes(SECRET.slice('whsec_'.length)), 'the secret was printed');
}

async function getPromotion(id: string) {
  const res = await fetch(`${server.url}${promotionPath(id)}`, {
    headers: { authorization: `Bearer ${tokens.root}` },
  });
  assert.equal(res.status, 200);
  return promotionDetailSchema.parse(await res.json());
}

async function listAll(): Promise<PromotionView[]> {
  const res = await fetch(`${server.url}/api/v1/promotions?limit=500`, {
    headers: { authorization: `Bearer ${tokens.root}` },
  });
  return promotionPageSchema.parse(await res.json()).promotions;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const waitForStatus = (id: string, status: string) =>
  until(`promotion ${id} ${status}`, async () => {
    const { promotion } = await getPromotion(id);
    return promotion.status === status ? promotion : undefined;
  });

/** A promotion requested through the API by the `ci` token; its id. */
async function requestByApi(repository: string, tag: string): Promise<string> {
  const res = await post(`${server.url}/api/v1/promotions`, tokens.ci, {
    source: { environment: 'nonprod', repository, tag },
  });
  assert.ok(res.status === 202 || res.status === 200, JSON.stringify(res.json));
  return (res.json['promotion'] as { id: string }).id;
}

const triggerArgs = (tag: string) => [
  'trigger',
  '--image',
  'team-a/app',
  '--tag',
  tag,
  '--from',
  'nonprod',
  '--secret-file',
  secretFile,
  '--wait',
  '--poll-interval',
  '100ms',
];

describe('ferry trigger --wait against ferry serve', () => {
  test('a wrong API token exits 2 before anything is sent: no promotion exists afterwards', async () => {
    const run = await ferry([...triggerArgs('abc1234'), '--timeout', '30s'], null, {
      FERRY_TOKEN: 'not-a-token-of-this-server',
    });
    assert.equal(run.code, 2, run.stderr);
    assert.match(
      run.stderr,
      /the API token from FERRY_TOKEN was not accepted by the server \(GET .*\/api\/v1\/promotions\?limit=1: HTTP 401: .*\); nothing was sent \[FERRY_E_TRIGGER_TOKEN_REFUSED\]/,
    );
    assert.doesNotMatch(run.stderr, /not-a-token-of-this-server/);
    assert.equal(run.stdout, '');
    assert.deepEqual(await listAll(), [], 'the server accepted nothing');
  });

  test('a delivery answered with a promotion the API requested is followed with the webhook secret alone', async () => {
    const id = await requestByApi('team-a/app', 'abc1234');
    const triggered = ferry([...triggerArgs('abc1234'), '--timeout', '60s'], null);
    // The delivery is answered with the existing promotion (recorded as a duplicate request)…
    await until('the duplicate request', async () => {
      const { timeline } = await getPromotion(id);
      return timeline.some((e) => e.kind === 'duplicate_request') ? true : undefined;
    });
    // …which a read signed as some other delivery may not see: the proof is the delivery's own id.
    const path = promotionPath(id);
    const stranger = await fetch(`${server.url}${path}`, {
      headers: signedReadHeaders(SECRET, 'GET', path, new Date()),
    });
    assert.equal(stranger.status, 403);

    const approve = await ferry(['promotions', 'approve', id.slice(-8), '--comment', 'looks good'], 'alice');
    assert.equal(approve.code, 0, approve.stderr);
    assert.match(approve.stdout, new RegExp(`^promotion ${id} (queued|running|succeeded)`));

    const run = await triggered;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`promotion ${id} awaiting_approval \\(already requested earlier\\)`));
    assert.match(run.stdout, new RegExp(`promotion ${id} succeeded`));
    assertNoToken(run);
  });
});

describe('ferry promotions', () => {
  test('list: a table with id, status, rule, source → destination, requester and age; --json follows the contract', async () => {
    const [first] = await listAll();
    assert.ok(first);
    const table = await ferry(['promotions', 'list']);
    assert.equal(table.code, 0, table.stderr);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    assert.match(header!, /^ID +STATUS +KIND +RULE +SOURCE → DESTINATION +REQUESTED BY +AGE$/);
    assert.match(
      rows.join('\n'),
      new RegExp(
        `^${first.id.slice(-8)} +succeeded +promotion +team-a +nonprod/team-a/app:abc1234 → prod/team-a/app:abc1234 +ci +\\d+[smhd]$`,
        'm',
      ),
    );

    const json = await ferry(
      ['promotions', 'list', '--status', 'succeeded', '--limit', '10', '--json'],
      'viewer',
    );
    assert.equal(json.code, 0, json.stderr);
    const page = promotionPageSchema.parse(JSON.parse(json.stdout));
    assert.deepEqual(
      page.promotions.map((p) => p.id),
      [first.id],
    );
    const byTag = await ferry(
      [
        'promotions',
        'list',
        '--repository',
        'team-a/app',
        '--tag',
        'abc1234',
        '--requested-by',
        'ci',
        '--json',
      ],
      'viewer',
    );
    assert.equal(byTag.code, 0, byTag.stderr);
    assert.deepEqual(
      promotionPageSchema.parse(JSON.parse(byTag.stdout)).promotions.map((p) => p.id),
      [first.id],
    );
    const filtered = await ferry(
      [
        'promotions',
        'list',
        '--status',
        'failed',
        '--status',
        'succeeded',
        '--trigger',
        'api',
        '--kind',
        'promotion',
        '--requester',
        'CI',
        '--search',
        'ABC12',
        '--json',
      ],
      'viewer',
    );
    assert.equal(filtered.code, 0, filtered.stderr);
    assert.deepEqual(
      promotionPageSchema.parse(JSON.parse(filtered.stdout)).promotions.map((p) => p.id),
      [first.id],
    );
    const none = await ferry(['promotions', 'list', '--tag', 'abc0000'], 'viewer');
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr, 'no promotions match\n');
  });

  test('show: fields and timeline; --json follows the contract', async () => {
    const [first] = await listAll();
    const text = await ferry(['promotions', 'show', first!.id.slice(-8)], 'viewer');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^id: +${first!.id}$`, 'm'));
    assert.match(text.stdout, /^status: +succeeded$/m);
    assert.match(text.stdout, /^rule: +team-a$/m);
    assert.match(text.stdout, /^approvals: +1\/1$/m);
    assert.match(text.stdout, /alice approved at .*: looks good/);
    assert.match(text.stdout, /^AT +ACTOR +EVENT +OUTCOME +DIGEST$/m);
    assert.match(text.stdout, / accepted /);
    assert.match(text.stdout, / duplicate_request /);

    const json = await ferry(['promotions', 'show', first!.id, '--json'], 'viewer');
    assert.equal(json.code, 0, json.stderr);
    assert.equal(promotionDetailSchema.parse(JSON.parse(json.stdout)).promotion.id, first!.id);
  });

  test('reject, rerun and cancel: each prints the promotion and its URL', async () => {
    const id = await requestByApi('team-a/app', 'abc5678');
    const rejected = await ferry(['promotions', 'reject', id, '--comment', 'not today'], 'alice');
    assert.equal(rejected.code, 0, rejected.stderr);
    assert.match(rejected.stdout, new RegExp(`^promotion ${id} rejected`));
    assert.match(rejected.stdout, new RegExp(`${server.url}/api/v1/promotions/${id}`));

    const rerun = await ferry(['promotions', 'rerun', id.slice(-8), '--json'], 'ci');
    assert.equal(rerun.code, 0, rerun.stderr);
    const accepted = JSON.parse(rerun.stdout) as { promotion: PromotionView; created: boolean };
    assert.equal(accepted.created, true);
    assert.equal(accepted.promotion.rerunOf, id);
    assert.equal(accepted.promotion.status, 'awaiting_approval');

    const cancelled = await ferry(['promotions', 'cancel', accepted.promotion.id], 'ci');
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, new RegExp(`^promotion ${accepted.promotion.id} cancelled`));

    // Paging: the next page is one copyable flag away.
    const firstPage = await ferry(['promotions', 'list', '--limit', '1'], 'viewer');
    const cursor = /^more: add --cursor (\S+)$/m.exec(firstPage.stderr)?.[1];
    assert.ok(cursor, firstPage.stderr);
    const nextPage = await ferry(
      ['promotions', 'list', '--limit', '1', '--cursor', cursor, '--json'],
      'viewer',
    );
    assert.equal(nextPage.code, 0, nextPage.stderr);
    const [onFirst] = (await listAll()).slice(1);
    assert.equal(promotionPageSchema.parse(JSON.parse(nextPage.stdout)).promotions[0]?.id, onFirst?.id);
  });

  test('the server refusing is `ferry: <message> [<code>]` and exit 1; the token is never printed', async () => {
    const id = (await listAll()).find((p) => p.status === 'cancelled')!.id;
    const again = await ferry(['promotions', 'approve', id], 'alice');
    assert.equal(again.code, 1, again.stderr);
    assert.match(again.stderr, /^ferry: .+ \[FERRY_E_[A-Z_]+\]\n$/);

    const viewer = await ferry(['promotions', 'cancel', id], 'viewer');
    assert.equal(viewer.code, 1, viewer.stderr);
    assert.match(viewer.stderr, /role or rule scope does not allow this\) \[FERRY_E_[A-Z_]+\]\n$/);

    const missing = await ferry(['promotions', 'show', 'deadbeef'], 'viewer');
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stderr, /no promotion "deadbeef" among the newest 500/);
    for (const run of [again, viewer, missing]) assertNoToken(run);
  });

  test('bad input exits 2 naming the flag, the argument or the token source; nothing is changed', async () => {
    const before = await listAll();
    const cases: [readonly string[], TokenName | null, NodeJS.ProcessEnv, RegExp][] = [
      [['promotions', 'list', '--status', 'nope'], 'viewer', {}, /--status "nope" is invalid/],
      [
        ['promotions', 'list', '--status', 'failed', '--status', 'nope'],
        'viewer',
        {},
        /--status "failed, nope" is invalid: Invalid option/,
      ],
      [['promotions', 'list', '--trigger', 'jenkins'], 'viewer', {}, /--trigger "jenkins" is invalid/],
      [['promotions', 'list', '--search', ''], 'viewer', {}, /--search "" is invalid/],
      [['promotions', 'list', '--limit', '0'], 'viewer', {}, /--limit "0" is invalid/],
      [['promotions', 'list', '--digest', 'sha256:xyz'], 'viewer', {}, /--digest "sha256:xyz" is invalid/],
      [['promotions', 'show', 'ab'], 'viewer', {}, /ID "ab" is too short/],
      [['promotions', 'list'], null, {}, /no API token: pass --token-file PATH or set FERRY_TOKEN/],
      [
        ['promotions', 'list'],
        null,
        { FERRY_TOKEN: 'wrong-token-value' },
        /the API token from --token-file or FERRY_TOKEN was not accepted\) \[FERRY_E_[A-Z_]+\]/,
      ],
      [['promotions', 'list', '--token', tokens.root], null, {}, /--token is not supported/],
      [
        ['promotions', 'list'],
        'viewer',
        { FERRY_SERVER: 'ftp://x' },
        /FERRY_SERVER "ftp:\/\/x" must be an http/,
      ],
      [
        ['releases', 'show', 'prod', 'Team/App', 'current'],
        'viewer',
        {},
        /REPOSITORY "Team\/App" is invalid/,
      ],
    ];
    for (const [args, as, env, pattern] of cases) {
      const run = await ferry(args, as, env);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, pattern);
      assert.equal(run.stdout, '');
      assertNoToken(run);
      assert.doesNotMatch(run.stderr, /wrong-token-value/);
    }
    assert.deepEqual(await listAll(), before);
  });
});

describe('ferry promotions rollback and ferry releases', () => {
  test('promote v1, v2, roll back to v1: the release shows v1 again with its history', async () => {
    const v1 = await requestByApi('fast/app', 'v1');
    await waitForStatus(v1, 'succeeded');
    const v2 = await requestByApi('fast/app', 'v2');
    await waitForStatus(v2, 'succeeded');

    const rollback = await ferry(['promotions', 'rollback', v1], 'ci');
    assert.equal(rollback.code, 0, rollback.stderr);
    const rollbackId = /^promotion (\S+) /.exec(rollback.stdout)?.[1];
    assert.ok(rollbackId, rollback.stdout);
    assert.match(rollback.stdout, new RegExp(`\\(new rollback of ${v1}\\)`));
    await waitForStatus(rollbackId, 'succeeded');

    const list = await ferry(['releases', '--json'], 'viewer');
    assert.equal(list.code, 0, list.stderr);
    const release = releaseListSchema
      .parse(JSON.parse(list.stdout))
      .releases.find((r) => r.repository === 'fast/app' && r.tag === 'current');
    assert.ok(release, list.stdout);
    assert.equal(release.digest, images.a.manifestDigest);
    assert.equal(release.kind, 'rollback');

    const table = await ferry(['releases', 'list', '--environment', 'prod'], 'viewer');
    assert.equal(table.code, 0, table.stderr);
    assert.match(
      table.stdout,
      /^ENVIRONMENT +REPOSITORY:TAG +DIGEST +PROMOTION +KIND +RULE +BY +SINCE +PREVIOUS$/m,
    );
    assert.match(
      table.stdout,
      new RegExp(
        `^prod +fast/app:current +sha256:[0-9a-f]{12} +${rollbackId.slice(-8)} +rollback +fast `,
        'm',
      ),
    );

    const show = await ferry(['releases', 'show', 'prod', 'fast/app', 'current', '--json'], 'viewer');
    assert.equal(show.code, 0, show.stderr);
    const detail = releaseDetailSchema.parse(JSON.parse(show.stdout));
    assert.deepEqual(
      detail.history.map((e) => e.promotionId),
      [rollbackId, v2, v1],
    );
    const text = await ferry(['releases', 'show', 'prod', 'fast/app', 'current'], 'viewer');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /HISTORY \(newest first\)/);
  });
});

describe('ferry trigger --wait when following fails after acceptance', () => {
  test('the server goes away after accepting: exit 3 (result unknown) with the promotion URL, not 1', async () => {
    const triggered = ferry([...triggerArgs('abc9999'), '--timeout', '4s']);
    const accepted = await until('the promotion of abc9999', async () =>
      (await listAll()).find((p) => p.source.tag === 'abc9999'),
    );
    await server.close(0);
    const run = await triggered;
    assert.equal(run.code, 3, run.stderr);
    const url = `${server.url}/api/v1/promotions/${accepted.id}`;
    assert.match(run.stdout, new RegExp(`^promotion ${accepted.id} awaiting_approval: ${url}$`, 'm'));
    assert.match(
      run.stderr,
      new RegExp(
        `timed out after 4s waiting for promotion ${accepted.id} \\(last status awaiting_approval\\); it was accepted and goes on: follow it at ${url} \\[FERRY_E_TRIGGER_TIMEOUT\\]`,
      ),
    );
    assertNoToken(run);
    // Started again on the same data: the promotion is there, still waiting — it was never "failed".
    server = await startTestServer(configPath);
    assert.equal((await getPromotion(accepted.id)).promotion.status, 'awaiting_approval');
  });
});
