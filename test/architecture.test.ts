import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/**
 * The layering from docs/architecture.md: errors ← reference, oci ← auth ← registry ← copy. Each library
 * layer may import only the layers listed for it; none may import cli/, service/, web code or a DB /
 * HTTP-server package. A violation names the file and the import.
 */
const ALLOWED: Record<string, readonly string[]> = {
  errors: [],
  reference: ['errors'],
  oci: ['errors'],
  auth: ['errors', 'reference'],
  registry: ['errors', 'reference', 'oci', 'auth'],
  copy: ['errors', 'reference', 'oci', 'auth', 'registry', 'layout'],
  layout: ['errors', 'reference', 'oci'],
  // Pure YAML generation for `ferry bootstrap`: must not reach into service/ (its config schema included).
  bootstrap: ['errors', 'reference'],
  yaml: [],
  // The HTTP contract (issue 13): imported by service/http, the CLI and the dashboard, never the reverse.
  api: ['errors', 'reference'],
  sync: ['errors', 'reference', 'oci', 'auth', 'registry', 'copy', 'layout', 'yaml'],
  // Cosign signature verification, shared by the containers policy and the service's signature gate.
  signature: ['errors', 'reference', 'oci', 'registry'],
  // containers policy.json, evaluated through copy's admission hook.
  policy: ['errors', 'reference', 'oci', 'auth', 'registry', 'copy', 'signature'],
};
const FORBIDDEN_PACKAGES = /^(pg|@electric-sql\/pglite|fastify|@fastify\/.*|react|react-dom|pino|commander)$/;

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
  }
}

test('library layers import only the layers beneath them', async () => {
  const violations: string[] = [];
  for (const [layer, allowed] of Object.entries(ALLOWED)) {
    for await (const file of walk(join(SRC, layer))) {
      const text = await readFile(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)) {
        const spec = m[1]!;
        if (spec.startsWith('.')) {
          const target = relative(SRC, resolve(file, '..', spec)).split('/')[0]!;
          if (target !== layer && !allowed.includes(target))
            violations.push(`${relative(SRC, file)} imports ${spec} (${target})`);
        } else if (FORBIDDEN_PACKAGES.test(spec)) {
          violations.push(`${relative(SRC, file)} imports package ${spec}`);
        }
      }
    }
  }
  assert.deepEqual(violations, []);
});

/**
 * `cli/` talks to a server only through `api/` (the contract). The only files that may reach into
 * `service/` are those of the commands that *run* the service in-process: `serve` starts it, and
 * `config check` validates with its loader. Dynamic `import()` counts: the commands load lazily.
 */
const CLI_SERVICE_ALLOW_LIST: readonly string[] = [
  'cli/commands/serve.ts',
  'cli/config-check/run-config-check.ts',
];

test('cli/ imports service/ only from the commands that run the service (serve, config check)', async () => {
  const violations: string[] = [];
  for await (const file of walk(join(SRC, 'cli'))) {
    const name = relative(SRC, file);
    if (CLI_SERVICE_ALLOW_LIST.includes(name)) continue;
    const text = await readFile(file, 'utf8');
    const specs = [
      ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms),
      ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
    ].map((m) => m[1]!);
    for (const spec of specs) {
      if (!spec.startsWith('.')) continue;
      if (relative(SRC, resolve(file, '..', spec)).split('/')[0] === 'service')
        violations.push(`${name} imports ${spec}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the allow-listed service-running commands exist and do import service/ (the list stays honest)', async () => {
  for (const name of CLI_SERVICE_ALLOW_LIST) {
    const text = await readFile(join(SRC, name), 'utf8');
    assert.match(text, /'\.\.\/\.\.\/service\//, `${name} is allow-listed but does not import service/`);
  }
});
