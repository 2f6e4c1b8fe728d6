/**
 * docs/triggers.md cannot drift from the code, because its examples are what this file runs:
 *
 *   - every documented request body is parsed by the real trigger parser of its section;
 *   - every documented `curl` command runs (POSIX `sh`, the real `curl` and `openssl`) against a real
 *     `ferry serve` copying between real registries, and must be answered with a created promotion of
 *     its trigger; the documented answers name only fields the real answers have;
 *   - the documented distribution `notifications` block, in a real docker-registry's config, makes a
 *     push reach ferry as a promotion, and the page's warning holds: docker-registry prints the
 *     Authorization header at `info` when it starts, and not at `warn`, not even when deliveries fail.
 *
 * Blocks are found by their `<!-- checked: … -->` markers (checked-blocks.ts); every json, sh and yaml
 * block of the page must carry one.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { parseConfig } from '../../src/service/config/load-config.ts';
import { configSchemas } from '../../src/service/config/schema.ts';
import { allowedKeysAt } from '../../src/service/config/schema-keys.ts';
import type { PromotionRequest } from '../../src/service/promote/promotion-request.ts';
import { parseDistributionEvents } from '../../src/service/triggers/distribution-events.ts';
import { parseHarborEvent } from '../../src/service/triggers/harbor-events.ts';
import { parseOpenShiftGenericBody } from '../../src/service/triggers/openshift-generic.ts';
import { parseRestPromotionBody } from '../../src/service/triggers/rest-body.ts';
import { parseStandardWebhookBody } from '../../src/service/triggers/standard-webhook-body.ts';
import { buildImage, pushImage } from '../rig/fixtures.ts';
import { killOnExit, terminate } from '../rig/kill-on-exit.ts';
import { freePort } from '../rig/ports.ts';
import type { RegistryInstance } from '../rig/registry.ts';
import { type Rig, startRig } from '../rig/rig.ts';
import { makeTempDir, type TempDir } from '../rig/temp-dir.ts';
import { FERRY_BIN } from '../support/run-ferry.ts';
import { type CheckedBlock, checkedBlocks, onlyBlock, unmarkedBlocks } from './checked-blocks.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const markdown = await readFile(join(ROOT, 'docs/triggers.md'), 'utf8');
const blocks = checkedBlocks(markdown);

/** The registry host the documented bodies name, and the documented ferry URL. */
const DOC_NONPROD = 'docker-registry-default.apps.nonprod.example.com';
const DOC_FERRY_URL = 'https://ferry.apps.prod.example.com';
/** The placeholder of the Authorization value in the documented registry configurations. */
const DOC_AUTHORIZATION = `Bearer ${'0'.repeat(64)}`;

/** triggerKind of the promotions each section's curl creates. */
const TRIGGER_KINDS: Readonly<Record<string, string>> = {
  api: 'api',
  'standard-webhook': 'standard-webhook',
  github: 'github',
  openshift: 'openshift',
  distribution: 'distribution',
  harbor: 'harbor',
};
const REGISTRY_TRIGGERS = new Set(['distribution', 'harbor']);

type Parser = (value: unknown) => PromotionRequest[];
const PARSERS: Readonly<Record<string, Parser>> = {
  api: (v) => [parseRestPromotionBody(v, { actor: 'docs' })],
  'standard-webhook': (v) => [parseStandardWebhookBody(v, { actor: 'docs' })],
  github: (v) => [parseStandardWebhookBody(v, { actor: 'docs', kind: 'github' })],
  openshift: (v) => [parseOpenShiftGenericBody(v, { actor: 'docs' })],
  distribution: (v) => parseDistributionEvents(v, { registryHost: DOC_NONPROD }),
  harbor: (v) => parseHarborEvent(v, { registryHost: DOC_NONPROD }),
};

/** Whether rules take a `triggers` list yet (issue 13, per-rule triggers, lands on another branch). */
const RULES_NAME_TRIGGERS = (
  allowedKeysAt(configSchemas({ baseDir: '/' }).config, ['promotions', 0]) ?? []
).includes('triggers');

/**
 * The documented opt-in rule, accepting `triggers` (default: as documented). The first rule whose `from`
 * matches decides, whatever the trigger, so one rule must accept every trigger a test sends. Without
 * per-rule triggers (before that change is merged) every rule accepts every trigger, and the list is left
 * out.
 */
function documentedRule(triggers?: readonly string[]): Record<string, unknown> {
  const [rule] = parse(onlyBlock(blocks, 'rule', 'distribution').text) as Record<string, unknown>[];
  assert.ok(rule);
  assert.deepEqual(rule.triggers, ['distribution'], 'the documented rule opts into distribution');
  const { triggers: documented, ...rest } = rule;
  return { ...rest, ...(RULES_NAME_TRIGGERS ? { triggers: triggers ?? documented } : {}) };
}

/** The names rules use for triggers (`promotions[].triggers`), by the triggerKind of their promotions. */
const RULE_TRIGGER_NAMES: Readonly<Record<string, string>> = {
  api: 'api',
  'standard-webhook': 'standardWebhooks',
  github: 'github',
  openshift: 'openshift',
  distribution: 'distribution',
  harbor: 'harbor',
};

// ---------------------------------------------------------------------------------------------------
// The page itself

test('every json, sh and yaml block of docs/triggers.md is checked here', () => {
  assert.deepEqual(unmarkedBlocks(markdown), [], 'lines of unmarked blocks');
  const known = new Set([
    'answer',
    'answer registry',
    'rule distribution',
    'config distribution',
    'registry-config distribution',
    'setup registry-auth',
    'body harbor-policy',
    ...Object.keys(TRIGGER_KINDS).flatMap((t) => [`body ${t}`, `curl ${t}`]),
  ]);
  for (const block of blocks) {
    const key = block.trigger === undefined ? block.what : `${block.what} ${block.trigger}`;
    assert.ok(known.has(key), `line ${block.line}: no test runs blocks marked "${key}"`);
  }
  for (const trigger of Object.keys(TRIGGER_KINDS)) {
    onlyBlock(blocks, 'body', trigger);
    onlyBlock(blocks, 'curl', trigger);
  }
});

test('curl always runs with --fail-with-body, never --fail alone', () => {
  const curls = blocks.filter((b) => b.lang === 'sh' && /\bcurl\b/.test(b.text));
  assert.ok(curls.length >= 6);
  for (const block of curls) {
    assert.match(block.text, /curl --fail-with-body /, `line ${block.line}`);
    assert.doesNotMatch(block.text, /--fail(?!-with-body)/, `line ${block.line}`);
  }
});

test('each documented request body is accepted by the parser of its trigger', () => {
  for (const [trigger, parser] of Object.entries(PARSERS)) {
    const block = onlyBlock(blocks, 'body', trigger);
    const requests = parser(JSON.parse(block.text));
    assert.equal(requests.length, 1, `${trigger}: one promotion request`);
    const { source, trigger: origin } = requests[0]!;
    assert.equal(origin.kind, TRIGGER_KINDS[trigger]);
    assert.equal(source.repository, 'team-a/app', trigger);
    assert.equal(source.tag, '0123abcd', trigger);
  }
});

test('the documented Harbor policy asks for what the Harbor parser takes', () => {
  const policy = JSON.parse(onlyBlock(blocks, 'body', 'harbor-policy').text);
  assert.deepEqual(policy.event_types, ['PUSH_ARTIFACT']);
  const [target] = policy.targets;
  assert.equal(target.type, 'http');
  assert.equal(target.payload_format, 'Default');
  assert.equal(target.skip_cert_verify, false);
  assert.equal(target.address, `${DOC_FERRY_URL}/hooks/registry/harbor`);
  assert.equal(target.auth_header, DOC_AUTHORIZATION);
});

test('the documented trigger configuration and rule are valid ferry.yaml', async () => {
  const configured = parse(onlyBlock(blocks, 'config', 'distribution').text) as Record<string, unknown>;
  const [rule] = parse(onlyBlock(blocks, 'rule', 'distribution').text) as Record<string, unknown>[];
  const document = {
    version: 1,
    environments: {
      nonprod: { registry: DOC_NONPROD, credentials: { anonymous: true } },
      prod: {
        registry: 'image-registry.openshift-image-registry.svc:5000',
        credentials: { anonymous: true },
      },
    },
    promotions: [RULES_NAME_TRIGGERS ? rule : { ...rule, triggers: undefined }],
    ...configured,
    apiTokens: [{ name: 'approver', role: 'approver', sha256: 'a'.repeat(64) }],
  };
  const { config } = await parseConfig(stringify(document), {
    file: 'docs/triggers.md',
    env: {},
    checkSources: false,
  });
  assert.equal(config.triggers.distribution.enabled, true);
  assert.equal(config.triggers.distribution.environment, 'nonprod');
});

// ---------------------------------------------------------------------------------------------------
// Real processes: docker-registry, ferry serve, sh + curl + openssl

interface Process {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

/** Spawns `command` and resolves once `ready(output)` gives its URL. */
async function startProcess(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  ready: (output: string) => Promise<string | undefined>,
): Promise<Process> {
  const child: ChildProcess = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const unregister = killOnExit(child);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const stop = async () => {
    await terminate(child);
    unregister();
  };
  // Generous: the machines running the suite are often loaded, and the embedded store migrates first.
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const url = await ready(output);
    if (url !== undefined) return { url, output: () => output, stop };
    await new Promise((r) => setTimeout(r, 50));
  }
  await stop();
  throw new Error(`${command} did not start:\n${output}`);
}

const BASE_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

function startFerry(configFile: string, home: string): Promise<Process> {
  return startProcess(
    FERRY_BIN,
    ['serve', '--config', configFile],
    { ...BASE_ENV, HOME: home },
    async (out) => /listening on (http:\/\/\S+)/.exec(out)?.[1],
  );
}

/** docker-registry with a base config (storage, address) plus `extra` YAML (log, notifications). */
async function startDockerRegistry(dir: string, extra: string): Promise<Process & { host: string }> {
  const port = await freePort();
  const configFile = join(dir, `registry-${port}.yml`);
  await writeFile(
    configFile,
    [
      'version: 0.1',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${JSON.stringify(join(dir, 'registry-storage'))}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      `  secret: ${randomBytes(16).toString('hex')}`,
      extra,
    ].join('\n'),
  );
  const url = `http://127.0.0.1:${port}`;
  const started = await startProcess(
    'docker-registry',
    ['serve', configFile],
    { ...BASE_ENV, HOME: dir },
    async () => {
      const status = await fetch(`${url}/v2/`).then(
        (r) => r.status,
        () => undefined,
      );
      return status === 200 ? url : undefined;
    },
  );
  return { ...started, host: `127.0.0.1:${port}` };
}

interface ShRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A documented block, as POSIX sh runs it (`sh` is dash on Debian: no bash-isms slip through). */
function runSh(block: CheckedBlock, cwd: string, env: Record<string, string>): Promise<ShRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-eu', '-c', block.text], {
      cwd,
      env: { ...BASE_ENV, HOME: cwd, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Keys of `documented` (recursively) that `actual` lacks: a documented answer names only real fields. */
function missingKeys(documented: unknown, actual: unknown, path = ''): string[] {
  if (documented === null || typeof documented !== 'object') return [];
  if (Array.isArray(documented)) {
    const first = Array.isArray(actual) ? actual[0] : undefined;
    return documented.flatMap((item) => missingKeys(item, first, `${path}[]`));
  }
  const real = (actual ?? {}) as Record<string, unknown>;
  return Object.entries(documented).flatMap(([key, value]) =>
    key in real ? missingKeys(value, real[key], `${path}.${key}`) : [`${path}.${key}`],
  );
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// Servers start in before() and stop in after(), so that a run filtered to other tests starts none.
describe('the documented curl commands, against a real ferry serve', () => {
  let rig: Rig;
  let nonprod: RegistryInstance;
  let prod: RegistryInstance;
  let dir = '';
  const secrets = {
    'api-token': `api-${randomBytes(16).toString('hex')}`,
    'webhook-secret': `whsec_${randomBytes(24).toString('base64')}`,
    'github-secret': `gh-${randomBytes(16).toString('hex')}`,
    'openshift-secret': `os-${randomBytes(12).toString('hex')}`,
  };
  /** One tag per curl block, each a separate image, so each request creates its own promotion. */
  const images = new Map<string, { tag: string; digest: string }>();
  let ferry: Process;
  const answers = new Map<string, unknown>();

  before(async () => {
    rig = await startRig({ anonymous: true });
    nonprod = rig.anonymous!;
    prod = await rig.startRegistry({ auth: 'none' });
    dir = rig.dir;
    for (const [name, value] of Object.entries(secrets))
      await writeFile(join(dir, name), value, { mode: 0o600 });
    // The registry secret is made with the page's own command.
    const setup = await runSh(onlyBlock(blocks, 'setup', 'registry-auth'), dir, {});
    assert.equal(setup.code, 0, setup.stderr);
    const registryAuth = await readFile(join(dir, 'registry-auth'), 'utf8');
    assert.match(registryAuth, /^Bearer [0-9a-f]{64}$/);

    for (const [index, trigger] of Object.keys(TRIGGER_KINDS).entries()) {
      const tag = `${(0xabc000 + index).toString(16)}${randomBytes(2).toString('hex')}`;
      const image = await buildImage({ layers: [2_000], seed: `docs-${trigger}-${tag}`, format: 'oci' });
      images.set(trigger, { tag, digest: await pushImage(nonprod, 'team-a/app', tag, image) });
    }
    const configured = parse(onlyBlock(blocks, 'config', 'distribution').text) as {
      triggers: { distribution: Record<string, unknown> };
    };
    const registryHook = {
      ...configured.triggers.distribution,
      authorization: { file: join(dir, 'registry-auth') },
    };
    const port = await freePort();
    const configFile = join(dir, 'ferry.yaml');
    await writeFile(
      configFile,
      stringify({
        version: 1,
        server: { listen: `127.0.0.1:${port}`, dataDir: join(dir, 'data') },
        environments: {
          nonprod: { registry: nonprod.host, tls: { verify: false }, credentials: { anonymous: true } },
          prod: { registry: prod.host, tls: { verify: false }, credentials: { anonymous: true } },
        },
        promotions: [documentedRule(Object.values(RULE_TRIGGER_NAMES))],
        triggers: {
          api: { enabled: true },
          standardWebhooks: { enabled: true, secrets: [{ file: join(dir, 'webhook-secret') }] },
          github: { enabled: true, secrets: [{ file: join(dir, 'github-secret') }] },
          openshift: { enabled: true, secrets: [{ file: join(dir, 'openshift-secret') }] },
          distribution: registryHook,
          harbor: registryHook,
        },
        apiTokens: [
          { name: 'ci', role: 'promoter', sha256: sha256(secrets['api-token']) },
          { name: 'approver', role: 'approver', sha256: sha256(`unused-${randomBytes(8).toString('hex')}`) },
        ],
      }),
    );
    ferry = await startFerry(configFile, dir);
  });
  after(async () => {
    await ferry?.stop();
    await rig?.stop();
  });

  for (const trigger of Object.keys(TRIGGER_KINDS)) {
    test(`${trigger}: the documented curl creates a promotion`, async () => {
      const image = images.get(trigger)!;
      const run = await runSh(onlyBlock(blocks, 'curl', trigger), dir, {
        FERRY_URL: ferry.url,
        GIT_COMMIT: image.tag,
        IMAGE_DIGEST: image.digest,
        NON_PROD_REGISTRY: nonprod.host,
        PROD_REGISTRY: prod.host,
      });
      assert.equal(run.code, 0, `exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
      const answer = JSON.parse(run.stdout) as Record<string, unknown>;
      answers.set(trigger, answer);
      const accepted = (REGISTRY_TRIGGERS.has(trigger) ? (answer.promotions as unknown[])[0] : answer) as {
        promotion: Record<string, unknown>;
        created: boolean;
        url: string;
      };
      assert.ok(accepted, `an accepted promotion in ${run.stdout}`);
      if (REGISTRY_TRIGGERS.has(trigger)) assert.deepEqual(answer.ignored, []);
      assert.equal(accepted.created, true);
      assert.equal(accepted.promotion.triggerKind, TRIGGER_KINDS[trigger]);
      const source = accepted.promotion.source as Record<string, unknown>;
      assert.deepEqual(
        [source.repository, source.tag, source.digest],
        ['team-a/app', image.tag, image.digest],
      );
      assert.ok(accepted.url.startsWith(ferry.url), accepted.url);
      // Secrets never come back.
      for (const value of Object.values(secrets)) assert.ok(!run.stdout.includes(value));
    });
  }

  test('the documented answers name only fields the real answers have', () => {
    const documented = JSON.parse(onlyBlock(blocks, 'answer').text);
    assert.deepEqual(missingKeys(documented, answers.get('standard-webhook')), []);
    const registry = JSON.parse(onlyBlock(blocks, 'answer', 'registry').text);
    const real = answers.get('distribution') as { promotions: unknown[] };
    // The real answer had nothing to ignore; the documented entry's fields are IgnoredEvent's.
    const ignored = { event: 'x', code: 'x', reason: 'x' };
    assert.deepEqual(missingKeys(registry, { ...real, ignored: [ignored] }), []);
  });

  test('a delivery sent again with the same webhook-id is answered 409 with the first promotion', async () => {
    const tag = `ee${randomBytes(4).toString('hex')}`;
    const image = await buildImage({ layers: [2_000], seed: `docs-replay-${tag}`, format: 'oci' });
    await pushImage(nonprod, 'team-a/app', tag, image);
    const block = onlyBlock(blocks, 'curl', 'standard-webhook');
    const idLine = /^id=.*$/m;
    assert.match(block.text, idLine);
    const replayed = { ...block, text: block.text.replace(idLine, `id=msg_replay_${tag}`) };
    const env = { FERRY_URL: ferry.url, GIT_COMMIT: tag };
    const first = await runSh(replayed, dir, env);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    const again = await runSh(replayed, dir, env);
    assert.equal(again.code, 22, 'curl --fail-with-body exits 22 on the 409');
    const answer = JSON.parse(again.stdout);
    assert.equal(answer.code, 'FERRY_E_TRIGGER_DUPLICATE_DELIVERY');
    assert.equal(answer.promotion.id, JSON.parse(first.stdout).promotion.id);
    assert.equal(answer.created, false);
    assert.equal(typeof answer.url, 'string');
  });

  test('--fail-with-body shows why ferry refused (a wrong signature)', async () => {
    const block = onlyBlock(blocks, 'curl', 'standard-webhook');
    const run = await runSh(
      {
        ...block,
        text: block.text.replace('$(cat webhook-secret)', 'whsec_d3Jvbmctc2VjcmV0LWZvci10aGUtdGVzdA=='),
      },
      dir,
      { FERRY_URL: ferry.url, GIT_COMMIT: images.get('api')!.tag },
    );
    assert.equal(run.code, 22, 'curl exits 22 on an HTTP error');
    assert.equal(JSON.parse(run.stdout).code, 'FERRY_E_TRIGGER_BAD_SIGNATURE');
  });
});

describe('the documented distribution notifications, on a real docker-registry', () => {
  let rig: Rig;
  let prod: RegistryInstance;
  let temp: TempDir;
  /** Stopped after the suite, last started first. */
  const running: Process[] = [];
  const viewerToken = `viewer-${randomBytes(16).toString('hex')}`;
  let registryAuth = '';
  let ferryPort = 0;
  /** The page's notifications block, pointed at this test's ferry and secret. */
  let notifications = '';

  before(async () => {
    rig = await startRig({ anonymous: true });
    prod = rig.anonymous!;
    temp = await makeTempDir('docs-registry');
    const setup = await runSh(onlyBlock(blocks, 'setup', 'registry-auth'), temp.path, {});
    assert.equal(setup.code, 0, setup.stderr);
    registryAuth = await readFile(join(temp.path, 'registry-auth'), 'utf8');
    ferryPort = await freePort();
    const documented = onlyBlock(blocks, 'registry-config', 'distribution').text;
    assert.ok(documented.includes(`${DOC_FERRY_URL}/`) && documented.includes(DOC_AUTHORIZATION));
    notifications = documented
      .replace(DOC_FERRY_URL, `http://127.0.0.1:${ferryPort}`)
      .replace(DOC_AUTHORIZATION, registryAuth);
  });

  test('at log level info, docker-registry prints the Authorization header when it starts, as the page says', async () => {
    const registry = await startDockerRegistry(
      temp.path,
      `log:\n  level: info\n  formatter: text\n${notifications}`,
    );
    await registry.stop();
    // The page quotes the line with its URL and the placeholder; here it carries the real values.
    const quoted = /msg="(configuring endpoint ferry [^"]*)"/.exec(markdown)?.[1];
    assert.ok(quoted, 'the page quotes the start-up line');
    const expected = quoted
      .replace(DOC_FERRY_URL, `http://127.0.0.1:${ferryPort}`)
      .replace(DOC_AUTHORIZATION, registryAuth);
    assert.ok(expected.includes(registryAuth));
    assert.ok(registry.output().includes(`msg="${expected}"`), registry.output());
  });

  test('at warn, a push reaches ferry as a promotion of the opted-in rule, and the header is never printed', async () => {
    const registry = await startDockerRegistry(temp.path, `log:\n  level: warn\n${notifications}`);
    running.push(registry);
    // Pushed while ferry is down: the delivery fails, and the registry must retry it later.
    const tag = `fe${randomBytes(4).toString('hex')}`;
    const image = await buildImage({ layers: [2_000], seed: `docs-registry-${tag}`, format: 'oci' });
    const digest = await pushImage({ url: registry.url }, 'team-a/app', tag, image);

    const configured = parse(onlyBlock(blocks, 'config', 'distribution').text) as {
      triggers: { distribution: Record<string, unknown> };
    };
    const configFile = join(temp.path, 'ferry.yaml');
    await writeFile(
      configFile,
      stringify({
        version: 1,
        server: { listen: `127.0.0.1:${ferryPort}`, dataDir: join(temp.path, 'data') },
        environments: {
          nonprod: { registry: registry.host, tls: { verify: false }, credentials: { anonymous: true } },
          prod: { registry: prod.host, tls: { verify: false }, credentials: { anonymous: true } },
        },
        promotions: [documentedRule()],
        triggers: {
          api: { enabled: false },
          distribution: {
            ...configured.triggers.distribution,
            authorization: { file: join(temp.path, 'registry-auth') },
          },
        },
        apiTokens: [
          { name: 'viewer', role: 'viewer', sha256: sha256(viewerToken) },
          { name: 'approver', role: 'approver', sha256: sha256(`unused-${randomBytes(8).toString('hex')}`) },
        ],
      }),
    );
    const ferry = await startFerry(configFile, temp.path);
    running.push(ferry);

    // distribution retries a failing endpoint after `backoff` (10 s in the page's config).
    const deadline = Date.now() + 45_000;
    let found: Record<string, unknown> | undefined;
    while (found === undefined && Date.now() < deadline) {
      const response = await fetch(`${ferry.url}/api/v1/promotions`, {
        headers: { authorization: `Bearer ${viewerToken}` },
      });
      const { promotions } = (await response.json()) as { promotions: Record<string, unknown>[] };
      found = promotions.find((p) => (p.source as { tag: string }).tag === tag);
      if (found === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(found, `no promotion of ${tag}\nregistry:\n${registry.output()}\nferry:\n${ferry.output()}`);
    assert.equal(found.triggerKind, 'distribution');
    assert.equal(found.rule, documentedRule().name);
    assert.equal((found.source as { digest: string }).digest, digest);
    // The rule requires an approval: a registry push alone does not reach production.
    assert.equal(found.status, 'awaiting_approval');

    assert.match(registry.output(), /connection refused/, 'the first deliveries failed (and were logged)');
    assert.ok(!registry.output().includes(registryAuth), 'the header value is not in the registry output');
    assert.ok(!ferry.output().includes(registryAuth), "nor in ferry's");
  });

  after(async () => {
    for (const started of running.reverse()) await started.stop();
    await rig?.stop();
    await temp?.remove();
  });
});
