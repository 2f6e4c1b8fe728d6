import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { hashToken } from './api-tokens.ts';
import { ConfigError, type ConfigProblem, formatProblem } from './config-error.ts';
import { FAKE_CA_PEM, memoryFiles, p256PublicKeyPem, trustedRootJson } from './config-fixture.ts';
import { loadConfig, type ParseConfigOptions, parseConfig } from './load-config.ts';

const CI_HASH = hashToken('ci-token');
const FILES = { '/secrets/nonprod-token': 'token\n' };

/** A small valid config; tests replace single lines of it. */
const VALID = `environments:
  nonprod:
    registry: registry.nonprod.example
    credentials: { tokenFile: /secrets/nonprod-token }
  prod:
    registry: registry.prod.example:5000
    credentials: { anonymous: true }
promotions:
  - name: team-a
    from: nonprod:team-a/*
    to: prod:team-a/*
    tags: '[0-9a-f]{7,40}'
apiTokens:
  - name: ci
    role: promoter
    sha256: ${CI_HASH}
`;

function options(overrides: Partial<ParseConfigOptions> = {}): ParseConfigOptions {
  return { file: '/etc/ferry/ferry.yaml', env: {}, ...memoryFiles(FILES), ...overrides };
}

/** `VALID` with the line containing `needle` replaced by `replacement` (several lines allowed). */
function edit(needle: string, replacement: string, text = VALID): string {
  const lines = text.split('\n');
  const index = lines.findIndex((line) => line.includes(needle));
  assert.notEqual(index, -1, `no line contains ${needle}`);
  lines.splice(index, 1, ...replacement.split('\n'));
  return lines.join('\n');
}

/** 1-based number of the line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex((line) => line.includes(needle));
  assert.notEqual(index, -1, `no line contains ${needle}`);
  return index + 1;
}

async function problemsOf(
  text: string,
  overrides: Partial<ParseConfigOptions> = {},
): Promise<ConfigProblem[]> {
  try {
    await parseConfig(text, options(overrides));
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.code, 'FERRY_E_CONFIG');
    return [...err.problems];
  }
  assert.fail('expected a ConfigError');
}

/** Asserts exactly one problem, at `path`, on the line containing `needle`, with a matching message. */
async function expectProblem(
  text: string,
  path: string,
  needle: string,
  message: RegExp,
): Promise<ConfigProblem> {
  const problems = await problemsOf(text);
  assert.equal(problems.length, 1, JSON.stringify(problems, null, 2));
  const problem = problems[0]!;
  assert.equal(problem.path, path);
  assert.equal(problem.file, '/etc/ferry/ferry.yaml');
  assert.equal(problem.line, lineOf(text, needle), `line of ${path}`);
  assert.match(problem.message, message);
  return problem;
}

describe('valid configs', () => {
  test('the small config parses, with defaults filled in', async () => {
    const { config, warnings } = await parseConfig(VALID, options());
    assert.deepEqual(warnings, []);
    assert.equal(config.version, 1);
    assert.deepEqual(config.server, {
      listen: { host: '0.0.0.0', port: 8080 },
      dataDir: '/etc/ferry/ferry-data',
      leaseSeconds: 15,
      heartbeatSeconds: 5,
      resumableUploads: { enabled: true, minBlobMiB: 64, chunkMiB: 16 },
    });
    assert.deepEqual(config.environments['prod'], {
      registry: 'registry.prod.example:5000',
      aliases: [],
      tls: { verify: true },
      credentials: { kind: 'anonymous' },
      maxConcurrentPromotions: 4,
    });
    assert.deepEqual(config.promotions[0], {
      name: 'team-a',
      from: { environment: 'nonprod', repository: 'team-a/*' },
      to: { environment: 'prod', repository: 'team-a/*' },
      tags: '[0-9a-f]{7,40}',
      approvals: { required: 0, allowSelfApproval: false },
      signature: {
        required: false,
        publicKeyFiles: [],
        identities: [],
        tlog: true,
        predicateTypes: ['https://sigstore.dev/cosign/sign/v1'],
        attestations: [],
      },
      immutableTags: true,
      copySignatures: true,
      // Registry events (distribution, harbor) are opt-in per rule.
      triggers: ['api', 'standardWebhooks', 'github', 'openshift'],
    });
    assert.equal(config.triggers.api.enabled, true);
    assert.equal(config.triggers.github.enabled, false);
    assert.deepEqual(config.notify, []);
    assert.deepEqual(config.apiTokens, [{ name: 'ci', role: 'promoter', sha256: CI_HASH }]);
  });

  test('relative paths resolve against the config file directory', async () => {
    const text = edit('credentials: { tokenFile', '    credentials: { tokenFile: secrets/token }');
    const { config } = await parseConfig(
      text,
      options({ ...memoryFiles({ '/etc/ferry/secrets/token': 't' }) }),
    );
    assert.deepEqual(config.environments['nonprod']?.credentials, {
      kind: 'token-file',
      tokenFile: '/etc/ferry/secrets/token',
      username: 'ferry',
    });
  });

  test('FERRY_DATABASE_URL becomes the database URL reference when the file sets none', async () => {
    const withEnv = await parseConfig(
      VALID,
      options({ env: { FERRY_DATABASE_URL: 'postgres://u:p@db/ferry' } }),
    );
    assert.deepEqual(withEnv.config.server.databaseUrl, { env: 'FERRY_DATABASE_URL' });
    const without = await parseConfig(VALID, options());
    assert.equal(without.config.server.databaseUrl, undefined);
  });

  test('a sha256 in uppercase hex is accepted and stored lowercase', async () => {
    const { config } = await parseConfig(edit('sha256:', `    sha256: ${CI_HASH.toUpperCase()}`), options());
    assert.equal(config.apiTokens[0]?.sha256, CI_HASH);
  });

  test('YAML anchors and aliases work (a shared credentials block)', async () => {
    const text = edit(
      'credentials: { anonymous: true }',
      '    credentials: &shared { tokenFile: /secrets/nonprod-token }',
    );
    const { config } = await parseConfig(text, options());
    assert.equal(config.environments['prod']?.credentials.kind, 'token-file');
  });
});

describe('every problem names its key and line', () => {
  test('unknown key, with a did-you-mean', async () => {
    const text = edit("tags: '[0-9a-f]{7,40}'", "    tags: '[0-9a-f]{7,40}'\n    imutableTags: false");
    await expectProblem(
      text,
      'promotions[0].imutableTags',
      'imutableTags',
      /unknown key; did you mean "immutableTags"\?/,
    );
  });

  test('unknown key without a close match lists the allowed keys', async () => {
    const text = `${VALID}frobnicate: 1\n`;
    await expectProblem(
      text,
      'frobnicate',
      'frobnicate',
      /unknown key \(allowed: version, server, environments/,
    );
  });

  test('unknown key inside a flow mapping points at that key', async () => {
    const text = edit('credentials: { anonymous', '    credentials: { anonymous: true, pasword: x }');
    const problem = await expectProblem(
      text,
      'environments.prod.credentials.pasword',
      'pasword',
      /did you mean "password"/,
    );
    assert.equal(problem.column, text.split('\n')[problem.line! - 1]!.indexOf('pasword') + 1);
  });

  test('wrong type', async () => {
    const text = edit(
      'credentials: { anonymous',
      '    tls: { verify: no }\n    credentials: { anonymous: true }',
    );
    // YAML 1.2: `no` is a string, so this is an error rather than a silent false.
    await expectProblem(
      text,
      'environments.prod.tls.verify',
      'verify: no',
      /expected true or false, got a string/,
    );
  });

  test('a key with no value reads as "nothing", not null', async () => {
    await expectProblem(
      edit('role: promoter', '    role:'),
      'apiTokens[0].role',
      'role:',
      /has no value; expected one of/,
    );
    await expectProblem(edit('sha256:', '    sha256:'), 'apiTokens[0].sha256', 'sha256:', /got nothing/);
  });

  test('missing required key points at the enclosing key', async () => {
    const text = edit('credentials: { anonymous', '');
    await expectProblem(
      text,
      'environments.prod.credentials',
      '  prod:',
      /required key is missing.*anonymous: true/,
    );
  });

  test('undefined environment referenced by a rule', async () => {
    const text = edit('from: nonprod:team-a/*', '    from: nonprd:team-a/*');
    const problem = await expectProblem(text, 'promotions[0].from', 'nonprd', /unknown environment/);
    assert.equal(problem.message, 'unknown environment "nonprd" (known: nonprod, prod)');
    assert.equal(problem.column, 5);
  });

  test('invalid regular expression in tags', async () => {
    await expectProblem(
      edit('tags:', "    tags: '[0-9a-f'"),
      'promotions[0].tags',
      'tags:',
      /regular expression/,
    );
  });

  test('empty tags pattern says how to allow any tag', async () => {
    await expectProblem(edit('tags:', "    tags: ''"), 'promotions[0].tags', 'tags:', /"\.\+"/);
  });

  test('repository pattern that violates the reference grammar', async () => {
    await expectProblem(
      edit('from: nonprod', '    from: nonprod:Team-A/*'),
      'promotions[0].from',
      'Team-A',
      /invalid repository pattern: repository name must be lowercase/,
    );
    await expectProblem(
      edit('to: prod', '    to: prod:team-a/app-*'),
      'promotions[0].to',
      'app-*',
      /whole path segments/,
    );
    await expectProblem(
      edit('from: nonprod', '    from: nonprod:team-a/*:latest'),
      'promotions[0].from',
      ':latest',
      /no tag/,
    );
  });

  test('template wildcards must match the pattern', async () => {
    await expectProblem(
      edit('to: prod', '    to: prod:team-a/**'),
      'promotions[0].to',
      'to: prod',
      /same wildcards in the same order.*from has "\*", to has "\*\*"/,
    );
  });

  test('a rule onto itself', async () => {
    await expectProblem(
      edit('to: prod', '    to: nonprod:team-a/*'),
      'promotions[0].to',
      'to: nonprod',
      /is the source itself/,
    );
  });

  test('duplicate rule names, also when the first rule has other problems', async () => {
    const second = "  - name: team-a\n    from: nonprod:team-b/*\n    to: prod:team-b/*\n    tags: '.+'";
    const text = edit('apiTokens:', `${second}\napiTokens:`, edit('tags:', "    tags: '['"));
    const problems = await problemsOf(text);
    assert.deepEqual(
      problems.map((p) => [p.path, p.line]),
      [
        ['promotions[0].tags', lineOf(text, "tags: '['")],
        ['promotions[1].name', lineOf(text, 'name: team-a') + 4],
      ],
    );
    assert.match(problems[1]!.message, /duplicate rule name "team-a" \(first used by promotions\[0\]\)/);
  });

  test('a secret file that does not exist (checked at load)', async () => {
    const text = `${VALID}triggers:\n  github:\n    enabled: true\n    secrets:\n      - file: /secrets/github\n`;
    await expectProblem(
      text,
      'triggers.github.secrets[0]',
      '- file: /secrets/github',
      /cannot read secret file \/secrets\/github: file does not exist/,
    );
  });

  test('a token file that does not exist', async () => {
    const text = edit('tokenFile', '    credentials: { tokenFile: /secrets/missing }');
    await expectProblem(
      text,
      'environments.nonprod.credentials.tokenFile',
      'missing',
      /token file \/secrets\/missing: file does not exist/,
    );
  });

  test('an env secret whose variable is not set', async () => {
    const text = edit(
      'credentials: { anonymous',
      '    credentials: { username: robot, password: { env: PROD_PASSWORD } }',
    );
    await expectProblem(
      text,
      'environments.prod.credentials.password',
      'PROD_PASSWORD',
      /PROD_PASSWORD is not set/,
    );
  });

  test('role not in the enum', async () => {
    await expectProblem(
      edit('role: promoter', '    role: root'),
      'apiTokens[0].role',
      'role: root',
      /must be one of: viewer, promoter, approver, admin/,
    );
  });

  test('sha256 not 64 hex digits', async () => {
    await expectProblem(
      edit('sha256:', '    sha256: abc123'),
      'apiTokens[0].sha256',
      'sha256',
      /64-character hex SHA-256/,
    );
  });

  test('invalid environment name (rules naming it are then unknown references)', async () => {
    const text = edit('  prod:', '  Prod:');
    const problems = await problemsOf(text);
    assert.deepEqual(
      problems.map((p) => [p.path, p.line, p.message]),
      [
        [
          'environments.Prod',
          lineOf(text, 'Prod:'),
          'environment names are lowercase letters, digits, "-", "_", starting with a letter',
        ],
        ['promotions[0].to', lineOf(text, 'to: prod'), 'unknown environment "prod" (known: nonprod, Prod)'],
      ],
    );
  });

  test('registry host without a dot or port', async () => {
    await expectProblem(
      edit('registry: registry.prod.example:5000', '    registry: prod-registry'),
      'environments.prod.registry',
      'prod-registry',
      /must contain "\." or ":"/,
    );
  });

  test('registry given as a URL', async () => {
    await expectProblem(
      edit('registry: registry.prod.example:5000', '    registry: https://registry.prod.example'),
      'environments.prod.registry',
      'https://',
      /without a scheme/,
    );
  });

  test('credentials with two sources', async () => {
    await expectProblem(
      edit('credentials: { anonymous', '    credentials: { anonymous: true, authFile: /x/auth.json }'),
      'environments.prod.credentials',
      'authFile',
      /exactly one of .* \(got authFile and anonymous\)/,
    );
  });

  test('a secret reference with two sources', async () => {
    const text = edit('credentials: { anonymous', '    credentials: { registryToken: { env: A, file: /b } }');
    await expectProblem(
      text,
      'environments.prod.credentials.registryToken',
      'registryToken',
      /exactly one of file, env, value/,
    );
  });

  test('required signature without a key', async () => {
    const text = edit('tags:', "    tags: '.+'\n    signature: { required: true }");
    await expectProblem(
      text,
      'promotions[0].signature.publicKeyFiles',
      'signature:',
      /at least one public key file or identity/,
    );
  });

  test('trusted root that is not one', async () => {
    const text = edit(
      'tags:',
      "    tags: '.+'\n    signature: { required: true, publicKeyFiles: [/keys/cosign.pub], trustedRootFile: /keys/root.json }",
    );
    const files = { ...FILES, '/keys/cosign.pub': p256PublicKeyPem(), '/keys/root.json': '{"keys": []}' };
    const problems = await problemsOf(text, memoryFiles(files));
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.path, 'promotions[0].signature.trustedRootFile');
    assert.match(
      problems[0]!.message,
      /trusted root file \/keys\/root.json is mediaType undefined is not a Sigstore trusted root/,
    );
    const ok = await parseConfig(
      text,
      options(memoryFiles({ ...files, '/keys/root.json': trustedRootJson() })),
    );
    assert.equal(ok.config.promotions[0]?.signature.trustedRootFile, '/keys/root.json');
  });

  test('signature key that is not ECDSA P-256', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const text = edit(
      'tags:',
      "    tags: '.+'\n    signature: { required: true, publicKeyFiles: [/keys/cosign.pub], tlog: false }",
    );
    const problems = await problemsOf(text, memoryFiles({ ...FILES, '/keys/cosign.pub': rsa.toString() }));
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.path, 'promotions[0].signature.publicKeyFiles[0]');
    assert.match(problems[0]!.message, /not an ECDSA P-256 key \(found rsa\)/);
    const ok = await parseConfig(
      text,
      options(memoryFiles({ ...FILES, '/keys/cosign.pub': p256PublicKeyPem() })),
    );
    assert.deepEqual(ok.config.promotions[0]?.signature.publicKeyFiles, ['/keys/cosign.pub']);
  });

  test('a cosign-encrypted attestation key: attest.passphrase decrypts it; problems carry their own code', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { encryptCosignPrivateKey } = await import('../../signature/cosign-private-key.ts');
    const passphrase = 'pass-phrase-1d7c';
    const cosignKey = await encryptCosignPrivateKey(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
      Buffer.from(passphrase),
    );
    const files = memoryFiles({ ...FILES, '/keys/cosign.key': cosignKey });
    const rule = (attest: string) => edit('tags:', `    tags: '.+'\n    attest:\n${attest}`);
    const keyLine = '      keyFile: { file: /keys/cosign.key }';

    const missing = rule(keyLine);
    const [problem, ...others] = await problemsOf(missing, files);
    assert.deepEqual(others, []);
    assert.equal(problem!.path, 'promotions[0].attest.keyFile');
    assert.equal(problem!.line, lineOf(missing, 'keyFile:'));
    assert.equal(problem!.code, 'FERRY_E_ATTEST_KEY_PASSPHRASE_MISSING');
    assert.match(
      formatProblem(problem!),
      /^\/etc\/ferry\/ferry\.yaml:\d+:\d+: promotions\[0\]\.attest\.keyFile: attestation key \/keys\/cosign\.key of rule "team-a" is encrypted .* \[FERRY_E_ATTEST_KEY_PASSPHRASE_MISSING\]$/,
    );

    const wrong = rule(`${keyLine}\n      passphrase: { env: COSIGN_PASSWORD }`);
    const [refused] = await problemsOf(wrong, { ...files, env: { COSIGN_PASSWORD: 'not-it' } });
    assert.equal(refused!.path, 'promotions[0].attest.passphrase');
    assert.equal(refused!.line, lineOf(wrong, 'passphrase:'));
    assert.equal(refused!.code, 'FERRY_E_ATTEST_KEY_PASSPHRASE_WRONG');

    const ok = await parseConfig(wrong, options({ ...files, env: { COSIGN_PASSWORD: passphrase } }));
    assert.deepEqual(ok.config.promotions[0]?.attest?.passphrase, { env: 'COSIGN_PASSWORD' });
    assert.deepEqual(ok.warnings, []);

    const inline = rule(`${keyLine}\n      passphrase: { value: ${passphrase} }`);
    const { warnings } = await parseConfig(inline, options(files));
    assert.deepEqual(
      warnings.map((w) => [w.path, w.line]),
      [['promotions[0].attest.passphrase.value', lineOf(inline, 'passphrase:')]],
    );
    assert.match(warnings[0]!.message, /inline secret/);
    for (const p of [problem!, refused!, ...warnings]) assert.ok(!formatProblem(p).includes(passphrase));
  });

  test('approvals that can never be met', async () => {
    const text = edit('tags:', "    tags: '.+'\n    approvals: { required: 1 }");
    await expectProblem(
      text,
      'promotions[0].approvals.required',
      'approvals:',
      /needs 1 distinct approvers but only 0 API token\(s\) can approve this rule \(none\)/,
    );
  });

  test('approvers that are unknown or cannot approve', async () => {
    const text = edit('tags:', "    tags: '.+'\n    approvals: { required: 0, approvers: [ci, nobody] }");
    const problems = await problemsOf(text);
    assert.deepEqual(
      problems.map((p) => [p.path, p.message]),
      [
        ['promotions[0].approvals.approvers[0]', 'API token "ci" has role promoter, which cannot approve'],
        ['promotions[0].approvals.approvers[1]', 'unknown API token "nobody"'],
      ],
    );
  });

  test('duplicate token hashes and names', async () => {
    const text = `${VALID}  - name: ci\n    role: viewer\n    sha256: ${CI_HASH}\n`;
    const problems = await problemsOf(text);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['apiTokens[1].name', 'apiTokens[1].sha256'],
    );
  });

  test('token scoped to an unknown rule', async () => {
    const text = `${VALID}    promotions: [team-b]\n`;
    await expectProblem(text, 'apiTokens[0].promotions[0]', 'team-b', /unknown promotion rule "team-b"/);
  });

  test('enabled webhook trigger without secrets; registry events without environment', async () => {
    const text = `${VALID}triggers:\n  openshift: { enabled: true }\n  harbor:\n    enabled: true\n    authorization: { env: HARBOR_AUTH }\n    environment: nonprd\n`;
    const problems = await problemsOf(text, { env: { HARBOR_AUTH: 'Bearer x' } });
    assert.deepEqual(
      problems.map((p) => [p.path, p.line]),
      [
        ['triggers.openshift.secrets', lineOf(text, 'openshift:')],
        ['triggers.harbor.environment', lineOf(text, 'environment: nonprd')],
      ],
    );
  });

  test('server.listen and publicUrl', async () => {
    const text = `server:\n  listen: 0.0.0.0:99999\n  publicUrl: ftp://ferry.example\n${VALID}`;
    const problems = await problemsOf(text);
    assert.deepEqual(
      problems.map((p) => [p.path, p.line, p.message]),
      [
        ['server.listen', 2, 'port 99999 is out of range (1-65535)'],
        ['server.publicUrl', 3, 'publicUrl must be an http:// or https:// URL'],
      ],
    );
  });

  test('notify URL with credentials in it', async () => {
    const text = `${VALID}notify:\n  - name: chat\n    url: https://user:hunter2@hooks.example/x\n`;
    const problem = await expectProblem(text, 'notify[0].url', 'url:', /must not contain credentials/);
    assert.ok(!problem.message.includes('hunter2'));
  });

  test('unsupported version', async () => {
    await expectProblem(`version: 2\n${VALID}`, 'version', 'version', /unsupported config version/);
  });

  test('no environments, no rules', async () => {
    const problems = await problemsOf('environments: {}\npromotions: []\n');
    assert.deepEqual(
      problems.map((p) => [p.path, p.line, p.message]),
      [
        ['environments', 1, 'at least one environment is needed'],
        ['promotions', 2, 'at least one promotion rule is needed'],
      ],
    );
  });
});

describe('all problems in one error, in document order', () => {
  test('schema, reference and file problems are reported together', async () => {
    let text = edit('from: nonprod', '    from: nonprd:team-a/*');
    text = edit('role: promoter', '    role: root', text);
    text = edit('tokenFile', '    credentials: { tokenFile: /secrets/missing }', text);
    text = edit('tags:', "    tags: '('\n    tagz: 1", text);
    try {
      await parseConfig(text, options());
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.deepEqual(
        err.problems.map((p) => p.path),
        [
          'environments.nonprod.credentials.tokenFile',
          'promotions[0].from',
          'promotions[0].tags',
          'promotions[0].tagz',
          'apiTokens[0].role',
        ],
      );
      const lines = err.message.split('\n');
      assert.equal(lines[0], 'invalid configuration in /etc/ferry/ferry.yaml (5 problems):');
      assert.equal(
        lines[2],
        `  /etc/ferry/ferry.yaml:${lineOf(text, 'nonprd')}:5: promotions[0].from: unknown environment "nonprd" (known: nonprod, prod)`,
      );
      // The error's own fields are the first problem's.
      assert.equal(err.path, 'environments.nonprod.credentials.tokenFile');
      assert.equal(err.line, lineOf(text, '/secrets/missing'));
      assert.equal(err.file, '/etc/ferry/ferry.yaml');
    }
  });
});

describe('YAML-level problems', () => {
  test('syntax error with position', async () => {
    const problems = await problemsOf('environments:\n  nonprod: [unclosed\npromotions: []\n');
    assert.ok(problems.length >= 1);
    assert.match(problems[0]!.message, /^YAML: /);
    assert.equal(problems[0]!.path, '');
    assert.equal(typeof problems[0]!.line, 'number');
  });

  test('duplicate keys are an error, not last-one-wins', async () => {
    const text = edit('tags:', "    tags: '.+'\n    tags: '.*'");
    const problems = await problemsOf(text);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /YAML: Map keys must be unique/);
    assert.equal(problems[0]!.line, lineOf(text, "tags: '.*'"));
  });

  test('unknown tags are an error', async () => {
    const problems = await problemsOf(edit('tags:', '    tags: !regex x'));
    assert.match(problems[0]!.message, /YAML: Unresolved tag/);
  });

  test('empty file and non-mapping document', async () => {
    const empty = await problemsOf('# only a comment\n');
    assert.deepEqual(
      empty.map((p) => p.message),
      ['the file is empty'],
    );
    const list = await problemsOf('- a\n- b\n');
    assert.equal(list.length, 1);
    assert.match(list[0]!.message, /expected a mapping, got a list/);
  });

  test('alias expansion is bounded', async () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      );
    const problems = await problemsOf(lines.join('\n'));
    assert.match(problems[0]!.message, /YAML: .*alias/i);
  });
});

describe('warnings', () => {
  test('legal but weakening settings come back as warnings with positions', async () => {
    let text = edit(
      'credentials: { anonymous',
      '    tls: { verify: false, caFile: /ca.crt }\n    credentials: { username: robot, password: { value: hunter2 } }',
    );
    text = `${text}notify:\n  - name: chat\n    url: http://hooks.example/ferry\n`;
    const { warnings } = await parseConfig(text, options(memoryFiles({ ...FILES, '/ca.crt': FAKE_CA_PEM })));
    assert.deepEqual(
      warnings.map((w) => [w.path, w.line]),
      [
        ['environments.prod.tls.verify', lineOf(text, 'verify: false')],
        ['environments.prod.tls.caFile', lineOf(text, 'verify: false')],
        ['environments.prod.credentials.password.value', lineOf(text, 'hunter2')],
        ['notify[0].url', lineOf(text, 'http://')],
      ],
    );
    assert.match(warnings[2]!.message, /inline secret/);
    for (const warning of warnings) assert.ok(!warning.message.includes('hunter2'));
  });

  test('signature keys, identities or attestations without signature.required are named as ignored', async () => {
    const text = edit(
      'tags:',
      "    tags: '.+'\n    signature:\n      identities: [{ issuer: 'https://token.actions.githubusercontent.com', subject: x }]\n      attestations: [{ predicateType: 'https://slsa.dev/provenance/v1' }]",
    );
    const { warnings } = await parseConfig(text, options());
    assert.deepEqual(
      warnings.map((w) => [w.path, w.message]),
      [
        ['promotions[0].signature.identities', 'ignored while signature.required is false'],
        ['promotions[0].signature.attestations', 'ignored while signature.required is false'],
      ],
    );
  });

  test('API enabled without tokens; nothing enabled at all', async () => {
    const noTokens = VALID.slice(0, VALID.indexOf('apiTokens:'));
    const { warnings } = await parseConfig(noTokens, options());
    assert.deepEqual(
      warnings.map((w) => w.path),
      ['triggers.api.enabled'],
    );
    const off = await parseConfig(`${noTokens}triggers:\n  api: { enabled: false }\n`, options());
    assert.deepEqual(
      off.warnings.map((w) => [w.path, w.message]),
      [['triggers', 'no trigger is enabled: nothing can request a promotion']],
    );
  });
});

describe('secrets never appear in error text', () => {
  const SECRET = 'hunter2-s3cr3t-value';

  test('inline secret next to a conflicting source', async () => {
    const text = edit(
      'credentials: { anonymous',
      `    credentials: { registryToken: { value: ${SECRET}, env: X } }`,
    );
    const problems = await problemsOf(text);
    assert.ok(problems.length > 0);
    for (const p of problems) assert.ok(!p.message.includes(SECRET), p.message);
  });

  test('a token pasted where its hash belongs', async () => {
    const text = edit('sha256:', `    sha256: ${SECRET}`);
    await assert.rejects(parseConfig(text, options()), (err: Error) => !err.message.includes(SECRET));
  });

  test('a secret of the wrong type (a number) is described by type only', async () => {
    const text = edit('credentials: { anonymous', '    credentials: { registryToken: { value: 123456789 } }');
    const problems = await problemsOf(text);
    assert.equal(problems[0]!.message, 'expected a string, got an integer');
  });

  test('a YAML syntax error on a line holding a secret', async () => {
    const text = edit('credentials: { anonymous', `    credentials: { registryToken: { value: ${SECRET} }`);
    await assert.rejects(parseConfig(text, options()), (err: Error) => {
      assert.ok(err instanceof ConfigError);
      assert.ok(!err.message.includes(SECRET), err.message);
      return true;
    });
  });

  test('contents of a wrong secret-bearing file are not echoed', async () => {
    const text = edit('tokenFile', '    credentials: { authFile: /secrets/auth.json }');
    const problems = await problemsOf(text, memoryFiles({ '/secrets/auth.json': `not json ${SECRET}` }));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!.message, /is not valid JSON/);
    assert.ok(!problems[0]!.message.includes(SECRET));
  });
});

describe('loadConfig', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ferry-config-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('reads the file from disk, resolving relative paths against its directory', async () => {
    await writeFile(join(dir, 'token'), 'sa-token\n');
    const path = join(dir, 'ferry.yaml');
    await writeFile(path, edit('tokenFile', '    credentials: { tokenFile: token }'));
    const { config } = await loadConfig(path, { env: {} });
    assert.deepEqual(config.environments['nonprod']?.credentials, {
      kind: 'token-file',
      tokenFile: join(dir, 'token'),
      username: 'ferry',
    });
    assert.equal(config.server.dataDir, join(dir, 'ferry-data'));
  });

  test('a missing config file is a ConfigError naming it', async () => {
    const path = join(dir, 'absent.yaml');
    await assert.rejects(loadConfig(path, { env: {} }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.file, path);
      assert.match(err.message, /cannot read config file: file does not exist/);
      return true;
    });
  });

  test('a file that is not UTF-8', async () => {
    const path = join(dir, 'latin1.yaml');
    await writeFile(path, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x0a]));
    await assert.rejects(loadConfig(path, { env: {} }), /is not valid UTF-8/);
  });
});
