import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashToken } from './api-tokens.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { memoryFiles } from './config-fixture.ts';
import { parseConfig } from './load-config.ts';

const BASE = `server:
  publicUrl: https://ferry.example.com
environments:
  nonprod: { registry: registry.nonprod.example, credentials: { anonymous: true } }
  prod: { registry: registry.prod.example, credentials: { anonymous: true } }
promotions:
  - { name: payments, from: "nonprod:payments/*", to: "prod:payments/*", tags: "v.+", approvals: { required: 2 } }
apiTokens:
  - { name: ci, role: promoter, sha256: ${hashToken('ci-token')} }
`;

const OIDC = `auth:
  oidc:
    issuer: https://login.example.com/realms/corp/
    clientId: ferry
    clientSecret: { file: /secrets/oidc }
    roles:
      viewer: { anyone: true }
      approver: [ { groups: [release-managers] }, { groups: [payments], promotions: [payments] } ]
      admin: { emails: [Carol@Example.com] }
`;

const FILES = { '/secrets/oidc': 'client-secret\n', '/secrets/session': 'k'.repeat(40) };

function parse(text: string) {
  return parseConfig(text, { file: '/etc/ferry/ferry.yaml', env: {}, ...memoryFiles(FILES) });
}

async function problems(text: string): Promise<ConfigProblem[]> {
  try {
    await parse(text);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

describe('auth in ferry.yaml', () => {
  test('no auth section: no sign-in, a default session', async () => {
    const { config } = await parse(BASE.replace('required: 2', 'required: 0'));
    assert.equal(config.auth.oidc, undefined);
    assert.deepEqual(config.auth.session, { ttlSeconds: 8 * 3600 });
  });

  test('the OIDC section parses with its defaults; matchers become lists; emails lower-case', async () => {
    const { config } = await parse(`${BASE}${OIDC}`);
    const oidc = config.auth.oidc!;
    assert.equal(oidc.issuer, 'https://login.example.com/realms/corp', 'trailing slash dropped');
    assert.deepEqual(oidc.scopes, ['openid', 'email', 'profile']);
    assert.equal(oidc.groupsClaim, 'groups');
    assert.deepEqual(oidc.clientSecret, { file: '/secrets/oidc' });
    assert.deepEqual(oidc.roles.viewer, [{ anyone: true }]);
    assert.equal(oidc.roles.approver?.length, 2);
    assert.deepEqual(oidc.roles.admin, [{ emails: ['carol@example.com'] }]);
  });

  test('a rule needing two approvers is fine when people may approve it', async () => {
    // BASE has no approver token at all: without the role mapping this is a config error.
    const without = await problems(BASE);
    assert.match(without.map((p) => p.message).join('\n'), /needs 2 distinct approvers/);
    await parse(`${BASE}${OIDC}`);
  });

  test('rule approvers name tokens by plain name and people by group, email or subject', async () => {
    const approvers =
      'approvers: [ci-bot, { token: deploy }, { group: release-managers }, { email: Carol@Example.com }, { subject: u-7f3a } ]';
    const text = `${BASE.replace('approvals: { required: 2 }', `approvals: { required: 2, ${approvers} }`)}  - { name: ci-bot, role: approver, sha256: ${hashToken('b'.repeat(20))} }
  - { name: deploy, role: approver, sha256: ${hashToken('d'.repeat(20))} }
${OIDC}`;
    const { config } = await parse(text);
    assert.deepEqual(config.promotions[0]?.approvals.approvers, [
      { kind: 'token', value: 'ci-bot' },
      { kind: 'token', value: 'deploy' },
      { kind: 'group', value: 'release-managers' },
      { kind: 'email', value: 'carol@example.com' },
      { kind: 'subject', value: 'u-7f3a' },
    ]);
  });

  test('a rule approver entry that is not one token, group, email or subject is named', async () => {
    const withApprovers = (list: string) =>
      problems(
        `${BASE.replace('approvals: { required: 2 }', `approvals: { required: 2, approvers: ${list} }`)}${OIDC}`,
      );
    const at = (found: ConfigProblem[]) => found.map((p) => `${p.path}: ${p.message}`).join('\n');
    assert.match(
      at(await withApprovers('[ { group: a, email: b@example.com } ]')),
      /approvers\[0\].*must name one approver: one of token, group, email, subject \(not group and email\)/,
    );
    assert.match(
      at(await withApprovers('[ { email: not-an-address } ]')),
      /approvers\[0\]\.email.*email address/,
    );
    assert.match(at(await withApprovers('[ { team: a } ]')), /approvers\[0\]/);
    assert.match(at(await withApprovers('[ { token: "Bad Name" } ]')), /approvers\[0\]\.token/);
    // People as approvers need sign-in.
    const noOidc = await problems(
      BASE.replace(
        'approvals: { required: 2 }',
        'approvals: { required: 2, approvers: [ { group: release-managers } ] }',
      ),
    );
    assert.match(
      at(noOidc),
      /approvers\[0\].*names a person \(group:release-managers\), but nobody can sign in/,
    );
  });

  test('bad values are named', async () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'issuer: https://login.example.com/realms/corp/',
        'issuer: http://login.example.com',
        /must be https:\/\//,
      ],
      [
        'issuer: https://login.example.com/realms/corp/',
        'issuer: https://x.example/?a=1',
        /query or fragment/,
      ],
      ['clientId: ferry', 'clientId: ""', /clientId is empty/],
      [
        'admin: { emails: [Carol@Example.com] }',
        'admin: { emails: [not-an-address] }',
        /must be an email address/,
      ],
      ['viewer: { anyone: true }', 'viewer: { promotions: [payments] }', /names nobody/],
      [
        'viewer: { anyone: true }',
        'viewer: { groups: [x], promotions: [nope] }',
        /unknown promotion rule "nope"/,
      ],
      ['clientId: ferry', 'clientId: ferry\n    scopes: [email]', /must include "openid"/],
      ['clientId: ferry', 'clientId: ferry\n    groupsClaim: "a b"', /claim name/],
    ];
    for (const [needle, replacement, message] of cases) {
      const text = `${BASE}${OIDC.replace(needle, replacement)}`;
      const found = await problems(text);
      assert.ok(
        found.some((p) => p.path.startsWith('auth.') && message.test(p.message)),
        `${replacement}: ${JSON.stringify(found)}`,
      );
    }
  });

  test('http:// issuers only on loopback', async () => {
    const { config } = await parse(
      `${BASE}${OIDC.replace('https://login.example.com/realms/corp/', 'http://127.0.0.1:9000')}`,
    );
    assert.equal(config.auth.oidc?.issuer, 'http://127.0.0.1:9000');
  });

  test('without server.publicUrl the redirect URL must be given', async () => {
    const text = `${BASE.replace('  publicUrl: https://ferry.example.com\n', '  listen: 127.0.0.1:8080\n')}${OIDC}`;
    const found = await problems(text);
    assert.deepEqual(
      found.map((p) => p.path),
      ['auth.oidc.redirectUrl'],
    );
    await parse(
      text.replace('clientId: ferry', 'clientId: ferry\n    redirectUrl: https://f.example/auth/callback'),
    );
  });

  test('session key and client secret files are checked at load, without echoing them', async () => {
    const missing = await problems(`${BASE}${OIDC.replace('/secrets/oidc', '/secrets/absent')}`);
    assert.ok(
      missing.some((p) => p.path === 'auth.oidc.clientSecret'),
      JSON.stringify(missing),
    );
    const { config } = await parse(
      `${BASE}${OIDC}  session:\n    key: { file: /secrets/session }\n    ttlSeconds: 600\n`,
    );
    assert.deepEqual(config.auth.session, { key: { file: '/secrets/session' }, ttlSeconds: 600 });
    const short = await problems(`${BASE}${OIDC}  session:\n    ttlSeconds: 5\n`);
    assert.ok(short.some((p) => p.path === 'auth.session.ttlSeconds' && /at least 60/.test(p.message)));
  });
});
