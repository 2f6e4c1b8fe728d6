import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ruleListSchema } from '../../api/rule.ts';
import { bearer, buildTestApp, NONPROD_REGISTRY, PROD_REGISTRY, TOKENS, testConfig } from './http-fixture.ts';

test('GET /api/v1/rules shows every rule as configured, in order, and never a secret', async () => {
  const config = testConfig((raw) => {
    const environments = raw.environments as Record<string, Record<string, unknown>>;
    environments.prod = {
      ...environments.prod,
      maxConcurrentPromotions: 2,
      credentials: { username: 'robot', password: { value: 'prod-registry-password-s3cr3t' } },
    };
    const [teamA] = raw.promotions as Record<string, unknown>[];
    Object.assign(teamA!, {
      description: 'Team A to production',
      releaseTag: 'prod',
      tags: '[0-9a-f]{7,40}',
      approvals: { required: 2, approvers: ['alice', 'carol'] },
      signature: { required: true, publicKeyFiles: ['keys/cosign-2025.pub', '/etc/keys/cosign-2026.pub'] },
      immutableTags: false,
      copySignatures: false,
    });
  });
  const t = await buildTestApp({ config });
  try {
    const response = await t.app.inject({ url: '/api/v1/rules', headers: bearer(TOKENS.viewer) });
    assert.equal(response.statusCode, 200, response.body);
    const { rules } = ruleListSchema.parse(response.json());
    assert.deepEqual(
      rules.map((r) => r.name),
      ['team-a', 'seed', 'payments'],
    );
    assert.deepEqual(rules[0], {
      name: 'team-a',
      description: 'Team A to production',
      source: { environment: 'nonprod', registry: NONPROD_REGISTRY, repository: 'team-a/*' },
      destination: {
        environment: 'prod',
        registry: PROD_REGISTRY,
        repository: 'team-a/*',
        maxConcurrentPromotions: 2,
      },
      tags: '[0-9a-f]{7,40}',
      releaseTag: 'prod',
      immutableTags: false,
      copySignatures: false,
      triggers: ['api', 'standard-webhook', 'github', 'openshift', 'distribution', 'harbor'],
      approvals: { required: 2, approvers: ['alice', 'carol'], allowSelfApproval: false },
      signature: { required: true, publicKeys: ['cosign-2025.pub', 'cosign-2026.pub'] },
    });
    // Defaults: the triggers every rule takes unless it lists its own, anyone who may approve.
    assert.deepEqual(rules[1]?.triggers, ['api', 'standard-webhook', 'github', 'openshift']);
    assert.deepEqual(rules[1]?.approvals, { required: 0, approvers: null, allowSelfApproval: false });
    assert.deepEqual(rules[1]?.signature, { required: false, publicKeys: [] });
    assert.equal(rules[1]?.destination.maxConcurrentPromotions, 2);
    for (const secret of [
      'prod-registry-password-s3cr3t',
      'robot',
      '/etc/keys',
      'keys/',
      'whsec_',
      'Bearer',
    ]) {
      assert.ok(!response.body.includes(secret), `the answer must not contain ${secret}`);
    }
  } finally {
    await t.app.close();
  }
});
