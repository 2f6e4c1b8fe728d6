// Bundles the CLI so `ferry` starts fast (no resolution of hundreds of files at start-up).
// `--version` is answered by the small entry chunk; commands load their chunk on demand.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

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
  // PGlite loads its .wasm/.data files from beside its own modules at run time; pg-native is optional.
  external: ['@electric-sql/pglite', 'pg-native'],
  // undici and other CommonJS dependencies call require() for node built-ins.
  banner: {
    js: "import { createRequire as __ferryCreateRequire } from 'node:module'; const require = __ferryCreateRequire(import.meta.url);",
  },
});
