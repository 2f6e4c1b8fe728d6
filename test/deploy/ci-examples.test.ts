/**
 * The CI examples in deploy/examples: their YAML is well-formed for its CI system, and every `ferry …`
 * command line in them (Jenkinsfile `sh` steps, workflow `run` scripts, Tekton step scripts, the
 * migration guide's code blocks) is expanded like the shell would and parsed by ferry's real command
 * line parser in dry-run mode. Triggers are also checked with the trigger's own flag validation, must
 * keep secrets out of argv, and each example must wait for the promotion's result.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseCommandLine } from '../../src/cli/program.ts';
import { parseTriggerFlags, type TriggerFlags } from '../../src/cli/trigger/trigger-flags.ts';
import {
  blockAfter,
  type CiScript,
  fencedBlocks,
  githubScripts,
  jenkinsScripts,
  PLACEHOLDER_SHA,
  tektonScripts,
} from './support/ci-scripts.ts';
import { validateObject } from './support/kube-schemas.ts';
import { DEPLOY, isObject, type JsonObject, readYaml } from './support/repo-files.ts';
import { type FerryCommand, ferryCommands } from './support/shell-commands.ts';

const EXAMPLES = join(DEPLOY, 'examples');

interface Checked {
  readonly command: string;
  readonly wait: boolean;
}

/**
 * Problems of every ferry command line in `scripts`; returns what was found. Throws (fails the test)
 * with every problem listed.
 */
async function checkFerryCommands(scripts: readonly CiScript[]): Promise<Checked[]> {
  const problems: string[] = [];
  const checked: Checked[] = [];
  for (const script of scripts) {
    problems.push(...script.problems.map((p) => `${script.where}: ${p}`));
    const vars = (name: string) => script.vars[name];
    for (const command of ferryCommands(script.script, vars)) {
      const where = `${script.where} (script line ${command.line}): ferry ${command.argv.join(' ')}`;
      const found = await commandProblems(command, script);
      problems.push(...found.map((p) => `${where}: ${p}`));
      checked.push({ command: command.argv[0] ?? '', wait: command.argv.includes('--wait') });
    }
  }
  assert.deepEqual(problems, []);
  return checked;
}

async function commandProblems(command: FerryCommand, script: CiScript): Promise<string[]> {
  const problems = [...command.problems];
  for (const name of command.variables)
    if (script.secretVars.includes(name)) problems.push(`secret $${name} on the command line`);
  const parsed = await parseCommandLine(command.argv);
  if (!parsed.ok) return [...problems, parsed.error];
  const { options } = parsed;
  switch (parsed.command.join(' ')) {
    case 'trigger': {
      // trigger accepts unknown flags so that it can refuse them without echoing a secret: here any
      // leftover word is a typo the real run would reject.
      if (parsed.args.length > 0) problems.push(`unknown arguments: ${parsed.args.join(' ')}`);
      if (options.secret !== undefined || options.token !== undefined) problems.push('secret in argv');
      if (options.insecure) problems.push('--insecure');
      try {
        parseTriggerFlags(options as unknown as TriggerFlags, {});
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
      if (options.secretFile === undefined && !script.secretVars.includes('FERRY_WEBHOOK_SECRET'))
        problems.push('no webhook secret: --secret-file or FERRY_WEBHOOK_SECRET from a secret');
      if (options.wait && options.tokenFile === undefined && !script.secretVars.includes('FERRY_TOKEN'))
        problems.push('--wait without a token: --token-file or FERRY_TOKEN from a secret');
      break;
    }
    case 'copy': {
      for (const flag of [
        'srcCreds',
        'destCreds',
        'srcPassword',
        'destPassword',
        'srcRegistryToken',
        'destRegistryToken',
      ])
        if (options[flag] !== undefined) problems.push(`${flag}: a credential in argv`);
      if (options.srcTlsVerify === false || options.destTlsVerify === false)
        problems.push('TLS verification off');
      for (const ref of parsed.args)
        if (!ref.startsWith('docker://')) problems.push(`unexpected reference ${ref}`);
      break;
    }
    default:
      problems.push(`unexpected command ${parsed.command.join(' ')}`);
  }
  return problems;
}

function assertWaitingTrigger(checked: readonly Checked[], name: string): void {
  assert.ok(
    checked.some((c) => c.command === 'trigger' && c.wait),
    `${name}: at least one \`ferry trigger --wait\``,
  );
}

describe('deploy/examples', () => {
  test('Jenkinsfile: declarative, agent by label, credentials bound, ferry trigger --wait', async () => {
    const name = 'Jenkinsfile';
    const text = await readFile(join(EXAMPLES, name), 'utf8');
    assert.match(text, /^pipeline \{/m);
    assert.match(text, /agent \{ label '[^']+' \}/);
    const credentials = text.indexOf('withCredentials([');
    assert.notEqual(credentials, -1);
    assert.match(text, /string\(credentialsId: '[^']+', variable: 'FERRY_WEBHOOK_SECRET'\)/);
    const scripts = jenkinsScripts(text, name);
    const ferryScripts = scripts.filter((s) => /^\s*ferry /m.test(s.script));
    assert.ok(ferryScripts.length > 0);
    // Inside withCredentials, and in single quotes: the shell expands, Groovy never interpolates a secret.
    const block = blockAfter(text, credentials) ?? '';
    for (const script of ferryScripts) {
      assert.ok(block.includes(script.script), `${script.where} runs inside withCredentials`);
      assert.ok(script.quote.startsWith("'"), `${script.where}: single-quoted sh string`);
    }
    assertWaitingTrigger(await checkFerryCommands(scripts), name);
  });

  test('github-actions.yml: a workflow with on/jobs, secrets through env, ferry trigger --wait', async () => {
    const name = 'github-actions.yml';
    const [workflow] = await readYaml(join(EXAMPLES, name));
    assert.ok(isObject(workflow));
    assert.ok(isObject(workflow.on), '`on` is a mapping of events');
    assert.ok(isObject(workflow.jobs) && Object.keys(workflow.jobs).length > 0, 'jobs');
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
      assert.ok(isObject(job), jobName);
      assert.equal(typeof job['runs-on'], 'string', `${jobName}: runs-on`);
      assert.ok(Array.isArray(job.steps) && job.steps.length > 0, `${jobName}: steps`);
      for (const step of job.steps as unknown[]) {
        assert.ok(
          isObject(step) && (typeof step.run === 'string') !== (typeof step.uses === 'string'),
          `${jobName}: a step has run or uses`,
        );
        // Secret-named variables must take their value from the secrets context.
        for (const [key, value] of Object.entries(isObject(step.env) ? step.env : {}))
          if (/SECRET|TOKEN|PASSWORD/.test(key))
            assert.match(String(value), /^\$\{\{ secrets\.[A-Z_]+ \}\}$/, key);
      }
    }
    assertWaitingTrigger(await checkFerryCommands(githubScripts(workflow, name)), name);
  });

  test('tekton.yaml: Task and Pipeline with kind/apiVersion/spec, wired together, ferry trigger --wait', async () => {
    const name = 'tekton.yaml';
    const docs = (await readYaml(join(EXAMPLES, name))) as JsonObject[];
    assert.deepEqual(
      docs.map((d) => d.kind),
      ['Task', 'Pipeline'],
    );
    for (const doc of docs) {
      assert.equal(doc.apiVersion, 'tekton.dev/v1');
      assert.ok(isObject(doc.spec));
      assert.deepEqual(validateObject(doc), []);
    }
    // The Pipeline passes every Task param without a default, and only params the Task declares.
    const task = docs[0]!;
    const taskParams = (task.spec as { params: { name: string; default?: unknown }[] }).params;
    const pipelineTasks = (
      docs[1]!.spec as { tasks: { taskRef: { name: string }; params?: { name: string }[] }[] }
    ).tasks;
    const uses = pipelineTasks.filter((t) => t.taskRef.name === (task.metadata as { name: string }).name);
    assert.equal(uses.length, 1);
    const passed = (uses[0]!.params ?? []).map((p) => p.name);
    assert.deepEqual(
      passed.filter((p) => !taskParams.some((d) => d.name === p)),
      [],
    );
    assert.deepEqual(
      taskParams.filter((p) => p.default === undefined && !passed.includes(p.name)).map((p) => p.name),
      [],
    );
    assertWaitingTrigger(await checkFerryCommands(tektonScripts(docs, name)), name);
  });

  test("prod-pipeline-migration.md: its ferry commands parse; the seed's skopeo command is shown", async () => {
    const name = 'prod-pipeline-migration.md';
    const text = await readFile(join(EXAMPLES, name), 'utf8');
    assert.match(text, /skopeo copy --src-tls-verify=False/);
    // Variables of the seed's prod job and Jenkins; the guide's code uses nothing else.
    const vars = {
      NON_PROD_REGISTRY: 'docker-registry-default.apps.nonprod.example.com',
      PROD_REGISTRY: 'image-registry.openshift-image-registry.svc:5000',
      NON_PROD_PROJECT_NAME: 'team-a',
      PROD_PROJECT_NAME: 'team-a',
      IMAGE_NAME: 'app',
      GIT_COMMIT: PLACEHOLDER_SHA,
      FERRY_WEBHOOK_SECRET: 'secret',
      FERRY_TOKEN: 'secret',
    };
    const scripts = fencedBlocks(text).flatMap((block): CiScript[] => {
      const where = `${name}:${block.line}`;
      if (block.lang === 'sh') return [{ where, script: block.code, vars, secretVars: [], problems: [] }];
      if (block.lang === 'groovy') return jenkinsScripts(block.code, where, vars);
      return [];
    });
    const checked = await checkFerryCommands(scripts);
    assert.deepEqual(checked.map((c) => c.command).sort(), ['copy', 'trigger']);
    assertWaitingTrigger(checked, name);
  });
});

describe('the command-line checks catch mistakes', () => {
  const script = (text: string, extra: Partial<CiScript> = {}): CiScript => ({
    where: 'sample',
    script: text,
    vars: { GIT_COMMIT: PLACEHOLDER_SHA, FERRY_WEBHOOK_SECRET: 's' },
    secretVars: ['FERRY_WEBHOOK_SECRET', 'FERRY_TOKEN'],
    problems: [],
    ...extra,
  });
  const base = 'ferry trigger --server https://ferry.example --image team-a/app --tag "$GIT_COMMIT"';

  test('a valid line passes', async () => {
    const checked = await checkFerryCommands([script(`${base} --wait --timeout 15m`)]);
    assert.deepEqual(checked, [{ command: 'trigger', wait: true }]);
  });

  const cases: [string, string, RegExp][] = [
    ['a misspelt flag', `${base} --wiat`, /unknown arguments: --wiat/],
    ['an invalid timeout', `${base} --wait --timeout soon`, /--timeout/],
    [
      'an invalid tag',
      'ferry trigger --server https://ferry.example --image team-a/app --tag "bad tag"',
      /--tag/,
    ],
    ['an undefined variable', `${base} --git-commit "$GIT_COMIT"`, /\$GIT_COMIT is not defined/],
    [
      'a secret in argv',
      `${base} --label "x=$FERRY_WEBHOOK_SECRET"`,
      /secret \$FERRY_WEBHOOK_SECRET on the command line/,
    ],
    ['the hidden --secret flag', `${base} --secret whsec_x`, /secret in argv/],
    [
      'a copy with TLS off',
      'ferry copy --src-tls-verify=false docker://a/b:c docker://d/e:f',
      /TLS verification off/,
    ],
    ['a continuation lost to a trailing space', `${base} \\ \n  --wait`, /unknown arguments/],
  ];
  for (const [what, line, message] of cases) {
    test(what, async () => {
      await assert.rejects(checkFerryCommands([script(line)]), (err: unknown) => {
        assert.ok(err instanceof assert.AssertionError);
        assert.match(JSON.stringify(err.actual), message);
        return true;
      });
    });
  }
});
