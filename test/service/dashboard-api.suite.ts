import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditPageSchema } from '../../src/api/audit-query.ts';
import { promotionProgressSchema } from '../../src/api/blob-progress.ts';
import { errorBodySchema } from '../../src/api/error-body.ts';
import { promotionSchema } from '../../src/api/promotion.ts';
import {
  acceptedSchema,
  promotionDetailSchema,
  promotionPageSchema,
} from '../../src/api/promotion-responses.ts';
import { ruleListSchema } from '../../src/api/rule.ts';
import type { RunningServer } from '../../src/service/main.ts';
import { type BuiltImage, buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { backendDatabaseUrl } from './backend-database.ts';
import { type EventStream, openStreamAt, post, startTestServer, writeServeConfig } from './serve-fixture.ts';

/**
 * The read APIs behind the dashboard (issue 14) as a client uses them, against `ferry serve` (every
 * JSON answer checked against the contract by the server itself) copying between real registries, on
 * either store: the rules view, the live list stream, per-blob progress (live, and recorded for a
 * reload), the audit search and its CSV/NDJSON export, and the promotion list's new filters.
 */
export async function defineDashboardApiSuite(database: 'embedded' | 'postgresql'): Promise<void> {
  const cleanup = teardown(after);
  const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
  const temp = await makeTempDir(`dashboard-api-${database}`);
  cleanup(() => temp.remove());
  const databaseUrl = await backendDatabaseUrl(cleanup, database);
  // Source reads go through a proxy that can hold a layer back, so the copy is seen half-way.
  const proxy = await rig.startFaultProxy(rig.anonymous!.url);
  const prod = rig.basicTls!;
  const { path, tokens } = await writeServeConfig({
    dir: temp.path,
    nonprod: { ...rig.anonymous!, host: proxy.host },
    prod,
    environments: { prod: { maxConcurrentPromotions: 3 } },
    rules: [
      {
        name: 'app',
        description: 'The shop to production',
        from: 'nonprod:shop/*',
        to: 'prod:shop/*',
        tags: 'v[0-9]+',
        releaseTag: 'current',
        approvals: { required: 1, approvers: ['alice'] },
      },
      { name: 'tools', from: 'nonprod:tools/**', to: 'prod:tools/**', tags: '.+', triggers: ['api'] },
    ],
  });
  let server: RunningServer;
  let image: BuiltImage;
  let list: EventStream;
  let id = '';

  before(async () => {
    image = await buildImage({ layers: [400_000, 30_000], seed: `dashboard-api-${database}` });
    await pushImage(rig.anonymous!, 'shop/web', 'v1', image);
    await pushImage(rig.anonymous!, 'tools/lint', 'v1', image);
    server = await startTestServer(path, { databaseUrl });
    cleanup(() => server.close(0));
    list = await openStreamAt(server.url, '/api/v1/events', tokens.viewer);
    cleanup(async () => list.close());
  });

  const get = async (pathAndQuery: string, token: string = tokens.viewer) => {
    const response = await fetch(`${server.url}${pathAndQuery}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return response;
  };
  const json = async (pathAndQuery: string) => {
    const response = await get(pathAndQuery);
    assert.equal(response.status, 200, pathAndQuery);
    return (await response.json()) as unknown;
  };
  const detail = async (promotionId: string) =>
    promotionDetailSchema.parse(await json(`/api/v1/promotions/${promotionId}`));
  async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const value = await read();
      if (ok(value)) return value;
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await sleep(100);
    }
  }

  describe(`the dashboard read APIs on the ${database} store`, () => {
    test('GET /api/v1/rules shows the rules as configured, with no credential', async () => {
      const response = await get('/api/v1/rules');
      const text = await response.text();
      const { rules } = ruleListSchema.parse(JSON.parse(text));
      assert.deepEqual(
        rules.map((r) => r.name),
        ['app', 'tools'],
      );
      const [app, tools] = rules;
      assert.equal(app?.description, 'The shop to production');
      assert.deepEqual(app?.source, { environment: 'nonprod', registry: proxy.host, repository: 'shop/*' });
      assert.deepEqual(app?.destination, {
        environment: 'prod',
        registry: prod.host,
        repository: 'shop/*',
        maxConcurrentPromotions: 3,
      });
      assert.equal(app?.releaseTag, 'current');
      assert.deepEqual(app?.approvals, { required: 1, approvers: ['alice'], allowSelfApproval: false });
      assert.deepEqual(tools?.triggers, ['api']);
      assert.equal(tools?.source.repository, 'tools/**');
      assert.ok(!text.includes(prod.password ?? '<no password>'), 'the registry password is not shown');
      assert.ok(!text.includes('prod-password'), 'nor the file it is in');
    });

    test('a promotion appears live on the list stream and shows per-blob progress, live and after a reload', async () => {
      const layer = image.layers[0]!;
      // The big layer is held back 5 s: the recorder writes what finished meanwhile 2 s after its first
      // write, whether or not anything changes after that, so a reload sees the copy half-way.
      proxy.addFault({
        method: 'GET',
        path: new RegExp(`/blobs/${layer.digest}`),
        kind: 'delay',
        delayMs: 5_000,
      });
      const accepted = await post(`${server.url}/api/v1/promotions`, tokens.ci, {
        source: { environment: 'nonprod', repository: 'shop/web', tag: 'v1' },
      });
      assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
      id = acceptedSchema.parse(accepted.json).promotion.id;
      assert.deepEqual((await detail(id)).blobs, [], 'nothing planned before the copy');
      const stream = await openStreamAt(server.url, `/api/v1/promotions/${id}/events`, tokens.viewer);
      cleanup(async () => stream.close());
      const approved = await post(`${server.url}/api/v1/promotions/${id}/approve`, tokens.alice, {});
      assert.equal(approved.status, 200, JSON.stringify(approved.json));

      // A reload while the big layer is held back: the recorded state has it unfinished.
      const halfway = await until(
        () => detail(id),
        (d) => d.blobs.some((b) => b.state === 'copied') && d.blobs.some((b) => b.state !== 'copied'),
        'a recorded state with some blobs copied and some not',
      );
      assert.equal(halfway.promotion.status, 'running');
      assert.equal(halfway.blobs.find((b) => b.digest === layer.digest)?.state === 'copied', false);

      await stream.ended;
      const done = await detail(id);
      assert.equal(done.promotion.status, 'succeeded', done.promotion.reason ?? '');
      const expected = image.blobs.map((b) => b.digest).sort();
      assert.deepEqual(done.blobs.map((b) => b.digest).sort(), expected);
      for (const blob of done.blobs) {
        assert.equal(blob.state, 'copied', blob.digest);
        assert.equal(blob.bytes, blob.size, blob.digest);
        assert.equal(blob.size, image.blobs.find((b) => b.digest === blob.digest)?.size);
      }
      // Plan order: largest first.
      assert.equal(done.blobs[0]?.digest, layer.digest);

      const progress = stream.events
        .filter((e) => e.event === 'progress')
        .map((e) => promotionProgressSchema.parse(e.data));
      assert.ok(progress.length > 0, 'progress events');
      assert.ok(
        progress.some((p) => p.blobs.find((b) => b.digest === layer.digest)?.state === 'copying'),
        'the held-back layer was seen copying',
      );
      const last = progress[progress.length - 1]!;
      assert.equal(last.bytes, last.totalBytes);
      assert.deepEqual(last.blobs, done.blobs);

      const seen = await until(
        async () =>
          list.events
            .filter((e) => e.event === 'status')
            .map((e) => promotionSchema.parse(e.data))
            .filter((p) => p.id === id)
            .map((p) => p.status),
        (statuses) => statuses.includes('succeeded'),
        'the success on the list stream',
      );
      assert.deepEqual(seen, ['awaiting_approval', 'queued', 'running', 'succeeded']);
    });

    test('the audit trail is searched newest first and exported as CSV and NDJSON', async () => {
      const page = auditPageSchema.parse(await json(`/api/v1/audit?promotion=${id}`));
      const kinds = page.events.map((e) => e.kind);
      assert.equal(kinds[kinds.length - 1], 'accepted');
      assert.equal(kinds[0], 'succeeded');
      assert.ok(kinds.includes('approved') && kinds.includes('copied'), kinds.join());
      assert.deepEqual(
        page.events.map((e) => e.id),
        page.events.map((e) => e.id).sort((a, b) => b - a),
      );
      const byAlice = auditPageSchema.parse(await json(`/api/v1/audit?actor=alice&promotion=${id}`));
      assert.deepEqual(
        byAlice.events.map((e) => e.kind),
        ['approved'],
      );
      const approvedKind = auditPageSchema.parse(await json('/api/v1/audit?kind=approved'));
      assert.ok(approvedKind.events.every((e) => e.kind === 'approved'));
      const text = auditPageSchema.parse(await json(`/api/v1/audit?q=${id.slice(-12)}&limit=500`));
      assert.ok(text.events.length > 0);

      const first = auditPageSchema.parse(await json(`/api/v1/audit?promotion=${id}&limit=2`));
      assert.equal(first.events.length, 2);
      const rest = auditPageSchema.parse(
        await json(`/api/v1/audit?promotion=${id}&limit=500&cursor=${first.nextCursor}`),
      );
      assert.deepEqual([...first.events, ...rest.events], page.events);

      const csv = await get(`/api/v1/audit?promotion=${id}&format=csv`);
      assert.equal(csv.status, 200);
      assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(
        csv.headers.get('content-disposition') ?? '',
        /^attachment; filename="ferry-audit-.+\.csv"$/,
      );
      const csvText = await csv.text();
      const lines = csvText.split('\r\n');
      assert.equal(lines[0], 'id,at,promotionId,actor,kind,digest,outcome,bytes,detail');
      assert.equal(lines.length, page.events.length + 2, 'header, one line per event, and the final CRLF');
      assert.ok(lines[1]?.startsWith(`${page.events[0]?.id},`));

      const ndjson = await get(`/api/v1/audit?promotion=${id}&format=ndjson`);
      assert.equal(ndjson.headers.get('content-type'), 'application/x-ndjson; charset=utf-8');
      const exported = (await ndjson.text())
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      assert.deepEqual(exported, page.events);

      for (const [query, field] of [
        ['kind=Approved', 'kind'],
        ['format=csv&limit=5', 'limit'],
        ['since=monday', 'since'],
      ] as const) {
        const refused = await get(`/api/v1/audit?${query}`);
        assert.equal(refused.status, 400, query);
        const body = errorBodySchema.parse(await refused.json());
        assert.equal(body.code, 'FERRY_E_HTTP_BAD_REQUEST');
        assert.deepEqual(body.fields, [field]);
      }
    });

    test('the promotion list filters by several statuses, trigger, kind, requester and tag or digest text', async () => {
      const other = await post(`${server.url}/api/v1/promotions`, tokens.root, {
        source: { environment: 'nonprod', repository: 'tools/lint', tag: 'v1' },
      });
      assert.equal(other.status, 202, JSON.stringify(other.json));
      const otherId = acceptedSchema.parse(other.json).promotion.id;
      await until(
        () => detail(otherId),
        (d) => d.promotion.status === 'succeeded',
        'the second promotion to succeed',
      );
      const ids = async (query: string) =>
        promotionPageSchema.parse(await json(`/api/v1/promotions?${query}`)).promotions.map((p) => p.id);
      assert.deepEqual(await ids('status=succeeded&status=failed'), [otherId, id]);
      assert.deepEqual(await ids('status=failed&status=cancelled'), []);
      assert.deepEqual(await ids('trigger=api'), [otherId, id]);
      assert.deepEqual(await ids('trigger=github'), []);
      assert.deepEqual(await ids('kind=promotion&requester=CI'), [id]);
      assert.deepEqual(await ids('requester=oo'), [otherId]);
      assert.deepEqual(await ids('q=V1'), [otherId, id]);
      assert.deepEqual(await ids(`q=${image.manifestDigest.slice(7, 19)}`), [otherId, id]);
      assert.deepEqual(await ids('q=v1&rule=tools'), [otherId]);
      for (const [query, field] of [
        ['status=done', 'status'],
        ['trigger=jenkins', 'trigger'],
        ['kind=copy', 'kind'],
        ['q=', 'q'],
      ] as const) {
        const refused = await get(`/api/v1/promotions?${query}`);
        assert.equal(refused.status, 400, query);
        const body = errorBodySchema.parse(await refused.json());
        assert.equal(body.code, 'FERRY_E_HTTP_BAD_REQUEST');
        assert.deepEqual(body.fields, [field]);
      }
    });
  });
}
