import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { type BuiltImage, buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest, openSession } from '../rig/rig-client.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { backendDatabaseUrl } from './backend-database.ts';
import { post as postJson, startTestServer, writeServeConfig } from './serve-fixture.ts';

/*
 * Releases and rollback through the HTTP API of a real `ferry serve` (startServer, as the CLI runs it)
 * between real registries, on the embedded store or, with FERRY_TEST_BACKEND=postgres, on PostgreSQL
 * (releases-rollback.postgres.test.ts). The model (docs/releases.md): a rule writes an immutable tag per
 * promotion and points its release tag at the same digest; a rollback points the release tag back at
 * the digest of the promotion named, taken from production.
 */

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const nonprod = rig.anonymous!;
const prod = rig.basicTls!;
const temp = await makeTempDir('releases-rollback');
cleanup(() => temp.remove());
const databaseUrl = await backendDatabaseUrl(cleanup);

const SHA = '[0-9a-f]{7,40}';
const { path, tokens } = await writeServeConfig({
  dir: temp.path,
  nonprod,
  prod,
  rules: [
    { name: 'shop', from: 'nonprod:shop/*', to: 'prod:shop/*', tags: SHA, releaseTag: 'prod' },
    {
      name: 'payments',
      from: 'nonprod:payments/*',
      to: 'prod:payments/*',
      tags: SHA,
      releaseTag: 'prod',
      approvals: { required: 1, approvers: ['alice'] },
    },
    {
      name: 'mutable',
      from: 'nonprod:mutable/*',
      to: 'prod:mutable/*',
      tags: 'v[0-9]+',
      immutableTags: false,
    },
    { name: 'fixed', from: 'nonprod:fixed/*', to: 'prod:fixed/*', tags: SHA },
  ],
});
const server = await startTestServer(path, { databaseUrl });
cleanup(() => server.close(0));
const api = `${server.url}/api/v1`;

/** The parts of the API's JSON these tests read (the contract in src/api/ declares them all). */
interface Json {
  readonly [key: string]: unknown;
  readonly promotion: PromotionJson;
  readonly timeline: { kind: string; outcome: string }[];
  readonly releases: ReleaseJson[];
  readonly release: ReleaseJson;
  readonly history: { promotionId: string; kind: string; digest: string; previousDigest: string | null }[];
  readonly code: string;
  readonly message: string;
}
interface PromotionJson {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly reason: string;
  readonly releaseTag: string | null;
  readonly rollbackOf: string | null;
  readonly source: { digest: string };
  readonly destination: { tag: string };
}
interface ReleaseJson {
  readonly tag: string;
  readonly digest: string;
  readonly promotionId: string;
  readonly kind: string;
  readonly previousDigest: string | null;
  readonly promotedBy: string;
  readonly approvedBy: string[];
}

async function post(url: string, token: string, body?: unknown): Promise<{ status: number; json: Json }> {
  const answer = await postJson(url, token, body);
  return { status: answer.status, json: answer.json as unknown as Json };
}

async function get(url: string, token = tokens.viewer): Promise<{ status: number; json: Json }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, json: (await response.json()) as Json };
}

async function waitFor(id: string, statuses: readonly string[]): Promise<PromotionJson> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { json } = await get(`${api}/promotions/${id}`);
    if (statuses.includes(json.promotion.status)) return json.promotion;
    if (Date.now() > deadline) throw new Error(`promotion ${id} still ${json.promotion.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function promote(
  repository: string,
  tag: string,
  seed: string,
): Promise<{ image: BuiltImage; id: string }> {
  const image = await buildImage({ layers: [6_000, 2_000], seed });
  await pushImage(nonprod, repository, tag, image);
  const accepted = await post(`${api}/promotions`, tokens.ci, {
    source: { environment: 'nonprod', repository, tag },
  });
  assert.equal(accepted.status, 202, JSON.stringify(accepted.json));
  const id = accepted.json.promotion.id;
  return { image, id };
}

async function prodDigest(repository: string, tag: string): Promise<string | undefined> {
  const found = await getManifest(prod, repository, tag);
  return found.status === 200 ? found.digest : undefined;
}

/** Deletes a manifest by digest from a rig registry (the registries run with delete enabled). */
async function deleteManifest(target: typeof nonprod, repository: string, digest: string): Promise<void> {
  const session = openSession(target);
  try {
    const answer = await session.send('DELETE', `/v2/${repository}/manifests/${digest}`, {
      repo: repository,
    });
    assert.equal(answer.status, 202, answer.body.toString());
  } finally {
    await session.close();
  }
}

describe(`releases and rollback (${databaseUrl === undefined ? 'embedded' : 'postgresql'} store)`, () => {
  test('a release tag follows each promotion; rollback moves only it, from production, after non-prod is gone', async () => {
    const one = await promote('shop/web', 'aaaaaaa1', 'rel-1');
    const first = await waitFor(one.id, ['succeeded', 'failed']);
    assert.equal(first.status, 'succeeded', first.reason);
    assert.equal(first.kind, 'promotion');
    assert.equal(first.releaseTag, 'prod');
    assert.equal(await prodDigest('shop/web', 'prod'), one.image.manifestDigest);

    const two = await promote('shop/web', 'bbbbbbb2', 'rel-2');
    assert.equal((await waitFor(two.id, ['succeeded', 'failed'])).status, 'succeeded');
    assert.equal(await prodDigest('shop/web', 'prod'), two.image.manifestDigest);

    // Non-prod is cleaned up: the rollback must not need it.
    await deleteManifest(nonprod, 'shop/web', one.image.manifestDigest);
    const back = await post(`${api}/promotions/${one.id}/rollback`, tokens.ci);
    assert.equal(back.status, 202, JSON.stringify(back.json));
    const rollback = back.json.promotion;
    assert.equal(rollback.kind, 'rollback');
    assert.equal(rollback.rollbackOf, one.id);
    assert.equal(rollback.destination.tag, 'prod');
    assert.equal(rollback.source.digest, one.image.manifestDigest);
    const done = await waitFor(rollback.id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', done.reason);
    assert.equal(await prodDigest('shop/web', 'prod'), one.image.manifestDigest);
    // Immutable tags stayed where they were.
    assert.equal(await prodDigest('shop/web', 'aaaaaaa1'), one.image.manifestDigest);
    assert.equal(await prodDigest('shop/web', 'bbbbbbb2'), two.image.manifestDigest);
    const timeline = (await get(`${api}/promotions/${rollback.id}`)).json.timeline;
    assert.ok(
      timeline.some((e) => e.kind === 'tag_pointed' && e.outcome === 'ok'),
      JSON.stringify(timeline),
    );

    // GET /releases: current state of every tag ferry wrote, and the release tag's history.
    const list = await get(`${api}/releases?environment=prod&repository=shop/web`);
    assert.equal(list.status, 200);
    const byTag: Record<string, ReleaseJson> = Object.fromEntries(list.json.releases.map((r) => [r.tag, r]));
    const prodNow = byTag.prod!;
    assert.deepEqual(Object.keys(byTag).sort(), ['aaaaaaa1', 'bbbbbbb2', 'prod']);
    assert.equal(prodNow.digest, one.image.manifestDigest);
    assert.equal(prodNow.promotionId, rollback.id);
    assert.equal(prodNow.kind, 'rollback');
    assert.equal(prodNow.previousDigest, two.image.manifestDigest);
    assert.equal(prodNow.promotedBy, 'ci');
    assert.equal(byTag.bbbbbbb2?.promotionId, two.id);

    const detail = await get(`${api}/releases/prod/shop/web/prod`);
    assert.equal(detail.status, 200, JSON.stringify(detail.json));
    assert.equal(detail.json.release.digest, one.image.manifestDigest);
    assert.deepEqual(
      detail.json.history.map((h) => [h.promotionId, h.kind, h.digest, h.previousDigest]),
      [
        [rollback.id, 'rollback', one.image.manifestDigest, two.image.manifestDigest],
        [two.id, 'promotion', two.image.manifestDigest, one.image.manifestDigest],
        [one.id, 'promotion', one.image.manifestDigest, null],
      ],
    );

    // Rolling back to what is current is refused; rolling "back" to the newer one goes forward.
    const again = await post(`${api}/promotions/${one.id}/rollback`, tokens.ci);
    assert.equal(again.status, 409);
    assert.equal(again.json.code, 'FERRY_E_PROMOTION_ALREADY_CURRENT');
    const forward = await post(`${api}/promotions/${two.id}/rollback`, tokens.ci);
    assert.equal(forward.status, 202, JSON.stringify(forward.json));
    assert.equal((await waitFor(forward.json.promotion.id, ['succeeded', 'failed'])).status, 'succeeded');
    assert.equal(await prodDigest('shop/web', 'prod'), two.image.manifestDigest);
    // And back again to the first: the earlier rollback of that digest no longer blocks it.
    const third = await post(`${api}/promotions/${one.id}/rollback`, tokens.ci);
    assert.equal(third.status, 202, JSON.stringify(third.json));
    assert.equal((await waitFor(third.json.promotion.id, ['succeeded', 'failed'])).status, 'succeeded');
    assert.equal(await prodDigest('shop/web', 'prod'), one.image.manifestDigest);

    const unknown = await get(`${api}/releases/prod/shop/web/nope`);
    assert.equal(unknown.status, 404);
  });

  test('a rollback needs the approvals of its rule', async () => {
    const one = await promote('payments/api', 'ccccccc1', 'rel-pay-1');
    await waitFor(one.id, ['awaiting_approval']);
    assert.equal((await post(`${api}/promotions/${one.id}/approve`, tokens.alice)).status, 200);
    assert.equal((await waitFor(one.id, ['succeeded', 'failed'])).status, 'succeeded');
    const two = await promote('payments/api', 'ddddddd2', 'rel-pay-2');
    await waitFor(two.id, ['awaiting_approval']);
    assert.equal((await post(`${api}/promotions/${two.id}/approve`, tokens.alice)).status, 200);
    assert.equal((await waitFor(two.id, ['succeeded', 'failed'])).status, 'succeeded');

    const back = await post(`${api}/promotions/${one.id}/rollback`, tokens.ci);
    assert.equal(back.status, 202, JSON.stringify(back.json));
    const id = back.json.promotion.id;
    assert.equal((await waitFor(id, ['awaiting_approval'])).kind, 'rollback');
    // Nothing moves before the approval.
    assert.equal(await prodDigest('payments/api', 'prod'), two.image.manifestDigest);
    assert.equal((await post(`${api}/promotions/${id}/approve`, tokens.alice)).status, 200);
    assert.equal((await waitFor(id, ['succeeded', 'failed'])).status, 'succeeded');
    assert.equal(await prodDigest('payments/api', 'prod'), one.image.manifestDigest);
    const release = (await get(`${api}/releases/prod/payments/api/prod`)).json.release;
    assert.deepEqual([release.promotionId, release.approvedBy], [id, ['alice']]);
  });

  test('a mutable-tag rule rolls back the tag itself to the promotion named, even the oldest', async () => {
    const one = await promote('mutable/app', 'v1', 'rel-mut-1');
    assert.equal((await waitFor(one.id, ['succeeded', 'failed'])).status, 'succeeded');
    const two = await promote('mutable/app', 'v1', 'rel-mut-2');
    assert.equal((await waitFor(two.id, ['succeeded', 'failed'])).status, 'succeeded');
    const three = await promote('mutable/app', 'v1', 'rel-mut-3');
    assert.equal((await waitFor(three.id, ['succeeded', 'failed'])).status, 'succeeded');

    const back = await post(`${api}/promotions/${one.id}/rollback`, tokens.ci);
    assert.equal(back.status, 202, JSON.stringify(back.json));
    assert.equal((await waitFor(back.json.promotion.id, ['succeeded', 'failed'])).status, 'succeeded');
    assert.equal(await prodDigest('mutable/app', 'v1'), one.image.manifestDigest);
  });

  test('refusals: immutable without a release tag, a digest gone from production, a promotion that did not succeed', async () => {
    const fixed = await promote('fixed/app', 'eeeeeee1', 'rel-fixed');
    assert.equal((await waitFor(fixed.id, ['succeeded', 'failed'])).status, 'succeeded');
    const refused = await post(`${api}/promotions/${fixed.id}/rollback`, tokens.ci);
    assert.equal(refused.status, 409);
    assert.equal(refused.json.code, 'FERRY_E_PROMOTION_NOT_ROLLBACKABLE');
    assert.match(refused.json.message, /releaseTag/);

    const one = await promote('shop/gone', 'fffffff1', 'rel-gone-1');
    assert.equal((await waitFor(one.id, ['succeeded', 'failed'])).status, 'succeeded');
    const two = await promote('shop/gone', 'fffffff2', 'rel-gone-2');
    assert.equal((await waitFor(two.id, ['succeeded', 'failed'])).status, 'succeeded');
    await deleteManifest(prod, 'shop/gone', one.image.manifestDigest);
    const gone = await post(`${api}/promotions/${one.id}/rollback`, tokens.ci);
    assert.equal(gone.status, 409);
    assert.equal(gone.json.code, 'FERRY_E_PROMOTION_DIGEST_GONE');
    assert.equal(await prodDigest('shop/gone', 'prod'), two.image.manifestDigest);

    const pending = await promote('payments/api', 'abcdef01', 'rel-pending');
    await waitFor(pending.id, ['awaiting_approval']);
    const early = await post(`${api}/promotions/${pending.id}/rollback`, tokens.ci);
    assert.equal(early.status, 409);
    assert.equal(early.json.code, 'FERRY_E_PROMOTION_CONFLICT');
  });
});
