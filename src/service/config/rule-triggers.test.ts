import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { hashToken } from './api-tokens.ts';
import { ConfigError, type ConfigProblem } from './config-error.ts';
import { memoryFiles } from './config-fixture.ts';
import { parseConfig } from './load-config.ts';
import { DEFAULT_RULE_TRIGGERS, RULE_TRIGGERS, ruleAllowsTrigger, ruleTriggerOf } from './rule-triggers.ts';

/** A config with every trigger section given; `rule` is the text of the one rule's extra keys. */
function configText(rule: string, triggers = DISTRIBUTION_ON): string {
  return `environments:
  nonprod:
    registry: registry.nonprod.example
    credentials: { anonymous: true }
  prod:
    registry: registry.prod.example
    credentials: { anonymous: true }
promotions:
  - name: team-a
    from: nonprod:team-a/*
    to: prod:team-a/*
    tags: 'v.+'
${rule}
triggers:
${triggers}
apiTokens:
  - { name: ci, role: promoter, sha256: ${hashToken('ci-token')} }
  - { name: alice, role: approver, sha256: ${hashToken('alice-token')} }
`;
}

const DISTRIBUTION_ON = `  distribution:
    enabled: true
    environment: nonprod
    authorization: { file: /secrets/registry-hook }`;

const options = {
  file: '/etc/ferry/ferry.yaml',
  env: {},
  ...memoryFiles({ '/secrets/registry-hook': 'Bearer x' }),
};

async function problemsOf(text: string): Promise<ConfigProblem[]> {
  try {
    await parseConfig(text, options);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

describe('promotions[].triggers', () => {
  test('defaults to every trigger except registry events', async () => {
    assert.deepEqual(DEFAULT_RULE_TRIGGERS, ['api', 'standardWebhooks', 'github', 'openshift']);
    const { config, warnings } = await parseConfig(configText(''), options);
    const [rule] = config.promotions;
    assert.deepEqual(rule?.triggers, DEFAULT_RULE_TRIGGERS);
    assert.equal(ruleAllowsTrigger(rule!, 'distribution'), false);
    assert.equal(ruleAllowsTrigger(rule!, 'standard-webhook'), true);
    // A config written before per-rule triggers: the registry trigger is on, no rule opts in.
    assert.deepEqual(
      warnings.map((warning) => [warning.path, warning.message]),
      [
        [
          'triggers.distribution.enabled',
          'no promotion rule lists "distribution" in its triggers: registry pushes promote nothing (registry events are opt-in per rule)',
        ],
      ],
    );
  });

  test('config names map onto the trigger kinds recorded on promotions', () => {
    const kinds = ['api', 'standard-webhook', 'github', 'openshift', 'distribution', 'harbor'] as const;
    assert.deepEqual(kinds.map(ruleTriggerOf), [...RULE_TRIGGERS]);
  });

  test('a listed trigger that is not enabled is a config error naming the rule, the trigger and the line', async () => {
    const text = configText('    triggers: [api, harbor]');
    const problems = await problemsOf(text);
    assert.equal(problems.length, 1, JSON.stringify(problems));
    const [problem] = problems;
    assert.equal(problem?.path, 'promotions[0].triggers[1]');
    assert.equal(problem?.line, 13);
    assert.match(problem?.message ?? '', /rule "team-a" lists trigger "harbor", which is not enabled/);
    assert.match(problem?.message ?? '', /triggers\.harbor\.enabled: true/);
  });

  test('unknown names, duplicates and an empty list are refused', async () => {
    const unknown = await problemsOf(configText('    triggers: [api, webhook]'));
    assert.equal(unknown[0]?.path, 'promotions[0].triggers[1]');
    assert.match(unknown[0]?.message ?? '', /standardWebhooks/, 'the allowed names are listed');
    const twice = await problemsOf(configText('    triggers: [api, api]'));
    assert.match(twice[0]?.message ?? '', /"api" is listed twice/);
    const empty = await problemsOf(configText('    triggers: []'));
    assert.match(empty[0]?.message ?? '', /triggers is empty; remove it to allow the default/);
  });

  test('registry events that can promote a rule without approvals are warned about, with the rule', async () => {
    const { config, warnings } = await parseConfig(configText('    triggers: [distribution]'), options);
    assert.deepEqual(config.promotions[0]?.triggers, ['distribution']);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0]?.path, 'promotions[0].triggers[0]');
    assert.match(
      warnings[0]?.message ?? '',
      /rule "team-a": a registry push to nonprod:team-a\/\* \(distribution event\) promotes to prod with no approval/,
    );

    const approved = await parseConfig(
      configText('    triggers: [distribution]\n    approvals: { required: 1 }'),
      options,
    );
    assert.deepEqual(approved.warnings, []);
  });

  test('a registry trigger reporting another environment than the rule promotes from is never used', async () => {
    const staging = DISTRIBUTION_ON.replace('environment: nonprod', 'environment: prod');
    const { warnings } = await parseConfig(configText('    triggers: [distribution]', staging), options);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(
      warnings[0]?.message ?? '',
      /never used: triggers\.distribution reports pushes to environment "prod"/,
    );
  });
});
