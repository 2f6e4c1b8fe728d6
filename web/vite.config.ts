/**
 * Builds the dashboard into dist/web/ (scripts/build.mjs runs it after the CLI bundle; `ferry serve`
 * serves it at `/`). Hashed files go to assets/, which the server caches for a year.
 *
 * Development: `npx vite web` serves the app with hot reload and forwards the API, /auth and the event
 * streams to a running `ferry serve` (FERRY_DEV_SERVER, default http://127.0.0.1:8080).
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.FERRY_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web/', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // Every browser the target allows supports <link rel="modulepreload">: no polyfill in the bundle.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rollupOptions: {
      // The contract's modules build zod schemas at load (`z.enum(…).meta(…)`); the app uses their
      // constants and types, not the schemas. Marking zod's calls pure lets unused schemas, and zod with
      // them, drop out of the bundle.
      treeshake: { manualPureFunctions: ['z'] },
    },
  },
  server: {
    // The app imports the contract from ../src/api/.
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
    proxy: { '/api': api, '/auth': api },
  },
});
