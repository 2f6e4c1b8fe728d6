import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../rig/temp-dir.ts';
import { runFerry } from '../support/run-ferry.ts';

/*
 * `ferry config check` as users run it (bin/ferry): every example configuration in docs/ and deploy/
 * passes, broken ones fail with exit 2 naming the key, and nothing is started.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const temp = await makeTempDir('config-check');
after(() => temp.remove());

/** ```yaml fences of a markdown file that are whole ferry.yaml files (they have `promotions:`). */
function configFences(markdown: string): { line: number; body: string }[] {
  const found: { line: number; body: string }[] = [];
  for (const m of markdown.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)) {
    if (/^promotions:/m.test(m[1]!)) {
      found.push({ line: markdown.slice(0, m.index).split('\n').length, body: m[1]! });
    }
  }
  return found;
}

async function deployConfigs(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(ROOT, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await deployConfigs(path)));
    else if (entry.name === 'ferry.yaml') out.push(path);
  }
  return out;
}

test('every example ferry.yaml in docs/ and deploy/ passes (exit 0), and so does the printed example', async () => {
  const files: string[] = [];
  for (const name of (await readdir(join(ROOT, 'docs'))).filter((n) => n.endsWith('.md'))) {
    for (const fence of configFences(await readFile(join(ROOT, 'docs', name), 'utf8'))) {
      const file = join(temp.path, `${name}-line-${fence.line}.yaml`);
      await writeFile(file, fence.body);
      files.push(file);
    }
  }
  const deployed = await deployConfigs('deploy');
  assert.ok(deployed.length >= 2, `only ${deployed.length} ferry.yaml files under deploy/`);
  files.push(...deployed.map((path) => join(ROOT, path)));
  const example = join(temp.path, 'example.yaml');
  const printed = await runFerry(['serve', '--print-example-config']);
  await writeFile(example, printed.stdout);
  files.push(example);
  assert.ok(files.length >= 5, `only ${files.length} example configurations found`);
  for (const file of files) {
    // Their secret files live on a cluster's mounts: --file-only checks the file alone.
    const run = await runFerry(['config', 'check', '--file-only', file]);
    assert.equal(run.code, 0, `${file}: ${run.stderr}`);
    assert.equal(run.stdout, `${file}: valid (referenced files and variables not checked)\n`);
  }
});

test('a misspelt key: exit 2 naming the key, its line and the likely fix', async () => {
  const file = join(temp.path, 'misspelt.yaml');
  await writeFile(
    file,
    `version: 1
environments:
  nonprod: { registry: reg.nonprod.example, credentials: { anonymous: true } }
  prod: { registry: reg.prod.example, credentials: { anonymous: true } }
promotions:
  - name: team-a
    from: nonprod:team-a/*
    to: prod:team-a/*
    tagz: '[0-9a-f]{7,40}'
`,
  );
  const run = await runFerry(['config', 'check', file]);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /^ferry: config check: invalid configuration in .*misspelt\.yaml/);
  assert.match(run.stderr, /misspelt\.yaml:9:5: promotions\[0\]\.tagz: unknown key; did you mean "tags"\?/);
  assert.match(run.stderr, /\[FERRY_E_CONFIG\]\n$/);

  const json = await runFerry(['config', 'check', '--json', file]);
  assert.equal(json.code, 2);
  const result = JSON.parse(json.stdout) as { valid: boolean; problems: { path: string; line: number }[] };
  assert.equal(result.valid, false);
  assert.deepEqual(
    result.problems.map((p) => [p.path, p.line]),
    // The misspelt key, and the required one it was meant to be.
    [
      ['promotions[0].tags', 6],
      ['promotions[0].tagz', 9],
    ],
  );
});

test('without --file-only the files it names are read, as ferry serve would: a missing secret file is exit 2', async () => {
  const secret = join(temp.path, 'webhook-secret');
  await writeFile(secret, 'whsec_c2VjcmV0LXZhbHVlLTAxMjM0NTY3ODk=\n');
  const config = (secretFile: string) => `version: 1
server: { dataDir: ${join(temp.path, 'data')} }
environments:
  nonprod: { registry: reg.nonprod.example, credentials: { anonymous: true } }
  prod: { registry: reg.prod.example, credentials: { anonymous: true } }
promotions:
  - { name: team-a, from: 'nonprod:team-a/*', to: 'prod:team-a/*', tags: '[0-9a-f]{7,40}' }
triggers:
  standardWebhooks: { enabled: true, secrets: [ { file: ${secretFile} } ] }
`;
  const good = join(temp.path, 'good.yaml');
  await writeFile(good, config(secret));
  const ok = await runFerry(['config', 'check', good]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, `${good}: valid\n`);
  assert.ok(!(ok.stdout + ok.stderr).includes('c2VjcmV0'), 'the secret is never printed');
  assert.deepEqual(
    await readdir(temp.path).then((names) => names.includes('data')),
    false,
    'nothing started',
  );

  const missing = join(temp.path, 'missing-secret.yaml');
  await writeFile(missing, config(join(temp.path, 'no-such-secret')));
  const bad = await runFerry(['config', 'check', missing]);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(
    bad.stderr,
    /triggers\.standardWebhooks\.secrets\[0\]: cannot read secret file .*no-such-secret: file does not exist/,
  );
  assert.equal((await runFerry(['config', 'check', '--file-only', missing])).code, 0);

  const absent = await runFerry(['config', 'check', join(temp.path, 'absent.yaml')]);
  assert.equal(absent.code, 2);
  assert.match(absent.stderr, /absent\.yaml: cannot read config file: file does not exist/);
});
