import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, describe, test } from 'node:test';
import { copyImage } from '../../src/copy/execute.ts';
import { ErrorCode } from '../../src/errors/codes.ts';
import { FerryError } from '../../src/errors/ferry-error.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { getManifest as rigGetManifest } from '../rig/rig-client.ts';
import { fastRegistries, fixedKeychain, repoOn } from '../support/library.ts';
import { runFerry } from '../support/run-ferry.ts';

const rig = await withRig({ after }, { anonymous: true });
const anon = rig.anonymous!;
const image = await buildImage({ layers: [300_000], seed: 'transport-security' });
await pushImage(anon, 'sec/app', 'v1', image);

/** Forward a request to the rig registry verbatim (minus hop-by-hop headers we do not need). */
function forward(
  path: string,
  method: string,
  headers: IncomingHttpHeaders,
  res: import('node:http').ServerResponse,
) {
  const upstream = new URL(anon.url);
  const req = httpRequest(
    {
      host: upstream.hostname,
      port: upstream.port,
      path,
      method,
      headers: { ...headers, host: upstream.host },
    },
    (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    },
  );
  req.on('error', () => res.destroy());
  return req;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('transport security', () => {
  test('a blob redirect to another host never carries the registry Authorization', async () => {
    const storageSaw: (string | undefined)[] = [];
    const storage = createServer((req, res) => {
      storageSaw.push(req.headers.authorization);
      const path = (req.url ?? '').replace(/^\/storage/, '');
      forward(path, req.method ?? 'GET', { ...req.headers }, res).end();
    });
    const storageHost = await listen(storage);
    const frontSaw: (string | undefined)[] = [];
    const front = createServer((req, res) => {
      frontSaw.push(req.headers.authorization);
      if (req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '')) {
        // Like registries backed by S3/GCS: 307 to a pre-signed object-storage URL on another host.
        res.writeHead(307, { location: `http://${storageHost}/storage${req.url}?X-Amz-Signature=secret` });
        res.end();
        return;
      }
      const up = forward(req.url ?? '/', req.method ?? 'GET', req.headers, res);
      req.pipe(up);
    });
    const frontHost = await listen(front);

    const registries = fastRegistries();
    after(() => registries.close());
    const endpoint = {
      keychain: fixedKeychain({ kind: 'bearer', token: 'registry-token-123' }),
      tlsVerify: false,
    };
    const source = await registries.repository(endpoint, frontHost, 'sec/app', false);
    // The storage host must be reachable over plain HTTP for this test only.
    const destination = await repoOn(registries, anon, 'sec/redirected', true);
    const result = await copyImage({ source, sourceReference: 'v1', destination, destinationTag: 'v1' });
    assert.equal(result.digest, image.manifestDigest);
    assert.ok(frontSaw.includes('Bearer registry-token-123'), 'the registry itself got the token');
    assert.ok(storageSaw.length >= 2, 'config and layer came from storage');
    assert.deepEqual(
      storageSaw.filter((a) => a !== undefined),
      [],
    );
  });

  test('a plain-HTTP token realm on a host not marked insecure is refused', async () => {
    const realmHits: string[] = [];
    const realm = createServer((req, res) => {
      realmHits.push(req.headers.authorization ?? '');
      res.end('{}');
    });
    const realmHost = await listen(realm);
    const hostile = createServer((_req, res) => {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${realmHost}/token",service="x"` });
      res.end();
    });
    const hostileHost = await listen(hostile);
    const registries = fastRegistries();
    after(() => registries.close());
    // https-verified registry endpoint: only its own host could be insecure, and it is not.
    const endpoint = {
      keychain: fixedKeychain({ kind: 'basic', username: 'u', password: 'p4ssw0rd' }),
      tlsVerify: false,
    };
    const repo = await registries.repository(endpoint, hostileHost, 'x/y', false);
    await assert.rejects(repo.getManifest('v1'), (err: unknown) => {
      assert.ok(err instanceof FerryError);
      assert.equal(err.code, ErrorCode.InsecureRealm);
      return true;
    });
    assert.deepEqual(realmHits, [], 'no credentials were sent to the realm');
  });

  test('HTTP_PROXY is used, NO_PROXY bypasses it', async () => {
    let proxied = 0;
    const proxy = createServer((req, res) => {
      proxied++;
      const target = new URL(req.url ?? '/');
      const up = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: req.method,
          headers: req.headers,
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(up);
    });
    // undici tunnels through the proxy with CONNECT, for http targets too.
    proxy.on('connect', (req, client, head) => {
      proxied++;
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const proxyHost = await listen(proxy);
    const args = ['digest', '--tls-verify=false', `docker://${anon.host}/sec/app:v1`];
    const via = await runFerry(args, { env: { HTTP_PROXY: `http://${proxyHost}` } });
    assert.equal(via.code, 0, via.stderr);
    assert.equal(via.stdout.trim(), image.manifestDigest);
    assert.ok(proxied >= 1, 'requests went through the proxy');
    const before = proxied;
    const bypass = await runFerry(args, {
      env: { HTTP_PROXY: `http://${proxyHost}`, NO_PROXY: '127.0.0.1' },
    });
    assert.equal(bypass.code, 0, bypass.stderr);
    assert.equal(proxied, before, 'NO_PROXY host bypassed the proxy');
  });
});

describe('uploads and referrers', () => {
  test('chunked uploads (forced with --chunk-size) produce the same digest and resume after a dropped PATCH', async () => {
    const big = await buildImage({ layers: [3_000_000], seed: 'chunked' });
    await pushImage(anon, 'chunk/src', 'v1', big);
    const proxy = await rig.startFaultProxy(anon.url);
    proxy.addFault({ method: 'PATCH', path: /\/blobs\/uploads\//, kind: 'reset-mid-request', times: 1 });
    const run = await runFerry([
      'copy',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      '--chunk-size',
      String(1024 * 1024),
      '--json',
      `docker://${anon.host}/chunk/src:v1`,
      `docker://${proxy.host}/chunk/dst:v1`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { digest: string }).digest, big.manifestDigest);
    const patches = proxy.requests.filter((r) => r.method === 'PATCH');
    assert.ok(patches.length >= 4, `3 MB in 1 MiB chunks plus the retried one (saw ${patches.length})`);
    assert.ok(
      proxy.requests.some((r) => r.method === 'GET' && r.path.includes('/blobs/uploads/')),
      'upload status was asked to resume',
    );
    assert.equal((await rigGetManifest(anon, 'chunk/dst', 'v1')).digest, big.manifestDigest);
  });
});
