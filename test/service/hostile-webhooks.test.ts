import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { stringify } from 'yaml';
import { hashToken } from '../../src/service/config/api-tokens.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { withRig } from '../rig/rig.ts';
import { makeTempDir } from '../rig/temp-dir.ts';
import { teardown } from '../support/teardown.ts';
import { startTestServer } from './serve-fixture.ts';

/*
 * More than a thousand hostile requests against every trigger endpoint of a real `ferry serve` with
 * every trigger enabled: forged, stale, replayed-with-changes and unsigned webhooks, wrong secrets and
 * tokens, malformed and oversized bodies, hostile field values, wrong methods and content types. Not
 * one may be answered 5xx, and not one may create a promotion. Signatures are computed here from the
 * Standard Webhooks and GitHub specifications, not with ferry's own signing code.
 */

const cleanup = teardown(after);
const rig = await withRig({ after: cleanup }, { anonymous: true, basicTls: true });
const temp = await makeTempDir('hostile-webhooks');
cleanup(() => temp.remove());

const secrets = {
  standard: `whsec_${randomBytes(24).toString('base64')}`,
  github: randomBytes(20).toString('hex'),
  openshift: randomBytes(12).toString('hex'),
  registry: `Bearer ${randomBytes(16).toString('hex')}`,
  token: `admin-${randomBytes(16).toString('hex')}`,
};
const secretFile = async (name: string, value: string) => {
  const path = join(temp.path, name);
  await writeFile(path, value, { mode: 0o600 });
  return { file: path };
};
const passwordFile = await secretFile('prod-password', rig.basicTls!.password ?? '');
const configPath = join(temp.path, 'ferry.yaml');
await writeFile(
  configPath,
  stringify({
    version: 1,
    server: { dataDir: join(temp.path, 'data') },
    environments: {
      nonprod: { registry: rig.anonymous!.host, tls: { verify: false }, credentials: { anonymous: true } },
      prod: {
        registry: rig.basicTls!.host,
        tls: { certDir: rig.basicTls!.certDir },
        credentials: { username: rig.basicTls!.username, password: passwordFile },
      },
    },
    promotions: [{ name: 'app', from: 'nonprod:team/*', to: 'prod:team/*', tags: 'v[0-9]+' }],
    triggers: {
      api: { enabled: true },
      standardWebhooks: { enabled: true, secrets: [await secretFile('standard', secrets.standard)] },
      github: { enabled: true, secrets: [await secretFile('github', secrets.github)] },
      openshift: { enabled: true, secrets: [await secretFile('openshift', secrets.openshift)] },
      distribution: {
        enabled: true,
        authorization: await secretFile('distribution', secrets.registry),
        environment: 'nonprod',
      },
      harbor: {
        enabled: true,
        authorization: await secretFile('harbor', secrets.registry),
        environment: 'nonprod',
      },
    },
    apiTokens: [{ name: 'ops', role: 'admin', sha256: hashToken(secrets.token) }],
  }),
);
// A real image the hostile requests name, so a request that slipped through would really promote.
const image = await buildImage({ layers: [4_000], seed: 'hostile' });
await pushImage(rig.anonymous!, 'team/app', 'v1', image);

const server = await startTestServer(configPath);
cleanup(() => server.close(0));

interface Attempt {
  readonly what: string;
  readonly method?: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

/** Standard Webhooks: v1 = base64 HMAC-SHA256 over `id.timestamp.body` with the decoded secret. */
function standardHeaders(body: string, options: { secret?: string; id?: string; timestamp?: number } = {}) {
  const id = options.id ?? `msg_${randomBytes(8).toString('hex')}`;
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const key = Buffer.from((options.secret ?? secrets.standard).replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}

const standardBody = (data: Record<string, unknown>) =>
  JSON.stringify({ type: 'promotion.requested', timestamp: new Date().toISOString(), data });

const HOSTILE_VALUES = [
  '../../etc/passwd',
  'team/app:v1@sha256:00',
  'UPPER/Case',
  'a'.repeat(300),
  '',
  ' ',
  'team/app\nX-Injected: 1',
  // A log4j-style lookup, literally (not a template).
  ['$', '{jndi:ldap://x}'].join(''),
  '%2e%2e%2f',
  'team//app',
  '\u0000',
  '<script>',
  'v1; rm -rf /',
  'sha256:zz',
  '-v1',
];

function attempts(): Attempt[] {
  const list: Attempt[] = [];
  const valid = standardBody({ image: 'team/app', tag: 'v1', from: 'nonprod' });
  for (let i = 0; i < 66; i++) {
    list.push({
      what: 'standard unsigned',
      path: '/hooks/standard',
      headers: { 'content-type': 'application/json' },
      body: valid,
    });
    list.push({
      what: 'standard wrong secret',
      path: '/hooks/standard',
      headers: standardHeaders(valid, { secret: `whsec_${randomBytes(24).toString('base64')}` }),
      body: valid,
    });
    list.push({
      what: 'standard stale',
      path: '/hooks/standard',
      headers: standardHeaders(valid, { timestamp: Math.floor(Date.now() / 1000) - 3600 }),
      body: valid,
    });
    list.push({
      what: 'standard future',
      path: '/hooks/standard',
      headers: standardHeaders(valid, { timestamp: Math.floor(Date.now() / 1000) + 3600 }),
      body: valid,
    });
    // Signed, then changed on the way.
    list.push({
      what: 'standard tampered',
      path: '/hooks/standard',
      headers: standardHeaders(valid),
      body: valid.replace('v1', 'v2'),
    });
    list.push({
      what: 'github unsigned',
      path: '/hooks/github',
      headers: { 'content-type': 'application/json', 'x-github-event': 'registry_package' },
      body: '{}',
    });
    list.push({
      what: 'github forged',
      path: '/hooks/github',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'registry_package',
        'x-hub-signature-256': `sha256=${createHmac('sha256', 'guess').update('{}').digest('hex')}`,
      },
      body: '{}',
    });
    list.push({
      what: 'openshift wrong secret',
      path: `/hooks/openshift/${randomBytes(12).toString('hex')}/generic`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        env: [
          { name: 'IMAGE_NAME', value: 'team/app' },
          { name: 'IMAGE_TAG', value: 'v1' },
        ],
      }),
    });
    list.push({
      what: 'distribution no authorization',
      path: '/hooks/registry/distribution',
      headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json' },
      body: JSON.stringify({
        events: [
          { action: 'push', target: { repository: 'team/app', tag: 'v1', digest: image.manifestDigest } },
        ],
      }),
    });
    list.push({
      what: 'harbor wrong authorization',
      path: '/hooks/registry/harbor',
      headers: { 'content-type': 'application/json', authorization: 'Bearer nope' },
      body: JSON.stringify({
        type: 'PUSH_ARTIFACT',
        event_data: {
          repository: { repo_full_name: 'team/app' },
          resources: [{ tag: 'v1', digest: image.manifestDigest }],
        },
      }),
    });
    list.push({
      what: 'api no token',
      path: '/api/v1/promotions',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: { environment: 'nonprod', repository: 'team/app', tag: 'v1' } }),
    });
    list.push({
      what: 'api wrong token',
      path: '/api/v1/promotions',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${randomBytes(16).toString('hex')}`,
      },
      body: '{}',
    });
  }
  // Correctly signed and authorized, with hostile contents: refused by validation, never promoted.
  for (const value of HOSTILE_VALUES) {
    for (const field of ['image', 'tag', 'from'] as const) {
      const body = standardBody({ image: 'team/app', tag: 'v1', from: 'nonprod', [field]: value });
      list.push({
        what: `standard signed, hostile ${field}`,
        path: '/hooks/standard',
        headers: standardHeaders(body),
        body,
      });
    }
    for (const field of ['repository', 'tag', 'environment', 'digest'] as const) {
      const source: Record<string, string> = {
        environment: 'nonprod',
        repository: 'team/app',
        tag: 'v1',
        [field]: value,
      };
      list.push({
        what: `api hostile ${field}`,
        path: '/api/v1/promotions',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.token}` },
        body: JSON.stringify({ source }),
      });
    }
    const openshift = JSON.stringify({
      env: [
        { name: 'IMAGE_NAME', value },
        { name: 'IMAGE_TAG', value },
      ],
    });
    list.push({
      what: 'openshift right secret, hostile values',
      path: `/hooks/openshift/${secrets.openshift}/generic`,
      headers: { 'content-type': 'application/json' },
      body: openshift,
    });
    list.push({
      what: 'distribution authorized, hostile values',
      path: '/hooks/registry/distribution',
      headers: {
        'content-type': 'application/vnd.docker.distribution.events.v1+json',
        authorization: secrets.registry,
      },
      body: JSON.stringify({
        events: [
          {
            id: randomBytes(4).toString('hex'),
            action: 'push',
            target: {
              repository: value,
              tag: value,
              digest: value,
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
            },
            request: { host: rig.anonymous!.host },
          },
        ],
      }),
    });
  }
  // Malformed bodies, signed so that parsing is what must hold.
  const malformed = [
    '{',
    '[]',
    'null',
    '"x"',
    '{"type":1}',
    '{"data":[]}',
    '\u00ff\u00fe',
    '{"a":'.repeat(2000),
    '1e999999',
    '{"__proto__":{"polluted":true}}',
  ];
  for (const body of malformed) {
    list.push({
      what: 'standard signed, malformed',
      path: '/hooks/standard',
      headers: standardHeaders(body),
      body,
    });
    list.push({
      what: 'api malformed',
      path: '/api/v1/promotions',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.token}` },
      body,
    });
    list.push({
      what: 'openshift malformed',
      path: `/hooks/openshift/${secrets.openshift}/generic`,
      headers: { 'content-type': 'application/json' },
      body,
    });
  }
  const big = Buffer.alloc(3 * 1024 * 1024, 0x61);
  list.push({
    what: 'oversized standard',
    path: '/hooks/standard',
    headers: { 'content-type': 'application/json' },
    body: big,
  });
  list.push({
    what: 'oversized api',
    path: '/api/v1/promotions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.token}` },
    body: big,
  });
  for (const path of [
    '/hooks/standard',
    '/hooks/github',
    '/api/v1/promotions',
    '/hooks/registry/harbor',
    '/hooks/../api/v1/promotions',
    '/hooks/openshift//generic',
    '/%2e%2e/etc/passwd',
    '/api/v1/promotions/../../x',
  ]) {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])
      list.push({ what: `${method} ${path}`, method, path });
    list.push({ what: `xml ${path}`, path, headers: { 'content-type': 'application/xml' }, body: '<a/>' });
  }
  return list;
}

test('1,000+ hostile requests: no 5xx, no promotion, the service still healthy', async () => {
  const list = attempts();
  assert.ok(list.length >= 1_000, `only ${list.length} requests`);
  const statuses = new Map<number, number>();
  const serverErrors: string[] = [];
  // 8 at a time: hostile traffic arrives concurrently.
  for (let i = 0; i < list.length; i += 8) {
    await Promise.all(
      list.slice(i, i + 8).map(async (attempt) => {
        const answer = await fetch(`${server.url}${attempt.path}`, {
          method: attempt.method ?? 'POST',
          headers: attempt.headers ?? {},
          ...(attempt.body === undefined ? {} : { body: attempt.body }),
        });
        const text = await answer.text();
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status >= 500)
          serverErrors.push(`${attempt.what}: ${answer.status} ${text.slice(0, 200)}`);
        assert.ok(!text.includes('    at '), `${attempt.what}: a stack trace in the answer`);
      }),
    );
  }
  console.log(`hostile requests: ${list.length}; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  assert.deepEqual(serverErrors, []);
  const promotions = await fetch(`${server.url}/api/v1/promotions`, {
    headers: { authorization: `Bearer ${secrets.token}` },
  });
  assert.equal(promotions.status, 200);
  assert.deepEqual(((await promotions.json()) as { promotions: unknown[] }).promotions, []);
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
