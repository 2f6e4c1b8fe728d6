import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { verifyStandardWebhook } from '../../api/standard-webhooks.ts';
import { hasCode } from '../../errors/ferry-error.ts';
import type { NotifyTarget } from '../config/schema.ts';
import { listNotifications } from '../store/notification-store.ts';
import type { PgliteDatabase } from '../store/pglite-database.ts';
import type { Promotion } from '../store/promotion.ts';
import { insertPromotion } from '../store/promotion-insert.ts';
import { transition } from '../store/promotion-transition.ts';
import { MIGRATED, pgliteTestBackend } from '../store/test-backends.ts';
import { createNotifier, type NotifierOptions, type NotifyLogger } from './notifier.ts';
import { NotifyErrorCode } from './notify-error.ts';

/*
 * The notifier against a real HTTP receiver on 127.0.0.1 that verifies every signature with the trigger
 * module's own verifier, and a real (in-memory, embedded) store recording every attempt.
 */

const SECRET = `whsec_${Buffer.from('notify-secret-0123456789abcdef').toString('base64')}`;
const ENV = { FERRY_NOTIFY_SECRET: SECRET };
const FAST = { baseMs: 20, maxMs: 100, maxRetryAfterMs: 5_000 };

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly verified: boolean;
}

interface Receiver {
  readonly url: string;
  readonly received: Received[];
  close(): Promise<void>;
}

type Reply = { status: number; headers?: Record<string, string> } | 'hang';

/** Answers the n-th request with `replies[n]` (the last one repeats). */
async function receiver(replies: readonly Reply[]): Promise<Receiver> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let verified = false;
      try {
        verifyStandardWebhook({ headers: req.headers, rawBody: raw, secrets: [SECRET] });
        verified = true;
      } catch {}
      received.push({ path: req.url ?? '', headers: req.headers, body: raw.toString('utf8'), verified });
      const reply = replies[Math.min(received.length - 1, replies.length - 1)]!;
      if (reply === 'hang') return;
      res.writeHead(reply.status, reply.headers ?? {}).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function capturingLogger(): NotifyLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (fields, message) => lines.push(JSON.stringify({ level: 'info', message, ...fields })),
    warn: (fields, message) => lines.push(JSON.stringify({ level: 'warn', message, ...fields })),
  };
}

let db: PgliteDatabase;
let seq = 0;

const backend = pgliteTestBackend();
// Inside a describe: the unit run loads every file into one process (scripts/test-unit.sh), where a
// file-level before hook runs at the start of the whole run, before the database template is built.
describe('notifier on PGlite', () => {
  before(async () => {
    db = await backend.open(MIGRATED);
  });
  after(() => backend.dispose());

  /** A recorded promotion moved to `status`, as the worker would leave it. */
  async function promotion(
    status: 'succeeded' | 'failed' | 'cancelled',
    rule = 'team-a-to-prod',
  ): Promise<Promotion> {
    seq++;
    const digest = `sha256:${seq.toString(16).padStart(64, '0')}`;
    const { promotion: p } = await insertPromotion(db, {
      rule,
      source: {
        environment: 'nonprod',
        registry: 'reg.nonprod',
        repository: 'team-a/app',
        tag: `t${seq}`,
        digest,
      },
      destination: { environment: 'prod', registry: 'reg.prod', repository: 'team-a/app', tag: `t${seq}` },
      requestedBy: 'ci',
      triggerKind: 'standard-webhook',
    });
    if (status === 'cancelled')
      return transition(db, p.id, ['queued'], 'cancelled', { reason: 'cancelled by alice' });
    await transition(db, p.id, ['queued'], 'running', { incrementAttempts: true });
    return status === 'succeeded'
      ? transition(db, p.id, ['running'], 'succeeded', { resultDigest: digest, bytes: { copied: 1234 } })
      : transition(db, p.id, ['running'], 'failed', {
          reason: 'destination tag t1 already points elsewhere',
        });
  }

  function target(name: string, url: string, extra: Partial<NotifyTarget> = {}): NotifyTarget {
    return {
      name,
      url,
      secret: { env: 'FERRY_NOTIFY_SECRET' },
      events: ['requested', 'awaiting-approval', 'approved', 'rejected', 'succeeded', 'failed'],
      ...extra,
    };
  }

  function notifier(targets: NotifyTarget[], extra: Partial<NotifierOptions> = {}) {
    const logger = capturingLogger();
    const n = createNotifier({
      config: { notify: targets, server: { publicUrl: 'https://ferry.example' } },
      db,
      env: ENV,
      logger,
      backoff: FAST,
      ...extra,
    });
    return { notifier: n, logger };
  }

  test('500, 500, 200: three signed attempts with one webhook-id, all recorded, secret nowhere', async (t) => {
    const rx = await receiver([{ status: 500 }, { status: 500 }, { status: 200 }]);
    t.after(() => rx.close());
    const { notifier: n, logger } = notifier([target('ops', `${rx.url}/hooks/ferry`)]);
    t.after(() => n.stop());
    const p = await promotion('succeeded');

    assert.equal(n.notify(p), 1);
    await n.idle();

    assert.equal(rx.received.length, 3);
    const ids = new Set(rx.received.map((r) => r.headers['webhook-id']));
    assert.equal(ids.size, 1, 'every retry carries the same webhook-id');
    assert.match([...ids][0] as string, /^msg_[A-Za-z0-9_-]{32}$/);
    assert.ok(
      rx.received.every((r) => r.verified),
      'every attempt verifies with the secret',
    );
    assert.equal(new Set(rx.received.map((r) => r.body)).size, 1, 'the body is resent unchanged');
    assert.equal(rx.received[0]!.path, '/hooks/ferry');
    assert.equal(rx.received[0]!.headers['content-type'], 'application/json');

    const body = JSON.parse(rx.received[0]!.body) as {
      type: string;
      timestamp: string;
      data: Record<string, unknown>;
    };
    assert.equal(body.type, 'promotion.succeeded');
    assert.ok(!Number.isNaN(Date.parse(body.timestamp)));
    assert.equal(body.data['id'], p.id);
    assert.equal(body.data['status'], 'succeeded');
    assert.equal(body.data['resultDigest'], p.source.digest);
    assert.deepEqual(body.data['bytes'], { copied: 1234, mounted: 0, skipped: 0 });
    assert.equal(body.data['url'], `https://ferry.example/api/v1/promotions/${p.id}`);
    assert.deepEqual(body.data['destination'], {
      environment: 'prod',
      registry: 'reg.prod',
      repository: 'team-a/app',
      tag: p.destination.tag,
    });

    const records = await listNotifications(db, p.id);
    assert.deepEqual(
      records.map((r) => [r.target, r.event, r.attempt, r.statusCode, r.error]),
      [
        ['ops', 'succeeded', 1, 500, 'HTTP 500'],
        ['ops', 'succeeded', 2, 500, 'HTTP 500'],
        ['ops', 'succeeded', 3, 200, null],
      ],
    );
    assert.ok(records.every((r) => r.durationMs !== null && r.durationMs >= 0));

    const everything = JSON.stringify(records) + logger.lines.join('\n');
    assert.ok(!everything.includes(SECRET), 'the secret is in no record and no log line');
    assert.ok(!everything.includes(SECRET.slice('whsec_'.length)));
    assert.ok(!everything.includes('/hooks/ferry'), 'nor is the target URL');
    assert.match(logger.lines.at(-1)!, /notification delivered/);
  });

  test('only targets subscribed to the event (and the rule) receive it', async (t) => {
    const rx = await receiver([{ status: 204 }]);
    t.after(() => rx.close());
    const { notifier: n } = notifier([
      target('failures', `${rx.url}/failures`, { events: ['failed'] }),
      target('team-b-only', `${rx.url}/team-b`, { promotions: ['team-b-to-prod'] }),
      target('team-a-only', `${rx.url}/team-a`, { promotions: ['team-a-to-prod'], events: ['succeeded'] }),
    ]);
    t.after(() => n.stop());

    const ok = await promotion('succeeded');
    assert.equal(n.notify(ok), 1);
    await n.idle();
    assert.deepEqual(
      rx.received.map((r) => r.path),
      ['/team-a'],
    );

    const failed = await promotion('failed', 'team-b-to-prod');
    assert.equal(n.notify(failed), 2);
    await n.idle();
    assert.deepEqual(
      rx.received
        .slice(1)
        .map((r) => r.path)
        .sort(),
      ['/failures', '/team-b'],
    );
    const failedBody = JSON.parse(rx.received[1]!.body) as { type: string; data: { reason: string } };
    assert.equal(failedBody.type, 'promotion.failed');
    assert.equal(failedBody.data.reason, 'destination tag t1 already points elsewhere');
    // Two targets, two different ids for the same event.
    assert.notEqual(rx.received[1]!.headers['webhook-id'], rx.received[2]!.headers['webhook-id']);

    // `cancelled` is not subscribable in ferry.yaml yet, so nobody is told.
    assert.equal(n.notify(await promotion('cancelled')), 0);
    // A non-terminal, unannounced state.
    assert.equal(n.notify({ ...ok, status: 'running' }), 0);
  });

  test('429 with Retry-After is honoured; a 4xx refusal is not retried', async (t) => {
    const rx = await receiver([{ status: 429, headers: { 'retry-after': '1' } }, { status: 202 }]);
    const refusing = await receiver([{ status: 410 }]);
    t.after(() => Promise.all([rx.close(), refusing.close()]));
    const { notifier: n } = notifier([
      target('busy', `${rx.url}/busy`),
      target('gone', `${refusing.url}/gone`),
    ]);
    t.after(() => n.stop());
    const p = await promotion('succeeded');
    const started = Date.now();
    assert.equal(n.notify(p), 2);
    await n.idle();
    assert.ok(Date.now() - started >= 950, 'waited for Retry-After: 1');
    assert.equal(rx.received.length, 2);
    assert.equal(refusing.received.length, 1);
    const records = await listNotifications(db, p.id);
    const byTarget = (name: string) => records.filter((r) => r.target === name).map((r) => r.statusCode);
    assert.deepEqual(byTarget('busy'), [429, 202]);
    assert.deepEqual(byTarget('gone'), [410]);
  });

  test('network errors are retried up to maxAttempts; the URL (a token) is not recorded', async (t) => {
    // A port that was just closed: connection refused.
    const closed = await receiver([{ status: 200 }]);
    const deadUrl = `${closed.url}/services/T0/B0/TOKENINPATH`;
    await closed.close();
    const { notifier: n, logger } = notifier([target('chat', deadUrl)], { maxAttempts: 3 });
    t.after(() => n.stop());
    const p = await promotion('failed');
    n.notify(p);
    await n.idle();
    const records = await listNotifications(db, p.id);
    assert.deepEqual(
      records.map((r) => [r.attempt, r.statusCode]),
      [
        [1, null],
        [2, null],
        [3, null],
      ],
    );
    assert.ok(
      records.every((r) => /ECONNREFUSED/.test(r.error ?? '')),
      JSON.stringify(records),
    );
    const everything = JSON.stringify(records) + logger.lines.join('\n');
    assert.ok(!everything.includes('TOKENINPATH'));
    assert.match(logger.lines.at(-1)!, /gave up after 3 attempts/);
  });

  test('an unsigned target (no secret) still gets id and timestamp headers', async (t) => {
    const rx = await receiver([{ status: 200 }]);
    t.after(() => rx.close());
    const { notifier: n } = notifier([{ name: 'plain', url: `${rx.url}/x`, events: ['succeeded'] }]);
    t.after(() => n.stop());
    n.notify(await promotion('succeeded'));
    await n.idle();
    const headers = rx.received[0]!.headers;
    assert.match(String(headers['webhook-id']), /^msg_/);
    assert.match(String(headers['webhook-timestamp']), /^\d+$/);
    assert.equal(headers['webhook-signature'], undefined);
  });

  test('a missing secret is recorded by name (never a value) and retried', async (t) => {
    const rx = await receiver([{ status: 200 }]);
    t.after(() => rx.close());
    const { notifier: n } = notifier([target('ops', `${rx.url}/x`)], { env: {}, maxAttempts: 2 });
    t.after(() => n.stop());
    const p = await promotion('succeeded');
    n.notify(p);
    await n.idle();
    assert.equal(rx.received.length, 0, 'nothing unsigned is sent when a secret is configured');
    const records = await listNotifications(db, p.id);
    assert.equal(records.length, 2);
    assert.match(records[0]!.error ?? '', /signing secret unavailable: .*FERRY_NOTIFY_SECRET is not set/);
  });

  test('stop() waits up to the grace period, then abandons; notify() afterwards is refused', async (t) => {
    const rx = await receiver(['hang']);
    t.after(() => rx.close());
    const { notifier: n } = notifier([target('slow', `${rx.url}/slow`)], { timeoutMs: 30_000 });
    const p = await promotion('succeeded');
    n.notify(p);
    const started = Date.now();
    const { abandoned } = await n.stop({ graceMs: 200 });
    const elapsed = Date.now() - started;
    assert.equal(abandoned, 1);
    assert.ok(elapsed >= 190 && elapsed < 3_000, `stop took ${elapsed} ms`);
    const records = await listNotifications(db, p.id);
    assert.deepEqual(
      records.map((r) => [r.attempt, r.error]),
      [[1, 'abandoned: the notifier was stopped']],
    );
    assert.throws(
      () => n.notify(p),
      (err) => hasCode(err, NotifyErrorCode.Stopped),
    );
  });
});
