/**
 * Where the built dashboard is. The bundled CLI (dist/*.mjs) finds it beside its chunks (dist/web/);
 * running from the sources (tests start the server in-process from src/), the build of the same
 * checkout (`npm ci` runs it) is used.
 */
import { fileURLToPath } from 'node:url';

export function defaultDashboardRoot(moduleUrl: string = import.meta.url): string {
  const fromSources = moduleUrl.endsWith('.ts');
  return fileURLToPath(new URL(fromSources ? '../../../dist/web/' : './web/', moduleUrl));
}
