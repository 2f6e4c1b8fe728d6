import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_ENV, exampleFiles, memoryFiles } from './config-fixture.ts';
import { EXAMPLE_CONFIG } from './example-config.ts';
import { parseConfig } from './load-config.ts';

test('the example config is valid, with its files present, and has no warnings', async () => {
  const contents = await exampleFiles();
  const files = memoryFiles(contents);
  const { config, warnings } = await parseConfig(EXAMPLE_CONFIG, {
    file: '/etc/ferry/ferry.yaml',
    env: EXAMPLE_ENV,
    ...files,
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(Object.keys(config.environments), ['nonprod', 'prod']);
  assert.deepEqual(
    config.promotions.map((rule) => [rule.name, rule.from, rule.to]),
    [
      [
        'team-a',
        { environment: 'nonprod', repository: 'team-a/*' },
        { environment: 'prod', repository: 'team-a/*' },
      ],
      [
        'payments',
        { environment: 'nonprod', repository: 'payments/**' },
        { environment: 'prod', repository: 'payments/**' },
      ],
    ],
  );
  assert.deepEqual(config.server.listen, { host: '0.0.0.0', port: 8080 });
  assert.equal(config.server.databaseUrl, undefined);
  assert.deepEqual(config.environments['prod']?.credentials, {
    kind: 'token-file',
    tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token',
    username: 'ferry',
  });
  assert.equal(config.promotions[1]?.approvals.required, 2);
  assert.equal(config.triggers.openshift.enabled, true);
  assert.deepEqual(config.triggers.openshift.secrets, [{ env: 'FERRY_OPENSHIFT_WEBHOOK_SECRET' }]);
  assert.equal(config.apiTokens.length, 5);
  // Every referenced file was checked at load.
  assert.deepEqual(new Set(files.reads), new Set(Object.keys(contents)));
});

test('the example config validates on its own without its files (CI lint mode)', async () => {
  const { config } = await parseConfig(EXAMPLE_CONFIG, { file: 'ferry.yaml', env: {}, checkSources: false });
  assert.equal(config.promotions.length, 2);
});
