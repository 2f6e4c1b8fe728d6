// Bundles the CLI so `ferry` starts fast (no resolution of hundreds of files at start-up).
// `--version` is answered by the small entry chunk; commands load their chunk on demand.
import { build } from 'esbuild';

await build({
  entryPoints: { ferry: 'src/cli/main.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  outExtension: { '.js': '.mjs' },
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  // undici and other CommonJS dependencies call require() for node built-ins.
  banner: {
    js: "import { createRequire as __ferryCreateRequire } from 'node:module'; const require = __ferryCreateRequire(import.meta.url);",
  },
});
