import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import type { RegistryRequest, RegistryResponse } from './exchange.ts';
import { SchemeDiscovery } from './scheme-discovery.ts';

/** A response whose body only records that it was drained. */
function answer(status: number, base: URL, drained: string[]): RegistryResponse {
  const body = {
    dump: async () => {
      drained.push(`${base.protocol}${status}`);
    },
  } as unknown as RegistryResponse['body'];
  return { status, headers: {}, body, url: base };
}

function socketError(code: string): FerryError {
  return new FerryError(ErrorCode.Network, `socket: ${code}`, {
    cause: Object.assign(new Error(code), { code }),
    temporary: true,
  });
}

type Outcome = number | FerryError;

/** sendAt that answers per scheme, recording the schemes asked. */
function fakeSend(https: Outcome, http: Outcome, asked: string[], drained: string[]) {
  return (base: URL): Promise<RegistryResponse> => {
    asked.push(base.protocol);
    const outcome = base.protocol === 'https:' ? https : http;
    return typeof outcome === 'number'
      ? Promise.resolve(answer(outcome, base, drained))
      : Promise.reject(outcome);
  };
}

const get: RegistryRequest = { method: 'GET', url: '/v2/a/manifests/v1', scopes: [] };

function discovery(ping?: (base: URL) => Promise<RegistryResponse>, tlsVerify = false) {
  return new SchemeDiscovery({
    apiHost: 'registry.example:5000',
    tlsVerify,
    ping: ping ?? (() => Promise.reject(new Error('no ping expected'))),
  });
}

describe('SchemeDiscovery', () => {
  test('https that answers wins; the plain-HTTP answer is drained, never left open', async () => {
    const asked: string[] = [];
    const drained: string[] = [];
    const d = discovery();
    const res = await d.send(get, fakeSend(200, 400, asked, drained));
    assert.equal(res.url.protocol, 'https:');
    assert.equal(d.known?.protocol, 'https:');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(drained, ['http:400']);
    // Known now: one request, one scheme.
    asked.length = 0;
    await d.send(get, fakeSend(200, 200, asked, drained));
    assert.deepEqual(asked, ['https:']);
  });

  test('a TLS record error (the port speaks plain HTTP) selects http', async () => {
    const d = discovery();
    const res = await d.send(get, fakeSend(socketError('ERR_SSL_WRONG_VERSION_NUMBER'), 200, [], []));
    assert.equal(res.url.protocol, 'http:');
    assert.equal(d.known?.protocol, 'http:');
  });

  test('an https reset with a real plain-HTTP answer selects http (a server that just closes on TLS)', async () => {
    const d = discovery();
    const res = await d.send(get, fakeSend(socketError('ECONNRESET'), 401, [], []));
    assert.equal(res.url.protocol, 'http:');
  });

  test('an https reset while http says "HTTP request to an HTTPS server" (400) is the https failure, not a downgrade', async () => {
    const drained: string[] = [];
    const d = discovery();
    await assert.rejects(
      d.send(get, fakeSend(socketError('ECONNRESET'), 400, [], drained)),
      (err: unknown) => err instanceof FerryError && /ECONNRESET/.test(err.message) && err.temporary,
    );
    assert.equal(d.known, undefined);
    assert.deepEqual(drained, ['http:400']);
  });

  test("both fail: https's error, or http's when https proved the port speaks plain HTTP", async () => {
    await assert.rejects(
      discovery().send(get, fakeSend(socketError('ECONNREFUSED'), socketError('ECONNREFUSED'), [], [])),
      /ECONNREFUSED/,
    );
    await assert.rejects(
      discovery().send(get, fakeSend(socketError('EPROTO'), socketError('ETIMEDOUT'), [], [])),
      /ETIMEDOUT/,
    );
  });

  test('a late failure of the losing attempt is handled (no unhandled rejection)', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      const d = discovery();
      const res = await d.send(get, (base) =>
        base.protocol === 'https:'
          ? Promise.resolve(answer(200, base, []))
          : new Promise((_, reject) => setTimeout(() => reject(socketError('ECONNRESET')), 5)),
      );
      assert.equal(res.status, 200);
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('a plain-HTTP attempt failing before the https one settles is handled (pools destroyed mid-race)', async () => {
    // The end of a no-op copy: the pools are destroyed while a speculative probe is still racing; the
    // http attempt fails at once, the https one (TLS handshake) a little later.
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      let failHttps!: (err: unknown) => void;
      const sending = discovery().send(get, (base) =>
        base.protocol === 'https:'
          ? new Promise<RegistryResponse>((_, reject) => {
              failHttps = reject;
            })
          : Promise.reject(socketError('UND_ERR_DESTROYED')),
      );
      // The http rejection stays unobserved for a full turn of the event loop, as in the real race.
      await new Promise((r) => setImmediate(r));
      failHttps(socketError('UND_ERR_DESTROYED'));
      await assert.rejects(sending, (err: unknown) => err instanceof FerryError);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  test('requests with credentials or a body never go out twice: they wait for one shared ping', async () => {
    let pings = 0;
    const drained: string[] = [];
    const d = discovery((base) => {
      pings++;
      return base.protocol === 'https:'
        ? Promise.reject(socketError('EPROTO'))
        : Promise.resolve(answer(200, base, drained));
    });
    const asked: string[] = [];
    const send = fakeSend(200, 200, asked, []);
    const withAuth = { ...get, headers: { authorization: 'Basic x' } };
    const withBody: RegistryRequest = {
      method: 'PUT',
      url: '/v2/a/manifests/v1',
      scopes: [],
      body: Buffer.from('{}'),
    };
    const [a, b] = await Promise.all([d.send(withAuth, send), d.send(withBody, send)]);
    assert.equal(a.url.protocol, 'http:');
    assert.equal(b.url.protocol, 'http:');
    assert.equal(pings, 2); // one ping, raced over both schemes
    assert.deepEqual(asked, ['http:', 'http:']);
    assert.deepEqual(drained, ['http:200']);
  });

  test('with verification on, https is known at once and nothing is raced', async () => {
    const asked: string[] = [];
    const d = discovery(undefined, true);
    assert.equal(d.known?.href, 'https://registry.example:5000/');
    await d.send(get, fakeSend(200, 200, asked, []));
    assert.deepEqual(asked, ['https:']);
  });
});
