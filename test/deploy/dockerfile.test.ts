/**
 * deploy/Dockerfile and .dockerignore: every file COPY takes from the build context exists and is not
 * ignored, `--from=` names an earlier stage, the runtime stage installs production dependencies only
 * and runs the bundle as the non-root user; and, from package-lock.json, the production install holds
 * no dev dependency but every package the bundle leaves external.
 */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  bundleExternals,
  copies,
  execForm,
  isIgnored,
  optionalPeers,
  parseDockerfile,
  productionPackages,
  requiredBy,
  type Stage,
} from './support/dockerfile.ts';
import { DEPLOY, REPO } from './support/repo-files.ts';

const dockerfile = parseDockerfile(await readFile(join(DEPLOY, 'Dockerfile'), 'utf8'));
const dockerignore = await readFile(join(REPO, '.dockerignore'), 'utf8');
const packageJson = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock: unknown = JSON.parse(await readFile(join(REPO, 'package-lock.json'), 'utf8'));
const buildScript = await readFile(join(REPO, 'scripts/build.mjs'), 'utf8');

const runtime = dockerfile.stages.at(-1)!;
const build = dockerfile.stages.find((s) => s.name === 'build');

function only(stage: Stage, keyword: string): string {
  const found = stage.instructions.filter((i) => i.keyword === keyword);
  assert.equal(found.length, 1, `one ${keyword} in stage ${stage.name}`);
  return found[0]!.args;
}

function runs(stage: Stage): string {
  return stage.instructions
    .filter((i) => i.keyword === 'RUN')
    .map((i) => i.args)
    .join('\n');
}

describe('deploy/Dockerfile', () => {
  test('two stages on Node 24: build, then runtime', () => {
    assert.deepEqual(
      dockerfile.stages.map((s) => s.name),
      ['build', 'runtime'],
    );
    for (const stage of dockerfile.stages)
      assert.match(stage.image, /^node:24(-[a-z-]+)?(@sha256:[0-9a-f]{64})?$/);
    assert.match(runtime.image, /slim/);
  });

  test('every COPY source exists in the build context and is not ignored; --from names an earlier stage', async () => {
    const stageNames = dockerfile.stages.map((s) => s.name);
    let count = 0;
    for (const [index, stage] of dockerfile.stages.entries()) {
      for (const copy of copies(stage)) {
        if (copy.from !== undefined) {
          const from = stageNames.indexOf(copy.from);
          assert.ok(
            from !== -1 && from < index,
            `line ${copy.line}: --from=${copy.from} is an earlier stage`,
          );
          continue;
        }
        for (const source of copy.sources) {
          count++;
          assert.ok(!/[*?[]/.test(source), `line ${copy.line}: no globs (${source})`);
          const path = source.replace(/\/$/, '');
          await stat(join(REPO, path)).catch(() =>
            assert.fail(`line ${copy.line}: ${source} does not exist`),
          );
          assert.equal(
            isIgnored(path, dockerignore),
            false,
            `line ${copy.line}: ${source} is in .dockerignore`,
          );
        }
      }
    }
    assert.ok(count >= 6);
  });

  test('the build stage installs, bundles with scripts/build.mjs and smoke-tests the bundle', () => {
    assert.ok(build);
    assert.match(runs(build), /npm ci\b/);
    assert.match(runs(build), /node scripts\/build\.mjs/);
    assert.match(runs(build), /node dist\/ferry\.mjs --version/);
  });

  test('the runtime stage installs production dependencies only, and copies only the bundle', () => {
    const install = runs(runtime);
    assert.match(install, /npm ci\b[^\n&]*--omit=dev/);
    assert.match(install, /npm ci\b[^\n&]*--ignore-scripts/);
    const fromContext = copies(runtime)
      .filter((c) => c.from === undefined)
      .flatMap((c) => c.sources);
    assert.deepEqual(fromContext.sort(), ['package-lock.json', 'package.json']);
    const fromBuild = copies(runtime).filter((c) => c.from === 'build');
    assert.deepEqual(
      fromBuild.map((c) => [c.sources, c.destination]),
      [[['/src/dist/'], 'dist/']],
    );
    assert.equal(only(runtime, 'WORKDIR'), '/app');
  });

  test('runtime: non-root user, entrypoint, command, port, health check, data volume, labels', () => {
    assert.equal(only(runtime, 'USER'), '10001:10001');
    assert.deepEqual(execForm(only(runtime, 'ENTRYPOINT')), ['node', '/app/dist/ferry.mjs']);
    assert.deepEqual(execForm(only(runtime, 'CMD')), ['serve', '--config', '/etc/ferry/ferry.yaml']);
    assert.equal(only(runtime, 'EXPOSE'), '8080');
    assert.deepEqual(execForm(only(runtime, 'VOLUME')), ['/var/lib/ferry']);
    const healthcheck = only(runtime, 'HEALTHCHECK');
    assert.match(healthcheck, /CMD \["node", "-e", .*fetch\('http:\/\/127\.0\.0\.1:8080\/healthz'\)/);
    const labels = only(runtime, 'LABEL');
    for (const key of ['title', 'description', 'source', 'licenses', 'version', 'revision'])
      assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}=`), key);
    assert.match(labels, /licenses="Apache-2\.0"/);
  });
});

describe('.dockerignore', () => {
  test('keeps out local state, build output and tests, and lets in what the build needs', () => {
    const ignored = [
      'node_modules/undici/index.js',
      'dist/ferry.mjs',
      '.git/HEAD',
      '.tmp/commit.sh',
      'test/architecture.test.ts',
      'src/cli/program.test.ts',
      'bench/results.md',
      'deploy/Dockerfile',
      'debug.log',
    ];
    const kept = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'scripts/build.mjs',
      'src/cli/main.ts',
    ];
    assert.deepEqual(
      ignored.filter((p) => !isIgnored(p, dockerignore)),
      [],
    );
    assert.deepEqual(
      kept.filter((p) => isIgnored(p, dockerignore)),
      [],
    );
  });

  test('pattern semantics: last match wins, ! re-includes, * stays in a segment', () => {
    const rules = 'build\n*.md\n!README.md\n**/*.tmp\n';
    assert.equal(isIgnored('build/x/y', rules), true);
    assert.equal(isIgnored('notes.md', rules), true);
    assert.equal(isIgnored('README.md', rules), false);
    assert.equal(isIgnored('docs/notes.md', rules), false);
    assert.equal(isIgnored('a/b/c.tmp', rules), true);
  });
});

describe('the production install (npm ci --omit=dev, computed from package-lock.json)', () => {
  const production = productionPackages(lock);

  test('holds every dependency and none of the dev dependencies', () => {
    const missing = Object.keys(packageJson.dependencies).filter((name) => !production.has(name));
    assert.deepEqual(missing, []);
    // Build and test tooling never reaches production.
    const tools = ['typescript', '@biomejs/biome', 'esbuild', 'node', 'kubernetes-models'];
    assert.deepEqual(
      tools.filter((name) => production.has(name)),
      [],
    );
    assert.deepEqual(
      [...production].filter((name) => name.startsWith('@esbuild/') || name.startsWith('@types/')),
      [],
    );
    // A devDependency may only be there because a production package needs it too (e.g. ajv, which
    // fastify uses), never because it is a devDependency.
    const unexplained = Object.keys(packageJson.devDependencies).filter(
      (name) => production.has(name) && requiredBy(lock, name).length === 0,
    );
    assert.deepEqual(unexplained, []);
  });

  test('holds every package the bundle leaves external (or it is an optional peer, loaded only if present)', () => {
    const externals = bundleExternals(buildScript);
    assert.ok(externals.includes('@electric-sql/pglite'));
    const peers = optionalPeers(lock, production);
    assert.deepEqual(
      externals.filter((name) => !production.has(name) && !peers.has(name)),
      [],
    );
    // pglite is the one that must really be installed: the embedded database cannot start without it.
    assert.ok(production.has('@electric-sql/pglite'));
  });

  test('a lock file that leaks a dev package into production is caught', () => {
    const leaky = {
      packages: {
        '': { name: 'ferry' },
        'node_modules/esbuild': { version: '0.28.2' },
        'node_modules/typescript': { version: '7.0.2', dev: true },
        'node_modules/pg': { version: '8.23.1' },
      },
    };
    const set = productionPackages(leaky);
    assert.deepEqual([...set].sort(), ['esbuild', 'pg']);
    // esbuild is in the set and nothing in production needs it: the check above would report it.
    assert.deepEqual(requiredBy(leaky, 'esbuild'), []);
    assert.ok(set.has('esbuild') && 'esbuild' in packageJson.devDependencies);
  });
});
