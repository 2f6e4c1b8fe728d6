import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { after, test } from 'node:test';
import { Agent, request } from 'undici';
import {
  buildCosignSignature,
  buildImage,
  buildIndex,
  MEDIA_TYPES,
  pushImage,
  sha256Digest,
} from './fixtures.ts';
import { startRig, withRig } from './rig.ts';
import { getManifest, openSession } from './rig-client.ts';
import { runSkopeo, skopeoAuths, skopeoDigest, skopeoInspect, skopeoTlsFlags } from './skopeo.ts';

const rig = await withRig({ after });
const anonymous = rig.anonymous!;
const basicTls = rig.basicTls!;
const token = rig.token!;

const image = await buildImage({ layers: [4096, 300_000], seed: 'rig-self-test' });
const multi = buildIndex(
  [
    await buildImage({ layers: [2048], seed: 'multi', platform: { os: 'linux', architecture: 'amd64' } }),
    await buildImage({
      layers: [2048],
      seed: 'multi',
      format: 'oci',
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
    }),
  ],
  { oci: true },
);

test('each registry kind answers /v2/ with the configured auth', async () => {
  const probe = async (url: string, ca?: string) => {
    const dispatcher = new Agent({ connect: ca ? { ca } : {} });
    try {
      const res = await request(`${url}/v2/`, { dispatcher });
      await res.body.dump();
      return { status: res.statusCode, challenge: res.headers['www-authenticate'] };
    } finally {
      await dispatcher.close();
    }
  };
  assert.equal((await probe(anonymous.url)).status, 200);
  const basic = await probe(basicTls.url, basicTls.caPem);
  assert.equal(basic.status, 401);
  assert.match(String(basic.challenge), /^Basic realm=/);
  const bearer = await probe(token.url);
  assert.equal(bearer.status, 401);
  assert.equal(String(bearer.challenge), `Bearer realm="${rig.issuer!.realm}",service="${token.service}"`);
  // The rig's own credentials work everywhere.
  for (const reg of [basicTls, token]) {
    const session = openSession(reg);
    try {
      assert.equal((await session.send('GET', '/v2/', { repo: 'x' })).status, 200);
    } finally {
      await session.close();
    }
  }
});

test('pushImage and skopeo agree on digests for an image, a multi-arch index and a cosign signature', async () => {
  const sig = buildCosignSignature(image.manifestDigest, `${anonymous.host}/app`);
  await Promise.all(
    [anonymous, basicTls, token].map(async (reg) => {
      assert.equal(await pushImage(reg, 'app', 'v1', image), image.manifestDigest);
      assert.equal(await pushImage(reg, 'multi', 'v1', multi), multi.manifestDigest);
      await pushImage(reg, 'app', sig.tag!, sig);
      const auths = skopeoAuths(
        [reg],
        reg === token ? { [token.host]: { username: 'anyuser', password: rig.saToken! } } : {},
      );
      assert.equal(await skopeoDigest(`${reg.host}/app:v1`, { registry: reg, auths }), image.manifestDigest);
      assert.equal(
        await skopeoDigest(`${reg.host}/multi:v1`, { registry: reg, auths }),
        multi.manifestDigest,
      );
      assert.equal(
        await skopeoDigest(`${reg.host}/app:${sig.tag}`, { registry: reg, auths }),
        sig.manifestDigest,
      );
      const info = await skopeoInspect(`${reg.host}/app:v1`, { registry: reg, auths });
      assert.equal(info['Digest'], image.manifestDigest);
      assert.deepEqual(
        info['Layers'],
        image.layers.map((l) => l.digest),
      );
    }),
  );
  // skopeo can push into the rig too (the comparison baseline): anonymous → token registry, all arches.
  const copy = await runSkopeo(
    [
      'copy',
      '--all',
      '--preserve-digests',
      ...skopeoTlsFlags(anonymous, 'src'),
      ...skopeoTlsFlags(token, 'dest'),
      `docker://${anonymous.host}/multi:v1`,
      `docker://${token.host}/copied:v1`,
    ],
    { auths: { [token.host]: { username: 'anyuser', password: rig.saToken! } } },
  );
  assert.equal(copy.code, 0, copy.stderr);
  assert.equal((await getManifest(token, 'copied', 'v1')).digest, multi.manifestDigest);
  // `--creds` in argv also works for the token registry (OpenShift service-account style).
  const viaCreds = await skopeoInspect(`${token.host}/multi:v1`, {
    raw: true,
    flags: ['--creds', `anyuser:${rig.saToken}`, ...skopeoTlsFlags(token)],
  });
  assert.equal(viaCreds['mediaType'], MEDIA_TYPES.ociIndex);
  // The arm64 child is reachable by digest, and the stored bytes are exactly ours.
  const arm = await getManifest(basicTls, 'multi', multi.images[1]!.manifestDigest);
  assert.equal(arm.status, 200);
  assert.equal(sha256Digest(arm.bytes), multi.images[1]!.manifestDigest);
  assert.equal(arm.mediaType, MEDIA_TYPES.ociManifest);
});

test('token issuer: logs scopes, counts requests, supports rotation, anonymous and OAuth2 refresh', async () => {
  // A private token registry (own issuer) so rotating tokens cannot disturb other tests.
  const reg = await rig.startRegistry({ auth: 'token' });
  const issuer = reg.issuer!;
  const saToken = issuer.addServiceAccountToken();
  await pushImage(reg, 'team/app', 'v1', image);
  const ref = `${reg.host}/team/app:v1`;
  const opts = (password: string) => ({
    registry: reg,
    auths: { [reg.host]: { username: 'ci-pusher', password } },
  });

  issuer.resetStats();
  assert.equal(await skopeoDigest(ref, opts(saToken)), image.manifestDigest);
  assert.equal(issuer.stats.requests, 1, 'one skopeo run fetches one token');
  assert.deepEqual(issuer.log[0]?.scopes, ['repository:team/app:pull']);
  assert.equal(issuer.log[0]?.username, 'ci-pusher');

  const rotated = issuer.rotate();
  await assert.rejects(skopeoDigest(ref, opts(saToken)), /unauthorized|401/i);
  assert.equal(await skopeoDigest(ref, opts(rotated)), image.manifestDigest);
  assert.equal(issuer.stats.rejected, 1);

  // Anonymous: a token without access by default (registry then says 401), pull when allowed.
  await assert.rejects(skopeoDigest(ref, { registry: reg }), /unauthorized|401|denied/i);
  issuer.allowAnonymousPull = true;
  assert.equal(await skopeoDigest(ref, { registry: reg }), image.manifestDigest);
  issuer.allowAnonymousPull = false;

  // 2.8 accepts expired tokens for 60 s of leeway; well past it they are refused.
  const session = openSession({ url: reg.url });
  try {
    const access = [{ type: 'repository', name: 'team/app', actions: ['pull'] }];
    const get = async (jwt: string) =>
      session.send('GET', '/v2/team/app/manifests/v1', {
        headers: { authorization: `Bearer ${jwt}`, accept: MEDIA_TYPES.dockerManifest },
      });
    assert.equal((await get(issuer.mintToken(access, { service: reg.service }))).status, 200);
    const expired = await get(issuer.mintToken(access, { service: reg.service, clockOffsetSeconds: -3600 }));
    assert.equal(expired.status, 401);
    assert.match(String(expired.headers['www-authenticate']), /error="invalid_token"/);
    const wrongAudience = await get(issuer.mintToken(access, { service: 'someone-else' }));
    assert.equal(wrongAudience.status, 401);
  } finally {
    await session.close();
  }

  // OAuth2 POST: password grant with access_type=offline yields a refresh token that works.
  const form = (fields: Record<string, string>) =>
    request(issuer.realm, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const pw = await form({
    grant_type: 'password',
    username: 'u',
    password: rotated,
    service: reg.service!,
    scope: 'repository:team/app:pull',
    access_type: 'offline',
    client_id: 'ferry',
  });
  const pwBody = (await pw.body.json()) as { refresh_token?: string; access_token?: string };
  assert.equal(pw.statusCode, 200);
  assert.ok(pwBody.refresh_token && pwBody.access_token);
  const refreshed = await form({
    grant_type: 'refresh_token',
    refresh_token: pwBody.refresh_token,
    service: reg.service!,
    scope: 'repository:team/app:pull',
    client_id: 'ferry',
  });
  assert.equal(refreshed.statusCode, 200);
  await refreshed.body.dump();
  assert.equal(
    await skopeoDigest(ref, {
      registry: reg,
      auths: { [reg.host]: { identityToken: pwBody.refresh_token } },
    }),
    image.manifestDigest,
  );
});

test('fault proxy: uploads go through it (Location rewritten, https upstream) and skopeo works via it', async () => {
  const proxy = await rig.startFaultProxy(basicTls.url, { caPem: basicTls.caPem });
  const viaProxy = { ...basicTls, url: proxy.url, caPem: undefined };
  const session = openSession(viaProxy);
  try {
    const start = await session.send('POST', '/v2/proxied/blobs/uploads/', { repo: 'proxied' });
    assert.equal(start.status, 202);
    assert.ok(String(start.headers['location']).startsWith(`${proxy.url}/v2/proxied/blobs/uploads/`));
    await session.send('DELETE', String(start.headers['location']), { repo: 'proxied' });
  } finally {
    await session.close();
  }
  await pushImage(viaProxy, 'proxied', 'v1', image);
  const puts = proxy.requests.filter((r) => r.method === 'PUT' && r.path.includes('/blobs/uploads/'));
  assert.equal(puts.length, image.blobs.length, 'every blob PUT went through the proxy');
  assert.ok(puts.every((r) => r.status === 201));

  const digest = await skopeoDigest(`${proxy.host}/proxied:v1`, {
    registry: { host: proxy.host, tls: false },
    auths: skopeoAuths([{ ...basicTls, host: proxy.host }]),
  });
  assert.equal(digest, image.manifestDigest);
});

test('fault proxy: status, 429, corrupt, reset, delay', async () => {
  const proxy = await rig.startFaultProxy(anonymous.url);
  const target = { url: proxy.url };
  const session = openSession(target);
  const layer = image.layers[1]!;
  const blobPath = `/v2/app/blobs/${layer.digest}`;
  try {
    const manifestPath = '/v2/app/manifests/v1';
    const accept = { accept: MEDIA_TYPES.dockerManifest };
    const rule = proxy.addFault({ method: 'GET', path: /\/manifests\/v1$/, kind: 'status', status: 500 });
    const failed = await session.send('GET', manifestPath, { headers: accept });
    assert.equal(failed.status, 500);
    assert.equal((JSON.parse(failed.body.toString()) as { errors: unknown[] }).errors.length, 1);
    assert.equal((await session.send('GET', manifestPath, { headers: accept })).status, 200);
    assert.equal(rule.hits, 1);

    proxy.addFault({ path: /\/manifests\//, kind: '429', retryAfter: 2 });
    const limited = await session.send('GET', manifestPath, { headers: accept });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '2');
    assert.match(String(limited.headers['content-type']), /^text\/plain/);

    proxy.addFault({ method: 'GET', path: /\/blobs\/sha256:/, kind: 'corrupt' });
    const corrupt = await session.send('GET', blobPath);
    assert.equal(corrupt.status, 200);
    assert.equal(corrupt.body.length, layer.size);
    assert.equal(corrupt.headers['content-length'], String(layer.size));
    assert.notEqual(sha256Digest(corrupt.body), layer.digest);
    assert.equal(sha256Digest((await session.send('GET', blobPath)).body), layer.digest);

    proxy.addFault({ method: 'GET', path: /\/blobs\/sha256:/, kind: 'reset-mid-body' });
    await assert.rejects(session.send('GET', blobPath));
    proxy.addFault({ path: /\/blobs\//, kind: 'reset', rst: true });
    await assert.rejects(session.send('GET', blobPath));
    assert.equal(sha256Digest((await session.send('GET', blobPath)).body), layer.digest);

    proxy.addFault({ path: /^\/v2\/$/, kind: 'delay', delayMs: 150 });
    const t0 = performance.now();
    assert.equal((await session.send('GET', '/v2/')).status, 200);
    assert.ok(performance.now() - t0 >= 140);

    // An upload cut half way: the client sees an error and the blob does not exist.
    const blob = {
      ...layer,
      digest: sha256Digest(Buffer.alloc(200_000, 1)),
      bytes: Buffer.alloc(200_000, 1),
      size: 200_000,
    };
    proxy.addFault({ method: 'PUT', path: /\/blobs\/uploads\//, kind: 'reset-mid-request' });
    await assert.rejects(pushImage(target, 'cut', 'v1', { ...image, blobs: [blob], layers: [blob] }));
    assert.equal((await session.send('HEAD', `/v2/cut/blobs/${blob.digest}`)).status, 404);
  } finally {
    await session.close();
  }
  assert.deepEqual(
    proxy.requests.filter((r) => r.fault).map((r) => r.fault),
    ['status', '429', 'corrupt', 'reset-mid-body', 'reset', 'delay', 'reset-mid-request'],
  );
});

test('latency proxy adds >= 50 ms per round trip, keeps throughput, and passes TLS through', async () => {
  const timeGet = async (url: string, ca?: string) => {
    const dispatcher = new Agent({ connect: ca ? { ca } : {} });
    try {
      await (await request(url, { dispatcher })).body.dump(); // connection set-up excluded
      const t0 = performance.now();
      await (await request(url, { dispatcher })).body.dump();
      return performance.now() - t0;
    } finally {
      await dispatcher.close();
    }
  };
  const plain = await rig.startLatencyProxy(anonymous.host, { delayMs: 25 });
  const direct = await timeGet(`${anonymous.url}/v2/`);
  const delayed = await timeGet(`http://${plain.host}/v2/`);
  assert.ok(delayed >= 50, `round trip through proxy took ${delayed} ms`);
  assert.ok(direct < 25, `direct round trip took ${direct} ms`);

  // 8 MiB would need 8 MiB/chunk × 50 ms if the proxy serialised waits; a delay line stays fast.
  const big = await rig.buildImage({ layers: [8 * 1024 * 1024], seed: 'latency', gzipLevel: 0 });
  await pushImage(anonymous, 'big', 'v1', big);
  const bigBlob = `/v2/big/blobs/${big.layers[0]!.digest}`;
  const viaProxy = openSession({ url: `http://${plain.host}` });
  try {
    const t0 = performance.now();
    const got = await viaProxy.send('GET', bigBlob);
    const took = performance.now() - t0;
    assert.equal(sha256Digest(got.body), big.layers[0]!.digest);
    assert.ok(took < 1500, `8 MiB through the delay line took ${took} ms`);
  } finally {
    await viaProxy.close();
  }

  const tls = await rig.startLatencyProxy(basicTls.host, { delayMs: 25 });
  const tlsTime = await timeGet(`https://${tls.host}/v2/`, basicTls.caPem);
  assert.ok(tlsTime >= 50);
});

test('stop() kills every process and removes every temp dir', async () => {
  const mini = await startRig({ anonymous: true, token: true });
  const regs = [mini.anonymous!, mini.token!];
  const pids = regs.map((r) => r.pid);
  const dirs = [mini.dir, ...regs.map((r) => r.storageDir)];
  const ports = [...regs.map((r) => r.port), Number(new URL(mini.issuer!.url).port)];
  const proxy = await mini.startFaultProxy(regs[0]!.url);
  ports.push(proxy.port);
  for (const d of dirs) assert.ok(existsSync(d));
  await mini.stop();
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  if (process.env['FERRY_RIG_KEEP'] !== '1') for (const d of dirs) assert.equal(existsSync(d), false, d);
  for (const port of ports) {
    await assert.rejects(
      new Promise<void>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => {
          s.destroy();
          resolve();
        });
        s.once('error', reject);
      }),
      { code: 'ECONNREFUSED' },
    );
  }
});

test('fixtures are deterministic per seed and layers are real gzip’d tars', async () => {
  const a = await buildImage({ layers: [10_000], seed: 7, format: 'oci' });
  const b = await buildImage({ layers: [10_000], seed: 7, format: 'oci' });
  const c = await buildImage({ layers: [10_000], seed: 8, format: 'oci' });
  assert.equal(a.manifestDigest, b.manifestDigest);
  assert.notEqual(a.manifestDigest, c.manifestDigest);
  assert.equal(a.mediaType, MEDIA_TYPES.ociManifest);
  const { gunzipSync } = await import('node:zlib');
  const tar = gunzipSync(a.layers[0]!.bytes!);
  assert.equal(tar.length % 512, 0);
  assert.equal(tar.subarray(257, 262).toString(), 'ustar');
  assert.equal(parseInt(tar.subarray(124, 135).toString(), 8), 10_000);
  const diffIds = (a.config['rootfs'] as { diff_ids: string[] }).diff_ids;
  assert.equal(diffIds[0], `sha256:${createHash('sha256').update(tar).digest('hex')}`);
  // Large layers go to disk (under the rig dir), not memory.
  const big = await rig.buildImage({ layers: [9 * 1024 * 1024], seed: 9 });
  assert.ok(big.layers[0]!.path && !big.layers[0]!.bytes);
});
