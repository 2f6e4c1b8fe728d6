// Bundles the CLI so `ferry` starts fast (no resolution of hundreds of files at start-up).
// `--version` is answered by the small entry chunk; commands load their chunk on demand.
import { readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * undici's HTTP/2 client, which loads node:http2 when undici's Client module is evaluated, is left out:
 * ferry never sets `allowH2`, so ALPN offers only http/1.1 and undici never calls it (client.js picks
 * it only when the server chose 'h2'). node:http2 was ~2% of a no-op copy's CPU (V8 CPU profile). Should
 * h2 ever be enabled, the stub says so at the first connection instead of failing obscurely.
 */
const noUndiciH2 = {
  name: 'no-undici-h2',
  setup(b) {
    b.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
      /[\\/]undici[\\/]lib[\\/]dispatcher$/.test(args.resolveDir)
        ? { path: 'undici-client-h2', namespace: 'no-undici-h2' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'no-undici-h2' }, () => ({
      contents:
        "module.exports = function connectH2() { throw new Error('ferry is built without HTTP/2 (undici allowH2 must stay off)') }",
      loader: 'js',
    }));
  },
};

/**
 * zod/mini (used by src/oci/manifest.ts, on the path of every copy) gets a zod core of its own.
 * esbuild splits chunks per file, not per statement: zod's core files are shared with the classic API
 * (the service's and sync's config schemas), so the copy path loaded the union of both (~416 KB
 * minified, mostly the classic API's) although mini needs ~25 KB of it. That chunk was ~11% of a no-op
 * copy's CPU (V8 CPU profile); bundled on their own, importing zod classic with the manifest schemas
 * cost ~120 ms CPU over `node -e 0` on the loaded test machine, zod/mini 10-40 ms. Resolving zod/mini's
 * files in a namespace of their own makes them distinct modules, tree-shaken for what manifest.ts uses.
 * Nothing is shared between the two copies: manifest.ts turns zod's errors into FerryErrors, so no zod
 * object crosses from one copy to the other.
 */
const zodMiniCopy = {
  name: 'zod-mini-copy',
  setup(b) {
    const ns = 'zod-mini-copy';
    b.onResolve({ filter: /^zod\/(mini|v4\/locales\/en\.js)$/ }, async (args) => {
      if (args.pluginData === ns) return undefined; // our own look-up below: esbuild's resolution
      const found = await b.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: ns,
      });
      if (found.errors.length > 0) return { errors: found.errors };
      return { path: found.path, namespace: ns, sideEffects: false };
    });
    b.onResolve({ filter: /^\./, namespace: ns }, (args) => ({
      path: resolve(args.resolveDir, args.path),
      namespace: ns,
      sideEffects: false,
    }));
    b.onLoad({ filter: /.*/, namespace: ns }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

// Stale chunks from earlier builds would otherwise pile up (chunk names carry content hashes).
await rm('dist', { recursive: true, force: true });

await build({
  // The embedded database runs in a worker thread, which starts from a file of its own
  // (src/service/store/pglite-thread-client.ts looks for it beside the chunks).
  entryPoints: { ferry: 'src/cli/main.ts', 'pglite-thread': 'src/service/store/pglite-thread.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  legalComments: 'none',
  // Smaller input = less parsing at start-up, which dominates short commands (no-op copy, digest).
  minify: true,
  logLevel: 'warning',
  plugins: [zodMiniCopy, noUndiciH2],
  // PGlite loads its .wasm/.data files from beside its own modules at run time; pg-native is optional;
  // sodium-native (the session cookies' cipher) loads its prebuilt addon from its own package folder.
  external: ['@electric-sql/pglite', 'pg-native', 'sodium-native'],
  // undici and other CommonJS dependencies call require() for node built-ins.
  banner: {
    js: "import { createRequire as __ferryCreateRequire } from 'node:module'; const require = __ferryCreateRequire(import.meta.url);",
  },
});

// The dashboard (web/), built after the CLI bundle (which empties dist/) into dist/web/, where
// `ferry serve` finds it beside its chunks.
const { build: buildWeb } = await import('vite');
await buildWeb({ configFile: 'web/vite.config.ts', logLevel: 'warn' });
// What a browser downloads on the first visit (issue 14 budget: under 200 kB of JS, gzipped).
let gzipped = 0;
for (const name of await readdir('dist/web/assets')) {
  if (name.endsWith('.js'))
    gzipped += gzipSync(await readFile(join('dist/web/assets', name)), { level: 9 }).length;
}
console.log(`dashboard: dist/web/, JavaScript ${(gzipped / 1000).toFixed(1)} kB gzipped`);
