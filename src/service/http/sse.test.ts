import assert from 'node:assert/strict';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { promotionSchema } from '../../api/promotion.ts';
import type { Promotion } from '../store/promotion.ts';
import { HttpErrorCode } from './errors.ts';
import { bearer, buildTestApp, type TestApp, TOKENS } from './http-fixture.ts';
import { toPromotionView } from './promotion-view.ts';
import { formatEvent } from './sse.ts';

let t: TestApp;

before(async () => {
  t = await buildTestApp({ heartbeatMs: 20 });
});

after(async () => {
  await t.app.close();
});

interface ParsedEvent {
  readonly event: string;
  readonly data: unknown;
}

/** Splits a text/event-stream body into its events (comments are returned as `event: ':'`). */
function parseStream(text: string): ParsedEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      if (block.startsWith(':')) return { event: ':', data: block.slice(1).trim() };
      const lines = Object.fromEntries(
        block
          .split('\n')
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      return { event: lines['event'] ?? '', data: JSON.parse(lines['data'] ?? 'null') };
    });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return;
    await delay(5);
  }
  assert.fail(`timed out waiting for ${what}`);
}

function later(promotion: Promotion, seconds: number, changes: Partial<Promotion>): Promotion {
  return { ...promotion, ...changes, updatedAt: new Date(promotion.updatedAt.getTime() + seconds * 1000) };
}

/** A stored promotion in `status` and its event stream, open and subscribed (the response ends later). */
async function openStream(status: Promotion['status']) {
  const promotion = t.service.add({ status });
  const listeners = t.service.listeners.size;
  const streaming = t.app.inject({
    url: `/api/v1/promotions/${promotion.id}/events`,
    headers: bearer(TOKENS.viewer),
  });
  await until(() => t.service.listeners.size > listeners, 'the subscription');
  await delay(10);
  return { promotion, streaming, listeners };
}

describe('GET /api/v1/promotions/:id/events', () => {
  test('current status first, then one event per update, ending after a terminal status', async () => {
    const { promotion, streaming, listeners } = await openStream('queued');
    const audit = {
      id: 7,
      promotionId: promotion.id,
      at: new Date('2024-05-01T10:00:01Z'),
      actor: 'ferry',
      kind: 'started',
      digest: promotion.source.digest,
      outcome: 'ok',
      bytes: null,
      detail: {},
    };
    t.service.emit({ type: 'status', promotion: later(promotion, 1, { status: 'running' }) });
    t.service.emit({ type: 'audit', event: audit });
    const blob = {
      digest: `sha256:${'c'.repeat(64)}`,
      size: 1024,
      mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
      state: 'copying' as const,
      bytes: 512,
    };
    t.service.emit({
      type: 'progress',
      promotionId: promotion.id,
      bytes: 512,
      totalBytes: 1024,
      blobs: [blob],
    });
    t.service.emit({
      type: 'status',
      promotion: later(promotion, 2, { status: 'succeeded', resultDigest: promotion.source.digest }),
    });
    t.service.emit({ type: 'progress', promotionId: promotion.id, bytes: 1024, totalBytes: 1024, blobs: [] });

    const response = await streaming;
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(response.headers['cache-control'], 'no-cache, no-transform');
    const events = parseStream(response.body).filter((e) => e.event !== ':');
    assert.deepEqual(
      events.map((e) => e.event),
      ['status', 'status', 'audit', 'progress', 'status'],
    );
    const statusOf = (index: number) => (events[index]?.data as Promotion | undefined)?.status;
    assert.equal(statusOf(0), 'queued');
    assert.equal(statusOf(1), 'running');
    assert.deepEqual(events[2]?.data, { ...audit, at: '2024-05-01T10:00:01.000Z' });
    assert.deepEqual(events[3]?.data, {
      promotionId: promotion.id,
      bytes: 512,
      totalBytes: 1024,
      blobs: [blob],
    });
    assert.equal(statusOf(4), 'succeeded');
    assert.equal(t.service.listeners.size, listeners, 'unsubscribed at the end');
  });

  test('a late notification of a state the client already has is not sent again (several replicas)', async () => {
    const { promotion, streaming } = await openStream('awaiting_approval');
    // Another replica's NOTIFY of the creation, arriving after the stream read that very state.
    t.service.emit({ type: 'status', promotion });
    t.service.emit({ type: 'status', promotion: later(promotion, 1, { status: 'queued' }) });
    // An older state delivered late is not a step back either.
    t.service.emit({ type: 'status', promotion });
    t.service.emit({ type: 'status', promotion: later(promotion, 2, { status: 'cancelled' }) });
    const response = await streaming;
    const statuses = parseStream(response.body)
      .filter((e) => e.event === 'status')
      .map((e) => (e.data as Promotion).status);
    assert.deepEqual(statuses, ['awaiting_approval', 'queued', 'cancelled']);
  });

  test('a promotion already finished gets its status and the end of the stream', async () => {
    const promotion = t.service.add({ status: 'failed', reason: 'source tag not found' });
    const response = await t.app.inject({
      url: `/api/v1/promotions/${promotion.id}/events`,
      headers: bearer(TOKENS.viewer),
    });
    // The contract's view of the promotion: times as ISO strings, approvals attached.
    assert.equal(response.body, formatEvent('status', toPromotionView(promotion, [])));
    assert.ok(promotionSchema.safeParse(JSON.parse(response.body.split('data: ')[1] ?? '')).success);
  });

  test('a heartbeat comment keeps an idle stream open', async () => {
    const promotion = t.service.add({ status: 'awaiting_approval' });
    const streaming = t.app.inject({
      url: `/api/v1/promotions/${promotion.id}/events`,
      headers: bearer(TOKENS.viewer),
    });
    await delay(80);
    t.service.emit({ type: 'status', promotion: later(promotion, 1, { status: 'rejected' }) });
    const response = await streaming;
    assert.match(response.body, /\n\n: heartbeat\n\n/);
  });

  test('an unknown promotion is a 404 JSON error and leaves no subscription', async () => {
    const listeners = t.service.listeners.size;
    const response = await t.app.inject({
      url: '/api/v1/promotions/0190f0a0-0000-7000-8000-999999999999/events',
      headers: bearer(TOKENS.viewer),
    });
    assert.equal(response.statusCode, 404);
    assert.equal(response.json().code, HttpErrorCode.NotFound);
    assert.equal(t.service.listeners.size, listeners);
  });
});

describe('GET /api/v1/events', () => {
  test('every promotion’s status changes, once each, in order; other updates are not sent', async () => {
    // Its own app: the list stream never ends by itself, the server's shutdown ends it.
    const own = await buildTestApp({ heartbeatMs: 20 });
    const a = own.service.add({ status: 'queued' });
    const b = own.service.add({ status: 'awaiting_approval' });
    const streaming = own.app.inject({ url: '/api/v1/events', headers: bearer(TOKENS.viewer) });
    await until(() => own.service.listeners.size === 1, 'the subscription');
    own.service.emit({ type: 'status', promotion: later(a, 1, { status: 'running' }) });
    own.service.emit({ type: 'progress', promotionId: a.id, bytes: 1, totalBytes: 2, blobs: [] });
    own.service.emit({ type: 'status', promotion: later(b, 1, { status: 'queued' }) });
    // A late duplicate (another replica's notification of a state already sent), and an older state.
    own.service.emit({ type: 'status', promotion: later(a, 1, { status: 'running' }) });
    own.service.emit({ type: 'status', promotion: a });
    own.service.emit({ type: 'status', promotion: later(a, 2, { status: 'succeeded' }) });
    await delay(100);
    await own.app.close();
    const response = await streaming;
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8');
    const events = parseStream(response.body).filter((e) => e.event !== ':');
    assert.deepEqual(
      events.map((e) => e.event),
      ['status', 'status', 'status'],
    );
    const seen = events.map((e) => {
      const view = promotionSchema.parse(e.data);
      return `${view.id === a.id ? 'a' : 'b'}:${view.status}`;
    });
    assert.deepEqual(seen, ['a:running', 'b:queued', 'a:succeeded']);
    assert.match(response.body, /: heartbeat\n\n/);
    assert.equal(own.service.listeners.size, 0, 'unsubscribed at shutdown');
  });

  test('all list streams share one subscription, dropped when the last client leaves', async () => {
    const served = await buildTestApp({ heartbeatMs: 1000 });
    await served.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = served.app.server.address() as AddressInfo;
    const open = () =>
      new Promise<IncomingMessage>((resolve, reject) => {
        get({ port, host: '127.0.0.1', path: '/api/v1/events', headers: bearer(TOKENS.viewer) }, resolve).on(
          'error',
          reject,
        );
      });
    try {
      const first = await open();
      const second = await open();
      assert.equal(first.statusCode, 200);
      assert.equal(served.service.listeners.size, 1, 'one subscription for both');
      const promotion = served.service.add({ status: 'queued' });
      const received = (res: IncomingMessage) =>
        new Promise<string>((resolve) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes('event: status')) resolve(text);
          });
        });
      const both = Promise.all([received(first), received(second)]);
      served.service.emit({ type: 'status', promotion: later(promotion, 1, { status: 'running' }) });
      for (const text of await both) assert.match(text, /"status":"running"/);
      first.destroy();
      await delay(50);
      assert.equal(served.service.listeners.size, 1, 'still one client');
      second.destroy();
      await until(() => served.service.listeners.size === 0, 'the unsubscribe after the last client left');
    } finally {
      await served.app.close();
    }
  });
});

describe('event streams over a real connection', () => {
  function open(port: number, id: string): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      get(
        { port, host: '127.0.0.1', path: `/api/v1/promotions/${id}/events`, headers: bearer(TOKENS.viewer) },
        resolve,
      ).on('error', reject);
    });
  }

  test('a client that leaves is unsubscribed; close() ends the streams still open', async () => {
    const served = await buildTestApp({ heartbeatMs: 1000 });
    await served.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = served.app.server.address() as AddressInfo;
    const promotion = served.service.add({ status: 'running' });

    const leaving = await open(port, promotion.id);
    assert.equal(leaving.statusCode, 200);
    await new Promise((resolve) => leaving.once('data', resolve));
    assert.equal(served.service.listeners.size, 1);
    leaving.destroy();
    await until(() => served.service.listeners.size === 0, 'the unsubscribe after the client left');

    const staying = await open(port, promotion.id);
    const ended = new Promise((resolve) => staying.on('end', resolve).resume());
    await until(() => served.service.listeners.size === 1, 'the second subscription');
    await served.app.close();
    await ended;
    assert.equal(served.service.listeners.size, 0);
  });
});
