import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ApiErrorCode } from '../../src/api/api-error-codes.ts';
import { errorBodySchema } from '../../src/api/error-body.ts';
import type { PromotionView } from '../../src/api/promotion.ts';
import {
  acceptedSchema,
  promotionDetailSchema,
  promotionLinkSchema,
  promotionPageSchema,
} from '../../src/api/promotion-responses.ts';
import type { RunningServer } from '../../src/service/main.ts';
import { PromotionErrorCode } from '../../src/service/promote/promotion-error.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { backendDatabaseUrl } from './backend-database.ts';
import { post, startTestServer, writeServeConfig } from './serve-fixture.ts';

/**
 * The promotions API as a client uses it, against `ferry serve` (startServer, every answer checked
 * against the API contract by the server itself) on a real registry, on either store: list filters and
 * paging, approvals in list and detail, a repeated approval, and the API's own auth error codes.
 */
export async function definePromotionApiSuite(database: 'embedded' | 'postgresql'): Promise<void> {
  const cleanup = teardown(after);
  const rig = await withRig({ after: cleanup }, { anonymous: true });
  const temp = await makeTempDir(`promotion-api-${database}`);
  cleanup(() => temp.remove());
  const databaseUrl = await backendDatabaseUrl(cleanup, database);
  const { path, tokens } = await writeServeConfig({
    dir: temp.path,
    nonprod: rig.anonymous,
    rules: [
      {
        name: 'payments',
        from: 'nonprod:payments/*',
        to: 'prod:payments/*',
        tags: 'v[0-9]+',
        approvals: { required: 2, approvers: ['alice', 'root'] },
      },
    ],
  });
  let server: RunningServer;
  let id = '';

  before(async () => {
    const image = await buildImage({ layers: [2_000], seed: `promotion-api-${database}` });
    await pushImage(rig.anonymous!, 'payments/app', 'v1', image);
    await pushImage(rig.anonymous!, 'payments/app', 'v2', image);
    server = await startTestServer(path, { databaseUrl });
    cleanup(() => server.close(0));
  });

  /** GET with the viewer's token, another token, or none (null). */
  const get = async (pathAndQuery: string, token: string | null = tokens.viewer) => {
    const response = await fetch(`${server.url}${pathAndQuery}`, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: response.status, json: (await response.json()) as unknown };
  };
  const detail = async (promotionId: string) =>
    promotionDetailSchema.parse((await get(`/api/v1/promotions/${promotionId}`)).json).promotion;
  const page = async (query: string) =>
    promotionPageSchema.parse((await get(`/api/v1/promotions?${query}`)).json);
  const refusal = (answer: { json: unknown }) => errorBodySchema.parse(answer.json);

  describe(`the promotions API on the ${database} store`, () => {
    test('a promotion waiting for two approvals shows what it got, and from whom', async () => {
      const accepted = await post(`${server.url}/api/v1/promotions`, tokens.ci, {
        source: { environment: 'nonprod', repository: 'payments/app', tag: 'v1' },
      });
      assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
      const promotion: PromotionView = acceptedSchema.parse(accepted.json).promotion;
      id = promotion.id;
      assert.equal(promotion.status, 'awaiting_approval');
      assert.equal(promotion.kind, 'promotion');
      assert.equal(promotion.approvalsRequired, 2);
      assert.equal(promotion.approvalsReceived, 0);
      assert.deepEqual(promotion.approvals, []);

      const approved = await post(`${server.url}/api/v1/promotions/${id}/approve`, tokens.alice, {
        comment: 'tested on staging',
      });
      assert.equal(approved.status, 200, JSON.stringify(approved.json));
      const after = promotionLinkSchema.parse(approved.json).promotion;
      assert.equal(after.status, 'awaiting_approval');
      assert.equal(after.approvalsReceived, 1);
      assert.equal(after.approvals[0]?.approver, 'alice');
      assert.equal(after.approvals[0]?.comment, 'tested on staging');

      assert.deepEqual((await detail(id)).approvals, after.approvals);
      const listed = await page('rule=payments');
      assert.equal(listed.promotions[0]?.approvalsReceived, 1);
      assert.deepEqual(listed.promotions[0]?.approvals, after.approvals);
    });

    test('approving twice is a 409 with its own code, and still one approval', async () => {
      const again = await post(`${server.url}/api/v1/promotions/${id}/approve`, tokens.alice, {});
      assert.equal(again.status, 409, JSON.stringify(again.json));
      assert.equal(refusal(again).code, PromotionErrorCode.AlreadyDecided);
      assert.match(refusal(again).message, /alice/);
      const now = await detail(id);
      assert.equal(now.approvalsReceived, 1);
      assert.equal(now.status, 'awaiting_approval');
    });

    test('list filters narrow the list, combine, and page with the cursor', async () => {
      const second = await post(`${server.url}/api/v1/promotions`, tokens.ci, {
        source: { environment: 'nonprod', repository: 'payments/app', tag: 'v2' },
      });
      assert.equal(second.status, 202, JSON.stringify(second.json));
      const secondId = acceptedSchema.parse(second.json).promotion.id;
      const ids = async (query: string) => (await page(query)).promotions.map((p) => p.id);
      assert.deepEqual(await ids('tag=v1'), [id]);
      assert.deepEqual(await ids('tag=v2&requestedBy=ci'), [secondId]);
      assert.deepEqual(await ids('rule=payments'), [secondId, id]);
      assert.deepEqual(await ids('requestedBy=someone-else'), []);
      assert.deepEqual(await ids('status=awaiting_approval&repository=payments/app'), [secondId, id]);
      assert.deepEqual(await ids('createdAfter=2000-01-01T00:00:00Z&createdBefore=2999-01-01T00:00:00Z'), [
        secondId,
        id,
      ]);
      assert.deepEqual(
        await ids(`createdAfter=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`),
        [],
      );
      const first = await page('rule=payments&limit=1');
      assert.deepEqual(
        first.promotions.map((p) => p.id),
        [secondId],
      );
      assert.equal(typeof first.nextCursor, 'string');
      assert.deepEqual(await ids(`rule=payments&limit=1&cursor=${first.nextCursor}`), [id]);
    });

    test('a query error names the parameter', async () => {
      const unknown = await get('/api/v1/promotions?tga=v1');
      assert.equal(unknown.status, 400);
      assert.deepEqual(refusal(unknown).fields, ['tga']);
      assert.match(refusal(unknown).message, /unknown query parameter "tga"/);
      const bad = await get('/api/v1/promotions?createdAfter=last-week');
      assert.equal(bad.status, 400);
      assert.deepEqual(refusal(bad).fields, ['createdAfter']);
    });

    test('API token refusals carry the API codes, not the trigger codes', async () => {
      const missing = await get('/api/v1/promotions', null);
      assert.equal(missing.status, 401);
      assert.equal(refusal(missing).code, ApiErrorCode.Unauthorized);
      const wrong = await get('/api/v1/promotions', 'not-a-token');
      assert.equal(wrong.status, 401);
      assert.equal(refusal(wrong).code, ApiErrorCode.Unauthorized);
      const viewer = await post(`${server.url}/api/v1/promotions/${id}/approve`, tokens.viewer, {});
      assert.equal(viewer.status, 403);
      assert.equal(refusal(viewer).code, ApiErrorCode.Forbidden);
    });
  });
}
