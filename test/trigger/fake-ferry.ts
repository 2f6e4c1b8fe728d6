import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { verifyStandardWebhook } from '../../src/api/standard-webhooks.ts';
import { TriggerError } from '../../src/api/trigger-error.ts';
import type { PromotionStatus } from '../../src/service/store/promotion.ts';

/*
 * The part of `ferry serve` that `ferry trigger` talks to, on 127.0.0.1, following
 * src/cli/trigger/trigger-contract.ts: it verifies every delivery with the trigger module's own
 * verifier, de-duplicates webhook ids (a redelivery gets the same promotion back with 200), and serves
 * a scripted sequence of states on GET /api/v1/promotions/<id> (one step per read; the last repeats).
 */

export interface Delivery {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The verifier's error code when verification failed. */
  readonly refused?: string;
}

export interface State {
  readonly status: PromotionStatus;
  readonly reason?: string | null;
}

export interface FakeFerryOptions {
  readonly secret: string;
  /** States after acceptance (the hook answers with `queued`). */
  readonly states?: readonly State[];
  /**
   * How the n-th delivery is answered before the normal handling: a status code (e.g. 503), or 'drop'
   * to accept the delivery and then cut the connection without answering (a lost response).
   */
  readonly deliveryFaults?: readonly (number | 'drop')[];
  /** Bearer token GET requires; undefined: reads are open. */
  readonly token?: string;
  /** Serve HTTPS with this certificate (PEM). */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface FakeFerry {
  readonly url: string;
  readonly deliveries: Delivery[];
  /** Promotions created (not redeliveries). */
  readonly created: string[];
  readonly reads: IncomingHttpHeaders[];
  /** `GET /api/v1/promotions?…` (the token check `--wait` makes before sending). */
  readonly listReads: IncomingHttpHeaders[];
  close(): Promise<void>;
}

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function promotionJson(id: string, state: State, data: Record<string, unknown>) {
  return {
    id,
    rule: 'team-a-to-prod',
    status: state.status,
    reason: state.reason ?? null,
    source: {
      environment: 'nonprod',
      registry: 'reg.nonprod',
      repository: data['image'],
      tag: data['tag'],
      digest: DIGEST,
    },
    destination: { environment: 'prod', registry: 'reg.prod', repository: data['image'], tag: data['tag'] },
    resultDigest: state.status === 'succeeded' ? DIGEST : null,
    requestedBy: 'standard-webhooks#1',
    approvalsRequired: 0,
  };
}

export async function startFakeFerry(options: FakeFerryOptions): Promise<FakeFerry> {
  const deliveries: Delivery[] = [];
  const created: string[] = [];
  const reads: IncomingHttpHeaders[] = [];
  const listReads: IncomingHttpHeaders[] = [];
  const byWebhookId = new Map<string, string>();
  const promotions = new Map<string, { data: Record<string, unknown>; reads: number }>();
  const states = options.states ?? [{ status: 'succeeded' }];
  let url = '';

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const json = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

      if (req.method === 'POST' && req.url === '/hooks/standard') {
        const fault = options.deliveryFaults?.[deliveries.length];
        try {
          verifyStandardWebhook({ headers: req.headers, rawBody: raw, secrets: [options.secret] });
        } catch (err) {
          const code = err instanceof TriggerError ? err.code : 'unknown';
          deliveries.push({ headers: req.headers, body: raw.toString('utf8'), refused: code });
          return json(err instanceof TriggerError ? err.status : 500, {
            code,
            message: err instanceof Error ? err.message : String(err),
          });
        }
        deliveries.push({ headers: req.headers, body: raw.toString('utf8') });
        if (typeof fault === 'number')
          return json(fault, { code: 'FERRY_E_UNAVAILABLE', message: 'try again' });
        const webhookId = String(req.headers['webhook-id']);
        const body = JSON.parse(raw.toString('utf8')) as { data: Record<string, unknown> };
        let id = byWebhookId.get(webhookId);
        const redelivery = id !== undefined;
        if (id === undefined) {
          id = randomUUID();
          byWebhookId.set(webhookId, id);
          promotions.set(id, { data: body.data, reads: 0 });
          created.push(id);
        }
        if (fault === 'drop') {
          res.socket?.destroy();
          return;
        }
        const promotion = promotions.get(id)!;
        return json(redelivery ? 200 : 202, {
          promotion: promotionJson(id, { status: 'queued' }, promotion.data),
          url: `${url}/api/v1/promotions/${id}`,
          created: !redelivery,
        });
      }

      if (req.method === 'GET' && /^\/api\/v1\/promotions(?:\?.*)?$/.test(req.url ?? '')) {
        listReads.push(req.headers);
        if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
          return json(401, { code: 'FERRY_E_API_UNAUTHORIZED', message: 'the API token is not valid' });
        }
        return json(200, { promotions: [], nextCursor: null });
      }

      const match = /^\/api\/v1\/promotions\/([^/]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && match) {
        reads.push(req.headers);
        if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
          return json(401, { code: 'FERRY_E_UNAUTHORIZED', message: 'an API token is required' });
        }
        const id = decodeURIComponent(match[1]!);
        const promotion = promotions.get(id);
        if (!promotion) return json(404, { code: 'FERRY_E_NOT_FOUND', message: 'no such promotion' });
        const state = states[Math.min(promotion.reads, states.length - 1)]!;
        promotion.reads++;
        return json(200, { promotion: promotionJson(id, state, promotion.data), timeline: [] });
      }
      json(404, { code: 'FERRY_E_NOT_FOUND', message: 'not found' });
    });
  };
  const server = options.tls === undefined ? createServer(handler) : createTlsServer(options.tls, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const scheme = options.tls === undefined ? 'http' : 'https';
  url = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    deliveries,
    created,
    reads,
    listReads,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
