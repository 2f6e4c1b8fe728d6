import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TriggerError, TriggerErrorCode } from '../../api/trigger-error.ts';
import {
  OPENSHIFT_BODY_FORMATS,
  OPENSHIFT_ENV_NAMES,
  openshiftSecretMatches,
  parseOpenShiftGenericBody,
} from './openshift-generic.ts';
import { parseBody } from './parse-body.ts';

const COMMIT = '3f786850e387550fdab836ed7e6dc881de23001b';
const OPTIONS = { actor: 'openshift:production-pipeline' };

/** The values a real seed installation would have filled into its non-prod Jenkinsfile. */
const SEED_PARAMS = {
  IMAGE_NAME: 'myapp',
  NON_PROD_REGISTRY: 'docker-registry-default.apps.nonprod.example.com',
  PROD_REGISTRY: 'docker-registry-default.apps.prod.example.com',
  NON_PROD_PROJECT_NAME: 'myproject-dev',
  PROD_PROJECT_NAME: 'myproject-prod',
  GIT_COMMIT: COMMIT,
};

/**
 * Byte-for-byte what the seed sends: Groovy's `JsonOutput.toJson(["env": params])` of its LinkedHashMap
 * (compact, keys in insertion order), posted by `curl -H "Content-Type: application/json" -d '…'`.
 */
const SEED_BODY =
  '{"env":{"IMAGE_NAME":"myapp","NON_PROD_REGISTRY":"docker-registry-default.apps.nonprod.example.com",' +
  '"PROD_REGISTRY":"docker-registry-default.apps.prod.example.com","NON_PROD_PROJECT_NAME":"myproject-dev",' +
  `"PROD_PROJECT_NAME":"myproject-prod","GIT_COMMIT":"${COMMIT}"}}`;

const EXPECTED = {
  source: {
    registry: 'docker-registry-default.apps.nonprod.example.com',
    repository: 'myproject-dev/myapp',
    tag: COMMIT,
  },
  destination: {
    registry: 'docker-registry-default.apps.prod.example.com',
    repository: 'myproject-prod/myapp',
    tag: COMMIT,
  },
  trigger: { kind: 'openshift', actor: 'openshift:production-pipeline' },
  gitCommit: COMMIT,
};

function fromRequest(text: string, contentType: string) {
  return parseOpenShiftGenericBody(
    parseBody(Buffer.from(text), contentType, { formats: OPENSHIFT_BODY_FORMATS }),
    OPTIONS,
  );
}

function rejects(value: unknown, code: string, message: RegExp, fields?: readonly string[]): TriggerError {
  let caught: unknown;
  assert.throws(
    () => parseOpenShiftGenericBody(value, OPTIONS),
    (err) => {
      caught = err;
      return true;
    },
  );
  assert.ok(caught instanceof TriggerError, String(caught));
  assert.equal(caught.code, code);
  assert.equal(caught.status, 400);
  assert.match(caught.message, message);
  if (fields !== undefined) assert.deepEqual(caught.fields, fields);
  return caught;
}

const asList = (params: Record<string, string>) =>
  Object.entries(params).map(([name, value]) => ({ name, value }));

describe('OpenShift generic webhook: the seed pipeline, unchanged', () => {
  test('the seed body is exactly what JsonOutput produces', () => {
    assert.equal(JSON.stringify({ env: SEED_PARAMS }), SEED_BODY);
  });

  test("the seed's exact body (env as an object) promotes", () => {
    assert.deepEqual(fromRequest(SEED_BODY, 'application/json'), EXPECTED);
  });

  test('the OpenShift-documented list shape, as JSON and as YAML with a git block', () => {
    assert.deepEqual(fromRequest(JSON.stringify({ env: asList(SEED_PARAMS) }), 'application/json'), EXPECTED);
    const yaml = [
      'git:',
      '  uri: "https://git.example.com/team/myapp.git"',
      '  ref: "main"',
      `  commit: "${COMMIT}"`,
      '  author:',
      '    name: "Dev"',
      '    email: "dev@example.com"',
      '  committer:',
      '    name: "Dev"',
      '    email: "dev@example.com"',
      '  message: "Fix the thing"',
      'env:',
      ...Object.entries(SEED_PARAMS).flatMap(([name, value]) => [
        `  - name: "${name}"`,
        `    value: "${value}"`,
      ]),
    ].join('\n');
    assert.deepEqual(fromRequest(yaml, 'application/yaml'), EXPECTED);
    assert.deepEqual(fromRequest(yaml, 'application/x-yaml'), EXPECTED);
  });

  test('a "type" field and git refs, as some OpenShift examples send, are accepted', () => {
    const body = {
      type: 'Git',
      git: { uri: 'https://g/x.git', refs: [{ ref: 'main', commit: COMMIT }] },
      env: SEED_PARAMS,
    };
    assert.deepEqual(parseOpenShiftGenericBody(body, { ...OPTIONS, deliveryId: 'd-1' }), {
      ...EXPECTED,
      trigger: { ...EXPECTED.trigger, deliveryId: 'd-1' },
    });
  });

  test('registries given as URLs are reduced to host[:port] and canonicalised', () => {
    const request = parseOpenShiftGenericBody(
      {
        env: {
          ...SEED_PARAMS,
          NON_PROD_REGISTRY: 'https://Registry.NonProd.example:5000/',
          PROD_REGISTRY: 'docker://registry.prod.example',
        },
      },
      OPTIONS,
    );
    assert.equal(request.source.registry, 'registry.nonprod.example:5000');
    assert.equal(request.destination?.registry, 'registry.prod.example');
  });

  test('a non-hex GIT_COMMIT is still the tag; gitCommit then comes from git.commit, if any', () => {
    const request = parseOpenShiftGenericBody(
      { git: { commit: COMMIT }, env: { ...SEED_PARAMS, GIT_COMMIT: 'v1.2.3' } },
      OPTIONS,
    );
    assert.equal(request.source.tag, 'v1.2.3');
    assert.equal(request.destination?.tag, 'v1.2.3');
    assert.equal(request.gitCommit, COMMIT);
    const noGit = parseOpenShiftGenericBody({ env: { ...SEED_PARAMS, GIT_COMMIT: 'release-7' } }, OPTIONS);
    assert.equal('gitCommit' in noGit, false);
  });
});

describe('OpenShift generic webhook: never a silent success', () => {
  test('an empty env names all six missing values', () => {
    for (const body of [{}, { env: {} }, { env: [] }, { git: { uri: 'https://g/x.git' } }]) {
      rejects(
        body,
        TriggerErrorCode.MissingValues,
        /missing required env values IMAGE_NAME, NON_PROD_REGISTRY, PROD_REGISTRY, NON_PROD_PROJECT_NAME, PROD_PROJECT_NAME, GIT_COMMIT/,
        OPENSHIFT_ENV_NAMES,
      );
    }
  });

  test('missing, empty and null values are all named, in either shape', () => {
    const { IMAGE_NAME: _i, ...withoutImage } = SEED_PARAMS;
    const err = rejects(
      { env: { ...withoutImage, GIT_COMMIT: '', PROD_REGISTRY: null } },
      TriggerErrorCode.MissingValues,
      /^missing required env values IMAGE_NAME, PROD_REGISTRY, GIT_COMMIT \(/,
    );
    assert.deepEqual(err.fields, ['IMAGE_NAME', 'PROD_REGISTRY', 'GIT_COMMIT']);
    rejects(
      { env: [...asList(withoutImage).filter((e) => e.name !== 'GIT_COMMIT'), { name: 'GIT_COMMIT' }] },
      TriggerErrorCode.MissingValues,
      /^missing required env values IMAGE_NAME, GIT_COMMIT /,
      ['IMAGE_NAME', 'GIT_COMMIT'],
    );
    rejects(
      { env: { ...SEED_PARAMS, GIT_COMMIT: '' } },
      TriggerErrorCode.MissingValues,
      /^missing required env value GIT_COMMIT /,
    );
  });

  test('an empty body or a body that is not an object is refused', () => {
    assert.throws(() => fromRequest('', 'application/json'), { code: TriggerErrorCode.MalformedBody });
    rejects(null, TriggerErrorCode.InvalidBody, /expected object/);
    rejects('env', TriggerErrorCode.InvalidBody, /expected object/);
    rejects(
      { env: 'IMAGE_NAME=myapp' },
      TriggerErrorCode.InvalidBody,
      /env: must be a list of \{"name": …, "value": …\} or an object/,
    );
  });

  test('unknown and duplicate names are refused, not ignored', () => {
    rejects(
      { env: { ...SEED_PARAMS, IMAGE_NAMES: 'x' } },
      TriggerErrorCode.InvalidBody,
      /unknown name "IMAGE_NAMES" \(accepted: IMAGE_NAME, /,
    );
    rejects(
      { env: [...asList(SEED_PARAMS), { name: 'IMAGE_NAME', value: 'other' }] },
      TriggerErrorCode.InvalidBody,
      /env names "IMAGE_NAME" more than once/,
    );
    rejects(
      { env: SEED_PARAMS, dockerStrategyOptions: {} },
      TriggerErrorCode.InvalidBody,
      /unknown field "dockerStrategyOptions"/,
    );
    rejects(
      { env: [{ name: 'IMAGE_NAME', valueFrom: { secretKeyRef: {} } }] },
      TriggerErrorCode.InvalidBody,
      /env\[0\]: unknown field "valueFrom"/,
    );
  });

  test('non-string values are refused with a hint about YAML quoting', () => {
    rejects(
      { env: { ...SEED_PARAMS, GIT_COMMIT: 1234567 } },
      TriggerErrorCode.InvalidBody,
      /env.GIT_COMMIT: must be a string \(in YAML, quote/,
    );
    assert.throws(
      () => fromRequest('env:\n  - name: GIT_COMMIT\n    value: 0123456\n', 'application/yaml'),
      /env\[0\].value: must be a string/,
    );
  });
});

describe('OpenShift generic webhook: injection through env values', () => {
  const attacks = [
    '$(id)',
    ';rm -rf /',
    '`id`',
    'myapp\nrm -rf /',
    'my app',
    '../../etc',
    'a/../b',
    'myapp && curl evil',
    "myapp' || '",
  ];

  for (const name of [
    'IMAGE_NAME',
    'NON_PROD_PROJECT_NAME',
    'PROD_PROJECT_NAME',
    'GIT_COMMIT',
    'NON_PROD_REGISTRY',
    'PROD_REGISTRY',
  ] as const) {
    test(`${name} refuses shell metacharacters, whitespace and ".."`, () => {
      for (const attack of attacks) {
        const err = rejects(
          { env: { ...SEED_PARAMS, [name]: attack } },
          TriggerErrorCode.InvalidBody,
          new RegExp(`${name} ".*" is invalid: `),
          [name],
        );
        assert.doesNotMatch(err.message, /[\n\r\t]/);
      }
    });
  }

  test('all invalid values are reported together, escaped and truncated', () => {
    const err = rejects(
      {
        env: {
          ...SEED_PARAMS,
          IMAGE_NAME: '$(id)',
          GIT_COMMIT: `\u001b[2J${'x'.repeat(500)}`,
          PROD_REGISTRY: 'prod',
        },
      },
      TriggerErrorCode.InvalidBody,
      /IMAGE_NAME "\$\(id\)" is invalid: .*; PROD_REGISTRY "prod" is invalid: is not a registry host.*; GIT_COMMIT "\\u001b\[2Jx+…" is invalid/,
      ['IMAGE_NAME', 'PROD_REGISTRY', 'GIT_COMMIT'],
    );
    assert.ok(err.message.length < 600, String(err.message.length));
  });

  test('registry values must be hosts: paths and credentials are refused', () => {
    rejects(
      { env: { ...SEED_PARAMS, PROD_REGISTRY: 'registry.prod.example/v2/' } },
      TriggerErrorCode.InvalidBody,
      /PROD_REGISTRY .*without a path/,
    );
    rejects(
      { env: { ...SEED_PARAMS, NON_PROD_REGISTRY: 'openshift:token@r.example.com' } },
      TriggerErrorCode.InvalidBody,
      /NON_PROD_REGISTRY/,
    );
  });

  test('a combined name over 255 characters is refused even when each part is fine', () => {
    rejects(
      { env: { ...SEED_PARAMS, IMAGE_NAME: 'a'.repeat(200) } },
      TriggerErrorCode.InvalidBody,
      /the source reference is invalid: name longer than 255/,
    );
  });
});

describe('openshiftSecretMatches', () => {
  test('matches any configured secret exactly', () => {
    assert.ok(openshiftSecretMatches('s3cr3t-value', ['other', 's3cr3t-value']));
    assert.ok(!openshiftSecretMatches('s3cr3t-valu', ['s3cr3t-value']));
    assert.ok(!openshiftSecretMatches('s3cr3t-value ', ['s3cr3t-value']));
    assert.ok(!openshiftSecretMatches('S3CR3T-VALUE', ['s3cr3t-value']));
  });

  test('never matches with nothing configured or nothing given', () => {
    assert.ok(!openshiftSecretMatches('x', []));
    assert.ok(!openshiftSecretMatches('', ['']));
    assert.ok(!openshiftSecretMatches(undefined, ['x']));
  });
});
