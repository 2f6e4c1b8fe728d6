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

const WEB = fileURLToPath(new URL('../web/src/', import.meta.url));
const API = join(SRC, 'api');

/** Packages the dashboard may use: the UI stack and zod (through the contract). Never node: built-ins. */
const WEB_PACKAGES =
  /^(react|react-dom(\/client)?|react\/jsx-runtime|react-router|@tanstack\/react-query|@tanstack\/react-virtual|zod)$/;

async function* walkWeb(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walkWeb(path);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.test.ts')) yield path;
  }
}

/**
 * The dashboard talks to the server only through the HTTP API, typed by the contract: web/ imports its
 * own files and src/api/, nothing else of src/ (service/, cli/, the library), and no Node built-in.
 */
test('web/ imports only its own files, src/api/ and the UI packages', async () => {
  const violations: string[] = [];
  let files = 0;
  for await (const file of walkWeb(WEB)) {
    files += 1;
    const text = await readFile(file, 'utf8');
    const specs = [
      ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms),
      ...text.matchAll(/^\s*import\s+'([^']+)'/gm),
      ...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g),
    ].map((m) => m[1]!);
    for (const spec of specs) {
      const where = relative(WEB, file);
      if (spec.startsWith('.')) {
        const target = resolve(file, '..', spec);
        const inWeb = !relative(WEB, target).startsWith('..');
        const inApi = !relative(API, target).startsWith('..');
        if (!inWeb && !inApi) violations.push(`web/src/${where} imports ${spec}`);
      } else if (!WEB_PACKAGES.test(spec)) {
        violations.push(`web/src/${where} imports package ${spec}`);
      }
    }
  }
  assert.ok(files > 10, `found only ${files} files under web/src`);
  assert.deepEqual(violations, []);
});

test("the dashboard's router shows exactly the pages the server answers (DASHBOARD_PATHS)", async () => {
  const app = await readFile(join(WEB, 'app.tsx'), 'utf8');
  const routed = [...app.matchAll(/path=\{DASHBOARD_PATHS\.(\w+)\}/g)].map((m) => m[1]!).sort();
  const { DASHBOARD_PATHS } = await import('../src/api/dashboard-paths.ts');
  assert.deepEqual(routed, Object.keys(DASHBOARD_PATHS).sort());
});
