import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../errors/codes.ts';
import { FerryError } from '../../errors/ferry-error.ts';
import type { RegistryResponse } from './exchange.ts';
import { SchemeDiscovery } from './scheme-discovery.ts';

const neverPinged = () => Promise.reject(new Error('no ping expected'));

function unhandledRejections(): { list: unknown[]; stop: () => void } {
  const list: unknown[] = [];
  const onRejection = (reason: unknown) => list.push(reason);
  process.on('unhandledRejection', onRejection);
  return { list, stop: () => process.off('unhandledRejection', onRejection) };
}

test('a plain-HTTP attempt failing before the https one settles is not an unhandled rejection', async () => {
  // The end of a no-op copy: the pools are destroyed while a speculative probe (tags list) is still
  // racing; the http attempt fails at once, the https one (TLS handshake) a little later.
  const seen = unhandledRejections();
  try {
    const discovery = new SchemeDiscovery({
      apiHost: 'registry.test:5000',
      tlsVerify: false,
      ping: neverPinged,
    });
    let failHttps!: (err: unknown) => void;
    const destroyed = new FerryError(
      ErrorCode.Network,
      'GET http://registry.test:5000/v2/: The client is destroyed',
    );
    const sending = discovery.send({ method: 'GET', url: '/v2/app/tags/list', scopes: [] }, (base) =>
      base.protocol === 'https:'
        ? new Promise<RegistryResponse>((_, reject) => {
            failHttps = reject;
          })
        : Promise.reject(destroyed),
    );
    // Let the http rejection go unobserved for a full turn of the event loop, as in the real race.
    await new Promise((resolve) => setImmediate(resolve));
    failHttps(
      new FerryError(ErrorCode.Network, 'GET https://registry.test:5000/v2/: The client is destroyed'),
    );
    await assert.rejects(sending, (err: unknown) => err instanceof FerryError);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(seen.list, []);
  } finally {
    seen.stop();
  }
});
