import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { appendAudit } from '../store/audit-store.ts';
import type { PgliteDatabase } from '../store/pglite-database.ts';
import { saveBlobProgress } from '../store/promotion-blob-store.ts';
import { insertPromotion } from '../store/promotion-insert.ts';
import { MIGRATED, pgliteTestBackend } from '../store/test-backends.ts';
import { PromotionEvents } from './promotion-events.ts';
import type { PromotionUpdate } from './promotion-service.ts';
import { startUpdateRelay, type UpdateRelay } from './update-relay.ts';
import { decodeUpdate, encodeUpdate, MAX_INLINE_BYTES } from './update-wire.ts';

/*
 * Two relays on one database stand for two replicas: what one replica's engine publishes reaches the
 * other's subscribers, never its own (its engine delivered it already). On PGlite, the path production
 * uses for the embedded store; the PostgreSQL path is covered end to end by
 * test/service/serve-replicas.postgres.test.ts.
 */

let db: PgliteDatabase;
const backend = pgliteTestBackend();
// Inside a describe: the unit run loads every file into one process (scripts/test-unit.sh), where a
// file-level before hook runs at the start of the whole run, before the database template is built.
describe('update relay on PGlite', () => {
  before(async () => {
    db = await backend.open(MIGRATED);
  });
  after(() => backend.dispose());

  async function until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(5);
    }
  }

  async function replica(name: string): Promise<{ engine: PromotionEvents; relay: UpdateRelay }> {
    const engine = new PromotionEvents();
    const relay = await startUpdateRelay({ db, local: engine, replicaId: name, channel: 'ferry_relay_test' });
    return { engine, relay };
  }

  async function newPromotion(seed: string, labels: Record<string, string> = {}) {
    const { promotion } = await insertPromotion(db, {
      rule: 'team-a',
      source: {
        environment: 'nonprod',
        registry: 'reg.nonprod',
        repository: 'team-a/app',
        tag: seed,
        digest: `sha256:${Buffer.from(seed).toString('hex').padEnd(64, '0').slice(0, 64)}`,
      },
      destination: { environment: 'prod', registry: 'reg.prod', repository: 'team-a/app', tag: seed },
      requestedBy: 'ci',
      triggerKind: 'api',
      labels,
    });
    return promotion;
  }

  test('updates reach the other replica in order, with dates revived; a replica never gets its own back', async () => {
    const a = await replica('a');
    const b = await replica('b');
    const promotion = await newPromotion('v1');
    const atA: PromotionUpdate[] = [];
    const atB: PromotionUpdate[] = [];
    a.relay.subscribe(promotion.id, (u) => atA.push(u));
    b.relay.subscribe(undefined, (u) => atB.push(u));

    a.engine.publish({ type: 'status', promotion, previous: null });
    for (let bytes = 1; bytes <= 20; bytes++)
      a.engine.publish({ type: 'progress', promotionId: promotion.id, bytes, totalBytes: 20, blobs: [] });
    const running = { ...promotion, status: 'running' as const, updatedAt: new Date() };
    a.engine.publish({ type: 'status', promotion: running, previous: 'queued' });
    await until(() => atB.length === 22, 'the 22 updates at b');

    const first = atB[0]!;
    assert.equal(first.type, 'status');
    if (first.type === 'status') {
      assert.equal(first.promotion.id, promotion.id);
      assert.equal(first.previous, null);
      assert.ok(first.promotion.createdAt instanceof Date);
      assert.equal(first.promotion.createdAt.getTime(), promotion.createdAt.getTime());
    }
    assert.deepEqual(
      atB.slice(1, 21).map((u) => (u.type === 'progress' ? u.bytes : -1)),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const last = atB[21]!;
    assert.equal(last.type === 'status' && last.promotion.status, 'running');
    await sleep(50);
    assert.deepEqual(atA, [], 'a replica’s own updates are not relayed back to it');

    await a.relay.stop();
    a.engine.publish({ type: 'progress', promotionId: promotion.id, bytes: 99, totalBytes: 99, blobs: [] });
    await sleep(50);
    assert.equal(atB.length, 22, 'a stopped relay sends nothing');
    await b.relay.stop();
  });

  test('updates published together go out in one statement, in order', async () => {
    let statements = 0;
    // Only what the relay uses: statements (counted) and LISTEN.
    const counting = {
      query: (...args: Parameters<PgliteDatabase['query']>) => {
        statements++;
        return db.query(...args);
      },
      listen: (...args: Parameters<PgliteDatabase['listen']>) => db.listen(...args),
    } as unknown as PgliteDatabase;
    const engine = new PromotionEvents();
    const a = await startUpdateRelay({
      db: counting,
      local: engine,
      replicaId: 'a4',
      channel: 'ferry_relay_test',
    });
    const b = await replica('b4');
    const promotion = await newPromotion('v4');
    const atB: number[] = [];
    b.relay.subscribe(promotion.id, (u) => atB.push(u.type === 'progress' ? u.bytes : -1));
    for (let bytes = 1; bytes <= 30; bytes++)
      engine.publish({ type: 'progress', promotionId: promotion.id, bytes, totalBytes: 30, blobs: [] });
    await until(() => atB.length === 30, 'the 30 updates at b');
    assert.deepEqual(
      atB,
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    assert.equal(statements, 1, 'one NOTIFY statement for the 30 updates');
    await a.stop();
    await b.relay.stop();
  });

  test('an update too large for NOTIFY travels as a reference and is read back from the database', async () => {
    const big: Record<string, string> = {};
    for (let i = 0; i < 40; i++) big[`label-${i}`] = 'x'.repeat(250);
    const promotion = await newPromotion('v2', big);
    const event = await appendAudit(db, {
      promotionId: promotion.id,
      actor: 'alice',
      kind: 'approved',
      outcome: 'ok',
      detail: { comment: 'y'.repeat(9000) },
    });
    const statusPayload = encodeUpdate('a', { type: 'status', promotion, previous: null })!;
    assert.ok(Buffer.byteLength(statusPayload) <= MAX_INLINE_BYTES);
    assert.deepEqual(decodeUpdate(statusPayload), {
      from: 'a',
      ref: { type: 'status', promotionId: promotion.id, previous: null },
    });

    const a = await replica('a2');
    const b = await replica('b2');
    const atB: PromotionUpdate[] = [];
    b.relay.subscribe(promotion.id, (u) => atB.push(u));
    a.engine.publish({ type: 'status', promotion, previous: null });
    a.engine.publish({ type: 'audit', event });
    await until(() => atB.length === 2, 'both updates at b');
    const [status, audit] = atB;
    assert.equal(status?.type === 'status' && status.promotion.labels['label-39'], 'x'.repeat(250));
    assert.equal(status?.type === 'status' && status.previous, null);
    assert.equal(audit?.type === 'audit' && audit.event.id, event.id);
    assert.equal(audit?.type === 'audit' && audit.event.detail.comment, 'y'.repeat(9000));
    await a.relay.stop();
    await b.relay.stop();
  });

  test('progress listing too many blobs for NOTIFY travels as a reference; the blobs are read back as saved', async () => {
    const promotion = await newPromotion('v3');
    const blobs = Array.from({ length: 60 }, (_, i) => ({
      digest: `sha256:${String(i).padStart(64, '0')}`,
      size: 1000 + i,
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      state: 'copied' as const,
      bytes: 1000 + i,
    }));
    const update = { type: 'progress' as const, promotionId: promotion.id, bytes: 7, totalBytes: 9, blobs };
    assert.deepEqual(decodeUpdate(encodeUpdate('a', update)!), {
      from: 'a',
      ref: { type: 'progress', promotionId: promotion.id, bytes: 7, totalBytes: 9 },
    });
    await saveBlobProgress(db, promotion.id, blobs);
    const a = await replica('a3');
    const b = await replica('b3');
    const atB: PromotionUpdate[] = [];
    b.relay.subscribe(promotion.id, (u) => atB.push(u));
    a.engine.publish(update);
    await until(() => atB.length === 1, 'the progress at b');
    assert.deepEqual(atB[0], update);
    await a.relay.stop();
    await b.relay.stop();
  });

  test('payloads that are not relayed updates are ignored', () => {
    for (const payload of ['', 'nope', '[]', '{"from":1}', '{"from":"x","update":{"type":"status"}}'])
      assert.equal(decodeUpdate(payload), undefined, payload);
    assert.equal(decodeUpdate('{"from":"x","ref":{"type":"audit","promotionId":"p"}}'), undefined);
  });
});
